package dev.whatsapphub.store;

import dev.whatsapphub.model.AcceptedMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The message rows: accepted, claimed for sending, accepted by the Cloud API, failed, replayed. */
@Repository
public class MessageStore {

    /** The first message stored under an idempotency key. */
    public record Existing(String id, String requestHash) {
    }

    /** A message that still waits to be sent, for re-queueing after a crash. */
    public record Queued(String id, String recipient, String payload) {
    }

    /** A message a failed status has failed, with what its dead letter needs. */
    public record Failed(String id, String sender, String recipient, String payload, String wamid, int code, String title,
                         String detail) {
    }

    private final JdbcTemplate jdbc;

    public MessageStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new message as queued, or returns the message stored first under the same idempotency key. */
    public Optional<Existing> insert(AcceptedMessage m, String client, String requestHash) {
        try {
            jdbc.update("""
                    INSERT INTO hub_message (id, client, idempotency_key, request_hash, sender, recipient, kind, payload,
                                             metadata, status, status_rank, created_at, fallback_payload, fallback, fallback_for,
                                             callback_url)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)""",
                    m.id(), client, m.idempotencyKey(), requestHash, m.sender(), m.recipient(), m.kind(),
                    m.payload().toString(), m.metadata() == null ? null : m.metadata().toString(), now(),
                    m.fallbackPayload() == null ? null : m.fallbackPayload().toString(), m.fallback(), m.fallbackFor(), m.callbackUrl());
            return Optional.empty();
        } catch (DuplicateKeyException sameKey) {
            return Optional.of(jdbc.queryForObject(
                    "SELECT id, request_hash FROM hub_message WHERE client = ? AND idempotency_key = ?",
                    (rs, i) -> new Existing(rs.getString(1), rs.getString(2)), client, m.idempotencyKey()));
        }
    }

    /** Undoes an insert whose message could not be queued, so that a retry with the same key starts afresh. */
    public void delete(String id) {
        jdbc.update("DELETE FROM hub_message WHERE id = ?", id);
    }

    public Optional<StoredMessage> find(String id) {
        return jdbc.query("SELECT * FROM hub_message WHERE id = ?", MessageStore::row, id).stream().findFirst();
    }

    /** Where a message delivered to a lane stands, before it is sent. */
    public enum SendState { CLAIMED, DONE, IN_DOUBT, UNKNOWN }

    /**
     * Claims a message for a call to the Cloud API: CLAIMED when it was waiting, DONE when it was
     * sent or failed already (a copy), IN_DOUBT when an earlier call may have reached Meta unanswered.
     */
    public SendState claim(String id) {
        // accepted_at, not wamid: with "wamid IS NULL" H2 walked the wamid index over every unsent
        // message instead of taking the row by id (15 % of the CPU at 1,000 messages/s)
        if (jdbc.update("""
                UPDATE hub_message SET claimed_at = ? WHERE id = ? AND accepted_at IS NULL AND status_rank = 0 AND claimed_at IS NULL""",
                now(), id) == 1) {
            return SendState.CLAIMED;
        }
        return jdbc.query("SELECT accepted_at IS NULL AND status_rank = 0 FROM hub_message WHERE id = ?",
                rs -> !rs.next() ? SendState.UNKNOWN : rs.getBoolean(1) ? SendState.IN_DOUBT : SendState.DONE, id);
    }

    /** Meta answered the call with an error: it did not take the message, so no call is under way any more. */
    public void releaseClaim(String id) {
        jdbc.update("UPDATE hub_message SET claimed_at = NULL, attempts = attempts + 1 WHERE id = ?", id);
    }

    /**
     * The message waits for a status that says whether Meta took it; false when one already came
     * (during the unanswered call), which settles it at once.
     */
    public boolean markInDoubt(String id) {
        OffsetDateTime now = now();
        jdbc.update("""
                UPDATE hub_message SET in_doubt_since = COALESCE(in_doubt_since, ?),
                       in_doubt_settled = CASE WHEN wamid IS NOT NULL OR status_rank > 0 THEN COALESCE(in_doubt_settled, 'status') ELSE in_doubt_settled END,
                       in_doubt_settled_at = CASE WHEN wamid IS NOT NULL OR status_rank > 0 THEN COALESCE(in_doubt_settled_at, ?) ELSE in_doubt_settled_at END
                WHERE id = ?""", now, now, id);
        return claim(id) == SendState.IN_DOUBT;
    }

