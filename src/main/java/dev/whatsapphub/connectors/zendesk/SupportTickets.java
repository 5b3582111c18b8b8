package dev.whatsapphub.connectors.zendesk;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The tickets a support-desk connector opened ({@code support_ticket}): whose conversation each is
 * and where an agent's reply goes; and the customer messages already on them
 * ({@code support_comment}), by wamid.
 */
@Component
class SupportTickets {

    /** A ticket of a contact's conversation: answered from {@code sender} to {@code recipient} (a phone number or a user id). */
    record Ticket(long ticketId, String contactId, String sender, String recipient, long requesterId) {
    }

    private static final String SELECT = "SELECT ticket_id, contact_id, sender, recipient, requester_id FROM support_ticket";
    private static final RowMapper<Ticket> TICKET = (rs, n) -> new Ticket(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getLong(5));

    private final JdbcTemplate jdbc;

    SupportTickets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The contact's latest ticket (it may have been solved since: the desk says). */
    Optional<Ticket> latest(String connector, String contactId) {
        return jdbc.query(SELECT + " WHERE connector = ? AND contact_id = ? ORDER BY opened_at DESC FETCH FIRST 1 ROWS ONLY", TICKET,
                connector, contactId).stream().findFirst();
    }

    Optional<Ticket> find(String connector, long ticketId) {
        return jdbc.query(SELECT + " WHERE connector = ? AND ticket_id = ?", TICKET, connector, ticketId).stream().findFirst();
    }

    void opened(String connector, Ticket ticket) {
        if (find(connector, ticket.ticketId()).isPresent()) {
            return;
        }
        jdbc.update("INSERT INTO support_ticket (connector, ticket_id, contact_id, sender, recipient, requester_id, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                connector, ticket.ticketId(), ticket.contactId(), ticket.sender(), ticket.recipient(), ticket.requesterId(),
                Timestamp.from(Instant.now()));
    }

    /** Where the customer's message {@code wamid} stands: {@code pending} (an attempt began), {@code done}, or empty (never tried). */
    Optional<String> commentState(String connector, String wamid) {
        return jdbc.query("SELECT state FROM support_comment WHERE connector = ? AND wamid = ?", (rs, n) -> rs.getString(1), connector, wamid)
                .stream().findFirst();
    }

    /** An attempt to put the message on the desk begins (the caller makes it durable before it calls the desk). */
    void pending(String connector, String wamid) {
        try {
            jdbc.update("INSERT INTO support_comment (connector, wamid, state, created_at) VALUES (?, ?, 'pending', ?)", connector, wamid,
                    Timestamp.from(Instant.now()));
        } catch (DuplicateKeyException already) {
            // an earlier attempt began it
        }
    }

    /** The message is on ticket {@code ticketId}. */
    void comment(String connector, String wamid, long ticketId) {
        if (jdbc.update("UPDATE support_comment SET state = 'done', ticket_id = ? WHERE connector = ? AND wamid = ?", ticketId, connector, wamid) == 0) {
            try {
                jdbc.update("INSERT INTO support_comment (connector, wamid, state, ticket_id, created_at) VALUES (?, ?, 'done', ?, ?)", connector,
                        wamid, ticketId, Timestamp.from(Instant.now()));
            } catch (DuplicateKeyException already) {
                // another consumer put the same message on first
            }
        }
    }
}
