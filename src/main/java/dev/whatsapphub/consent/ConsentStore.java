package dev.whatsapphub.consent;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The contact_consent rows (where each contact stands, per sender and category) and every change
 * in contact_consent_event, with its time and source.
 */
@Repository
public class ConsentStore {

    /** One opt-out or opt-in: {@code source} is {@code keyword}, {@code user_preferences} or {@code meta_131050}. */
    public record Change(long id, String sender, String contactId, String category, boolean optedOut, String source, String detail,
                         Instant at) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public ConsentStore(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /**
     * Records a change; returns it, or empty if the contact already stood there (a STOP sent twice,
     * a webhook delivered again) or a later change is already recorded.
     */
    public Optional<Change> change(String sender, String contactId, String category, boolean optOut, String source, String detail,
                                   Instant at) {
        return tx.execute(status -> {
            Optional<Change> current = current(sender, contactId, category);
            if (current.isPresent() && (current.get().optedOut() == optOut || current.get().at().isAfter(at))) {
                return Optional.<Change>empty();
            }
            if (current.isPresent()) {
                jdbc.update("DELETE FROM contact_consent WHERE sender = ? AND contact_id = ? AND category = ?", sender, contactId, category);
            }
            jdbc.update("""
                    INSERT INTO contact_consent (sender, contact_id, category, opted_out, changed_at, source, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""", sender, contactId, category, optOut, at(at), source, detail);
            jdbc.update("""
                    INSERT INTO contact_consent_event (sender, contact_id, category, opted_out, source, detail, changed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""", sender, contactId, category, optOut, source, detail, at(at));
            // the event's own id: callbacks of the change are keyed by it
            return jdbc.query("""
                    SELECT id, sender, contact_id, category, opted_out, source, detail, changed_at FROM contact_consent_event
                    WHERE sender = ? AND contact_id = ? AND category = ? ORDER BY id DESC FETCH FIRST 1 ROWS ONLY""",
                    ConsentStore::row, sender, contactId, category).stream().findFirst();
        });
    }

    /** Where the contact stands for the sender and category ({@code id} 0: the standing, not one event); empty if it never changed. */
    public Optional<Change> current(String sender, String contactId, String category) {
        return jdbc.query("""
                SELECT 0, sender, contact_id, category, opted_out, source, detail, changed_at FROM contact_consent
                WHERE sender = ? AND contact_id = ? AND category = ?""", ConsentStore::row, sender, contactId, category).stream().findFirst();
    }

    /** Every change of a contact, oldest first. */
    public List<Change> history(String contactId) {
        return jdbc.query("""
                SELECT id, sender, contact_id, category, opted_out, source, detail, changed_at FROM contact_consent_event
                WHERE contact_id = ? ORDER BY changed_at, id""", ConsentStore::row, contactId);
    }

    private static Change row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        Timestamp at = rs.getTimestamp(8);
        return new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getString(6),
                rs.getString(7), at.toInstant());
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