    /** No status came within the hold: the message is sent again; false if a status came after all. */
    public boolean resendInDoubt(String id) {
        return jdbc.update("""
                UPDATE hub_message SET claimed_at = ?, in_doubt_settled = 'resent', in_doubt_settled_at = ?
                WHERE id = ? AND accepted_at IS NULL AND status_rank = 0""", now(), now(), id) == 1;
    }

    public void recordAccepted(String id, String wamid) {
        jdbc.update("UPDATE hub_message SET wamid = COALESCE(wamid, ?), accepted_at = ?, attempts = attempts + 1 WHERE id = ?",
                wamid, now(), id);
    }

    /** A failure the hub decided on (Cloud API refused, retries used up); a message already read stays read. */
    public void recordFailed(String id, int code, String title, String detail) {
        jdbc.update("""
                UPDATE hub_message SET status = 'failed', status_rank = 4, failed_at = ?, error_code = ?, error_title = ?,
                       error_detail = ?, attempts = attempts + 1, claimed_at = NULL WHERE id = ? AND status_rank < 3""",
                now(), code, truncate(title, 512), truncate(detail, 2048), id);
    }

    /**
     * A dead letter put back on its queue: it is a queued message again. A message Meta failed
     * after accepting it gets a new wamid when it is sent again; the old one is kept aside, so its
     * late statuses cannot touch the new attempt.
     */
    public void resetForReplay(String id) {
        jdbc.update("""
                UPDATE hub_message SET status = 'queued', status_rank = 0, failed_at = NULL, error_code = NULL,
                       error_title = NULL, error_detail = NULL, sent_at = NULL, delivered_at = NULL, read_at = NULL,
                       claimed_at = NULL, accepted_at = NULL, notified_rank = 0,
                       superseded_wamid = COALESCE(wamid, superseded_wamid), wamid = NULL
                WHERE id = ? AND status = 'failed'""", id);
    }

