package dev.whatsapphub.inbound;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The inbound_message rows: one per wamid, so a webhook Meta delivers twice is stored once. */
@Repository
public class InboundStore {

    /** One message a customer sent, as stored. */
    public record Stored(String wamid, String phoneNumberId, String sender, String contactId, String type, String profileName,
                         String contextWamid, Instant sentAt, Instant receivedAt, String raw, String replyToId) {

        public Stored(String wamid, String phoneNumberId, String sender, String contactId, String type, String profileName,
                      String contextWamid, Instant sentAt, Instant receivedAt, String raw) {
            this(wamid, phoneNumberId, sender, contactId, type, profileName, contextWamid, sentAt, receivedAt, raw, null);
        }
    }

    private final JdbcTemplate jdbc;

    public InboundStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the message; false if its wamid was stored before (a redelivered webhook). */
    public boolean insert(Stored m) {
        try {
            jdbc.update("""
                    INSERT INTO inbound_message (wamid, phone_number_id, sender, contact_id, type, profile_name, context_wamid,
                                                 sent_at, received_at, raw)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    m.wamid(), m.phoneNumberId(), m.sender(), m.contactId(), m.type(), m.profileName(), m.contextWamid(),
                    at(m.sentAt()), at(m.receivedAt()), m.raw());
            return true;
        } catch (DuplicateKeyException seen) {
            return false;
        }
    }

    public Optional<Stored> find(String wamid) {
        return jdbc.query("SELECT * FROM inbound_message WHERE wamid = ?", InboundStore::row, wamid).stream().findFirst();
    }

    /** The customer messages linked to hub message {@code messageId} (quoted or tapped), oldest first. */
    public List<Stored> repliesTo(String messageId) {
        return jdbc.query("SELECT * FROM inbound_message WHERE reply_to_id = ? ORDER BY received_at, wamid", InboundStore::row, messageId);
    }

    /** A contact's latest {@code limit} messages to {@code sender}, newest first. */
    public List<Stored> latestOf(String contactId, String sender, int limit) {
        return jdbc.query("""
                SELECT * FROM inbound_message WHERE contact_id = ? AND sender = ? ORDER BY received_at DESC FETCH FIRST %d ROWS ONLY"""
                .formatted(limit), InboundStore::row, contactId, sender);
    }

    /** A contact's messages, oldest first. */
    public List<Stored> ofContact(String contactId) {
        return jdbc.query("SELECT * FROM inbound_message WHERE contact_id = ? ORDER BY received_at, wamid", InboundStore::row, contactId);
    }

    private static Stored row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Stored(rs.getString("wamid"), rs.getString("phone_number_id"), rs.getString("sender"), rs.getString("contact_id"),
                rs.getString("type"), rs.getString("profile_name"), rs.getString("context_wamid"), instant(rs.getTimestamp("sent_at")),
                instant(rs.getTimestamp("received_at")), rs.getString("raw"), rs.getString("reply_to_id"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
