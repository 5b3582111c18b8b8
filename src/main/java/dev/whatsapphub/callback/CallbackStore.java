package dev.whatsapphub.callback;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The callback rows and their attempts. */
@Repository
public class CallbackStore {

    /** One callback: {@code state} pending, delivered or dead. */
    public record Callback(long seq, String eventId, String client, String type, String messageId, String target, String body,
                           String state, int attempts, Instant nextAttemptAt, String lastError, Instant createdAt, Instant deliveredAt) {
    }

    /** One delivery attempt and what came of it. */
    public record Attempt(String eventId, int attempt, Instant at, String outcome, boolean delivered) {
    }

    private final JdbcTemplate jdbc;

    public CallbackStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds a callback, due now; false if one with this event id exists (its cause was replayed). */
    boolean add(String eventId, String client, String type, String messageId, String target, String body) {
        try {
            jdbc.update("""
                    INSERT INTO callback (event_id, client, type, message_id, target, body, state, attempts, next_attempt_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)""", eventId, client, type, messageId, target, body, now(), now());
            return true;
        } catch (DuplicateKeyException seen) {
            return false;
        }
    }

    /**
     * Pending callbacks that are due, oldest first, each the earliest undelivered one of its message:
     * a message's callbacks are delivered in order, one after the other, and a dead one holds the
     * later ones back until it is replayed (they follow it then).
     */
    List<Callback> due(int limit) {
        return jdbc.query("""
                SELECT * FROM callback c WHERE c.state = 'pending' AND c.next_attempt_at <= ?
                  AND (c.message_id IS NULL OR NOT EXISTS (SELECT 1 FROM callback p WHERE p.message_id = c.message_id
                                                           AND p.state IN ('pending', 'dead') AND p.seq < c.seq))
                ORDER BY c.seq FETCH FIRST %d ROWS ONLY""".formatted(limit), CallbackStore::row, now());
    }

    /** Takes the callback for one attempt (another instance may have seen it due too); false if it was taken. */
    boolean claim(Callback callback, Duration lease) {
        return jdbc.update("UPDATE callback SET next_attempt_at = ? WHERE seq = ? AND state = 'pending' AND next_attempt_at = ?",
                at(Instant.now().plus(lease)), callback.seq(), at(callback.nextAttemptAt())) == 1;
    }

    void delivered(Callback callback, String outcome) {
        int attempt = callback.attempts() + 1;
        jdbc.update("UPDATE callback SET state = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL WHERE seq = ?",
                attempt, now(), callback.seq());
        attempt(callback.eventId(), attempt, outcome, true);
    }

    /** The attempt failed: tried again at {@code next}, or dead when there is none. */
    void failed(Callback callback, String outcome, Instant next) {
        int attempt = callback.attempts() + 1;
        String error = outcome.length() > 1000 ? outcome.substring(0, 1000) : outcome;
        if (next == null) {
            jdbc.update("UPDATE callback SET state = 'dead', attempts = ?, last_error = ? WHERE seq = ?", attempt, error, callback.seq());
        } else {
            jdbc.update("UPDATE callback SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?", attempt, error, at(next),
                    callback.seq());
        }
        attempt(callback.eventId(), attempt, error, false);
    }

    /** A dead callback is due again, with its attempts counted afresh; false if there is no such dead callback. */
    public boolean replay(String eventId, String client) {
        return jdbc.update("""
                UPDATE callback SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE event_id = ? AND client = ? AND state = 'dead'""",
                now(), eventId, client) == 1;
    }

    public List<Callback> inState(String client, String state) {
        return jdbc.query("SELECT * FROM callback WHERE client = ? AND state = ? ORDER BY seq FETCH FIRST 1000 ROWS ONLY",
                CallbackStore::row, client, state);
    }

    public Optional<Callback> find(String eventId) {
        return jdbc.query("SELECT * FROM callback WHERE event_id = ?", CallbackStore::row, eventId).stream().findFirst();
    }

    /** A message's callbacks, oldest first. */
    public List<Callback> ofMessage(String messageId) {
        return jdbc.query("SELECT * FROM callback WHERE message_id = ? ORDER BY seq", CallbackStore::row, messageId);
    }

    public List<Attempt> attempts(String eventId) {
        return jdbc.query("SELECT event_id, attempt, at, outcome, delivered FROM callback_attempt WHERE event_id = ? ORDER BY id",
                (rs, n) -> new Attempt(rs.getString(1), rs.getInt(2), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getBoolean(5)),
                eventId);
    }

    private void attempt(String eventId, int attempt, String outcome, boolean delivered) {
        jdbc.update("INSERT INTO callback_attempt (event_id, attempt, at, outcome, delivered) VALUES (?, ?, ?, ?, ?)",
                eventId, attempt, now(), outcome, delivered);
    }

    private static Callback row(ResultSet rs, int n) throws SQLException {
        return new Callback(rs.getLong("seq"), rs.getString("event_id"), rs.getString("client"), rs.getString("type"),
                rs.getString("message_id"), rs.getString("target"), rs.getString("body"), rs.getString("state"), rs.getInt("attempts"),
                instant(rs.getTimestamp("next_attempt_at")), rs.getString("last_error"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("delivered_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
