package dev.whatsapphub.window;

import dev.whatsapphub.HubProperties;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The customer_window rows: when each contact last wrote to each sender, and when Meta said the
 * window was closed anyway (131047). A window is open for 24 hours after the customer's last
 * message, less the safety margin ({@code hub.conversations.window-margin}): the hub's clock and
 * Meta's differ, and a send accepted just before the end is sent a little later.
 */
@Repository
public class CustomerWindows {

    /** Meta's customer service window. */
    public static final Duration LENGTH = Duration.ofHours(24);

    /** One window: {@code closedAt} is set when Meta refused a free-form send after the customer's last message. */
    public record Window(Instant lastInboundAt, Instant closedAt) {

        /** When the window closes (or closed), by the hub's reckoning with the margin. */
        public Instant closesAt(Duration margin) {
            Instant end = lastInboundAt.plus(LENGTH).minus(margin);
            return closedAt != null && closedAt.isBefore(end) ? closedAt : end;
        }

        public boolean openAt(Instant now, Duration margin) {
            return now.isBefore(closesAt(margin));
        }
    }

    private final JdbcTemplate jdbc;
    private final Duration margin;

    public CustomerWindows(JdbcTemplate jdbc, HubProperties properties) {
        this.jdbc = jdbc;
        this.margin = properties.conversations().windowMargin();
    }

    public Duration margin() {
        return margin;
    }

    /** The customer wrote at {@code at}: the window opens, or lasts longer; Meta's earlier refusal no longer counts. */
    public void customerWrote(String sender, String contactId, Instant at) {
        for (int attempt = 1; ; attempt++) {
            int updated = jdbc.update("""
                    UPDATE customer_window SET last_inbound_at = ?, closed_at = NULL
                    WHERE sender = ? AND contact_id = ? AND last_inbound_at < ?""", at(at), sender, contactId, at(at));
            if (updated == 1 || of(sender, contactId).isPresent()) {
                return; // moved on, or a later message is already there
            }
            try {
                jdbc.update("INSERT INTO customer_window (sender, contact_id, last_inbound_at) VALUES (?, ?, ?)", sender, contactId, at(at));
                return;
            } catch (DuplicateKeyException raced) {
                if (attempt == 3) {
                    throw raced;
                }
            }
        }
    }

    /** Meta failed a free-form send with 131047: the window is closed, whatever the hub's clock says. */
    public void metaClosed(String sender, String contactId, Instant at) {
        jdbc.update("UPDATE customer_window SET closed_at = ? WHERE sender = ? AND contact_id = ? AND closed_at IS NULL",
                at(at), sender, contactId);
        if (of(sender, contactId).isEmpty()) {
            try {
                // never seen writing: the row records Meta's word, for the conversation view
                jdbc.update("INSERT INTO customer_window (sender, contact_id, last_inbound_at, closed_at) VALUES (?, ?, ?, ?)",
                        sender, contactId, at(Instant.EPOCH), at(at));
            } catch (DuplicateKeyException raced) {
                // the customer wrote meanwhile: that counts
            }
        }
    }

    public Optional<Window> of(String sender, String contactId) {
        return jdbc.query("SELECT last_inbound_at, closed_at FROM customer_window WHERE sender = ? AND contact_id = ?",
                (rs, n) -> new Window(rs.getTimestamp(1).toInstant(), instant(rs.getTimestamp(2))), sender, contactId).stream().findFirst();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