    /** Messages that are failed with one of these wamids (a failed status was applied to them). */
    public List<Failed> failedByWamid(List<String> wamids) {
        List<Failed> failed = new ArrayList<>();
        for (String wamid : wamids) {
            failed.addAll(jdbc.query("""
                    SELECT id, sender, recipient, payload, wamid, error_code, error_title, error_detail FROM hub_message
                    WHERE wamid = ? AND status = 'failed' AND error_code IS NOT NULL""",
                    (rs, i) -> new Failed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getInt(6), rs.getString(7), rs.getString(8)), wamid));
        }
        return failed;
    }

    /** Messages of a sender created in [from, to) that were never sent; created_at is indexed, status is not. */
    public List<Queued> queuedBetween(String sender, OffsetDateTime from, OffsetDateTime to) {
        return jdbc.query("""
                SELECT id, recipient, payload FROM hub_message
                WHERE created_at >= ? AND created_at < ? AND sender = ? AND status = 'queued' AND accepted_at IS NULL
                ORDER BY created_at""",
                (rs, i) -> new Queued(rs.getString(1), rs.getString(2), rs.getString(3)), from, to, sender);
    }

    /** Every status received for the message's wamid, and for the one it had before a replay. */
    public List<StatusEvent> history(String wamid, String supersededWamid) {
        if (wamid == null && supersededWamid == null) {
            return List.of();
        }
        return jdbc.query("""
                SELECT status, status_time, recorded_at, applied, raw FROM message_status_event WHERE wamid IN (?, ?) ORDER BY id""",
                (rs, i) -> new StatusEvent(rs.getString(1), rs.getObject(2, OffsetDateTime.class),
                        rs.getObject(3, OffsetDateTime.class), rs.getBoolean(4), rs.getString(5)), wamid, supersededWamid);
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static StoredMessage row(ResultSet rs, int i) throws SQLException {
        Integer code = rs.getObject("error_code", Integer.class);
        return new StoredMessage(rs.getString("id"), rs.getString("client"), rs.getString("sender"),
                rs.getString("recipient"), rs.getString("kind"), rs.getString("status"), rs.getString("wamid"),
                rs.getInt("attempts"), rs.getString("metadata"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("accepted_at", OffsetDateTime.class), rs.getObject("sent_at", OffsetDateTime.class),
                rs.getObject("delivered_at", OffsetDateTime.class), rs.getObject("read_at", OffsetDateTime.class),
                rs.getObject("failed_at", OffsetDateTime.class), code,
                rs.getString("error_title"), rs.getString("error_detail"), rs.getString("superseded_wamid"),
                rs.getObject("in_doubt_since", OffsetDateTime.class), rs.getString("in_doubt_settled"),
                rs.getObject("in_doubt_settled_at", OffsetDateTime.class), rs.getString("payload"), rs.getString("fallback_payload"),
                rs.getString("fallback"), rs.getString("fallback_for"), rs.getString("replaced_by"), rs.getString("callback_url"));
    }

    /** A step that went wrong on the way (a refused attempt, an unanswered call), for the message's timeline. */
    public void step(String id, String kind, String detail) {
        jdbc.update("INSERT INTO message_step (message_id, at, kind, detail) VALUES (?, ?, ?, ?)", id, now(), kind,
                detail.length() > 2000 ? detail.substring(0, 2000) : detail);
    }

    /** One step of {@link #step}. */
    public record Step(OffsetDateTime at, String kind, String detail) {
    }

    public List<Step> steps(String id) {
        return jdbc.query("SELECT at, kind, detail FROM message_step WHERE message_id = ? ORDER BY id",
                (rs, n) -> new Step(rs.getObject(1, OffsetDateTime.class), rs.getString(2), rs.getString(3)), id);
    }

    /** The message Meta knows by {@code wamid}. */
    public Optional<StoredMessage> byWamid(String wamid) {
        return jdbc.query("SELECT * FROM hub_message WHERE wamid = ?", MessageStore::row, wamid).stream().findFirst();
    }

    /** The latest message from {@code sender} to any of {@code recipients} created after {@code since}. */
    public Optional<StoredMessage> latestTo(String sender, List<String> recipients, OffsetDateTime since) {
        Optional<StoredMessage> latest = Optional.empty();
        for (String recipient : recipients) {
            Optional<StoredMessage> m = jdbc.query("""
                    SELECT * FROM hub_message WHERE sender = ? AND recipient = ? AND created_at > ?
                    ORDER BY created_at DESC FETCH FIRST 1 ROWS ONLY""", MessageStore::row, sender, recipient, since).stream().findFirst();
            if (m.isPresent() && (latest.isEmpty() || m.get().createdAt().isAfter(latest.get().createdAt()))) {
                latest = m;
            }
        }
        return latest;
    }

    /** The latest {@code limit} messages of {@code client} from {@code sender} to any of {@code recipients}, newest first. */
    public List<StoredMessage> conversation(String client, String sender, List<String> recipients, int limit) {
        List<StoredMessage> all = new ArrayList<>();
        for (String recipient : recipients) {
            all.addAll(jdbc.query("""
                    SELECT * FROM hub_message WHERE sender = ? AND recipient = ? AND client = ?
                    ORDER BY created_at DESC FETCH FIRST %d ROWS ONLY""".formatted(limit), MessageStore::row, sender, recipient, client));
        }
        all.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    /** Notes that {@code fallbackId} went in place of {@code id}, which Meta failed; false if another fallback did first. */
    public boolean replacedBy(String id, String fallbackId) {
        return jdbc.update("UPDATE hub_message SET replaced_by = ? WHERE id = ? AND replaced_by IS NULL", fallbackId, id) == 1;
    }
}
