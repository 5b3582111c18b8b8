package dev.whatsapphub.contact;

import dev.whatsapphub.model.MessageIds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The contact rows. A webhook's ids are matched by user id first, then by phone number; what the
 * webhook adds (the other id, a username, a profile name) is kept. Two rows that turn out to be
 * one customer (a phone number seen before its user id, a user id that changed) are merged, and
 * whatever points at the one dropped points at the one kept.
 */
@Repository
public class ContactStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public ContactStore(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** The contact the webhook identifies, created or completed from it; empty if it names no id at all. */
    public Optional<Contact> learn(String wabaId, Identity who, Instant seenAt) {
        if (who.anonymous()) {
            return Optional.empty();
        }
        // two consumers can learn the same new customer at once: the loser reads the winner's row
        for (int attempt = 1; ; attempt++) {
            try {
                return Optional.of(tx.execute(status -> learnOnce(wabaId, who, seenAt)));
            } catch (DuplicateKeyException raced) {
                if (attempt == 3) {
                    throw raced;
                }
            }
        }
    }

    private Contact learnOnce(String wabaId, Identity who, Instant seenAt) {
        Contact byUser = who.userId() == null ? null : byUserId(wabaId, who.userId()).orElse(null);
        Contact byPhone = who.waId() == null ? null : byWaId(wabaId, who.waId()).orElse(null);
        if (byUser == null && byPhone == null) {
            String id = MessageIds.next();
            jdbc.update("""
                    INSERT INTO contact (id, waba_id, user_id, parent_user_id, wa_id, username, profile_name, first_seen_at, last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    id, wabaId, who.userId(), who.parentUserId(), who.waId(), who.username(), who.profileName(), at(seenAt), at(seenAt));
            return find(id).orElseThrow();
        }
        Contact kept = byUser != null ? byUser : byPhone;
        if (byUser != null && byPhone != null && !byUser.id().equals(byPhone.id())) {
            if (byPhone.userId() == null) {
                // the number was seen before Meta sent user ids: the same customer
                merge(byPhone.id(), byUser.id());
            } else {
                // the number now belongs to another user id (a new phone owner, or a changed number): it moves
                jdbc.update("UPDATE contact SET wa_id = NULL WHERE id = ?", byPhone.id());
            }
        }
        jdbc.update("""
                UPDATE contact SET user_id = COALESCE(?, user_id), parent_user_id = COALESCE(?, parent_user_id),
                       wa_id = COALESCE(?, wa_id), username = COALESCE(?, username), profile_name = COALESCE(?, profile_name),
                       last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END
                WHERE id = ?""",
                who.userId(), who.parentUserId(), who.waId(), who.username(), who.profileName(), at(seenAt), at(seenAt), kept.id());
        return find(kept.id()).orElseThrow();
    }

    /**
     * Meta gave the customer a new user id ({@code user_id_update}, or a {@code user_changed_user_id}
     * system message): the contact keeps its history under the new id.
     */
    public Contact changeUserId(String wabaId, String previous, String current, String waId, Instant at) {
        Objects.requireNonNull(current, "current user id");
        return tx.execute(status -> {
            Optional<Contact> old = previous == null ? Optional.empty() : byUserId(wabaId, previous);
            Optional<Contact> now = byUserId(wabaId, current);
            if (old.isPresent() && now.isPresent() && !old.get().id().equals(now.get().id())) {
                // a message under the new id came first
                merge(old.get().id(), now.get().id());
            } else if (old.isPresent()) {
                jdbc.update("UPDATE contact SET user_id = ? WHERE id = ?", current, old.get().id());
            }
            return learnOnce(wabaId, new Identity(current, null, waId, null, null), at);
        });
    }

    /** The customer moved to another phone number ({@code user_changed_number}): the contact takes it. */
    public Contact changeWaId(String contactId, String waId) {
        return tx.execute(status -> {
            Contact contact = find(contactId).orElseThrow();
            byWaId(contact.wabaId(), waId).filter(other -> !other.id().equals(contactId)).ifPresent(other -> {
                if (other.userId() == null) {
                    merge(other.id(), contactId);
                } else {
                    jdbc.update("UPDATE contact SET wa_id = NULL WHERE id = ?", other.id());
                }
            });
            jdbc.update("UPDATE contact SET wa_id = ? WHERE id = ?", waId, contactId);
            return find(contactId).orElseThrow();
        });
    }

    /** Folds {@code dropped} into {@code kept}: everything keyed by contact follows. */
    private void merge(String dropped, String kept) {
        for (String table : KEYED_BY_CONTACT) {
            jdbc.update("UPDATE " + table + " SET contact_id = ? WHERE contact_id = ?", kept, dropped);
        }
        // one window per sender and contact: the later of the two customer messages counts
        jdbc.update("""
                UPDATE customer_window SET last_inbound_at = (SELECT MAX(w.last_inbound_at) FROM customer_window w
                                                              WHERE w.sender = customer_window.sender AND w.contact_id IN (?, ?))
                WHERE contact_id = ?""", dropped, kept, kept);
        jdbc.update("""
                UPDATE customer_window SET contact_id = ? WHERE contact_id = ?
                AND sender NOT IN (SELECT w.sender FROM customer_window w WHERE w.contact_id = ?)""", kept, dropped, kept);
        jdbc.update("DELETE FROM customer_window WHERE contact_id = ?", dropped);
        // one consent per sender and category: the later change counts
        jdbc.update("""
                DELETE FROM contact_consent WHERE contact_id = ? AND EXISTS (SELECT 1 FROM contact_consent k WHERE k.contact_id = ?
                  AND k.sender = contact_consent.sender AND k.category = contact_consent.category AND k.changed_at >= contact_consent.changed_at)""",
                dropped, kept);
        jdbc.update("""
                DELETE FROM contact_consent WHERE contact_id = ? AND EXISTS (SELECT 1 FROM contact_consent d WHERE d.contact_id = ?
                  AND d.sender = contact_consent.sender AND d.category = contact_consent.category)""", kept, dropped);
        jdbc.update("UPDATE contact_consent SET contact_id = ? WHERE contact_id = ?", kept, dropped);
        jdbc.update("""
                UPDATE contact SET first_seen_at = (SELECT MIN(first_seen_at) FROM contact WHERE id IN (?, ?)) WHERE id = ?""",
                dropped, kept, kept);
        jdbc.update("DELETE FROM contact WHERE id = ?", dropped);
    }

    /** Tables with a contact_id column, which a merge re-points. */
    private static final List<String> KEYED_BY_CONTACT = List.of("inbound_message", "contact_consent_event");

    public Optional<Contact> find(String id) {
        return jdbc.query("SELECT * FROM contact WHERE id = ?", ContactStore::row, id).stream().findFirst();
    }

    /** The contact a send's recipient names in the account (an E.164 number or a user id), if the hub knows it. */
    public Optional<Contact> byRecipient(String wabaId, String recipient) {
        return Identity.USER_ID.matcher(recipient).matches() ? byUserId(wabaId, recipient) : byWaId(wabaId, recipient.replaceAll("\\D", ""));
    }

    public Optional<Contact> byUserId(String wabaId, String userId) {
        return jdbc.query("SELECT * FROM contact WHERE waba_id = ? AND user_id = ?", ContactStore::row, wabaId, userId).stream().findFirst();
    }

    public Optional<Contact> byWaId(String wabaId, String waId) {
        return jdbc.query("SELECT * FROM contact WHERE waba_id = ? AND wa_id = ?", ContactStore::row, wabaId, waId).stream().findFirst();
    }

    private static Contact row(ResultSet rs, int n) throws SQLException {
        return new Contact(rs.getString("id"), rs.getString("waba_id"), rs.getString("user_id"), rs.getString("parent_user_id"),
                rs.getString("wa_id"), rs.getString("username"), rs.getString("profile_name"), instant(rs, "first_seen_at"),
                instant(rs, "last_seen_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
