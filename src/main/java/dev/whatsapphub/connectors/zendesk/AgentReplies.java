package dev.whatsapphub.connectors.zendesk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.callback.ConnectorCallbacks;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.consent.OptedOutException;
import dev.whatsapphub.model.AcceptedMessage;
import dev.whatsapphub.model.InvalidMessageException;
import dev.whatsapphub.model.MessageFactory;
import dev.whatsapphub.model.MessageIds;
import dev.whatsapphub.outbound.MessageIntake;
import dev.whatsapphub.store.Durability;
import dev.whatsapphub.window.WindowClosedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.zendesk.client.v2.model.Comment;

/**
 * An agent answered on a ticket the hub opened: every public comment by someone other than the
 * customer goes to the customer on WhatsApp, once (its comment id is the message's idempotency
 * key, so Zendesk delivering the webhook twice, or a later webhook of the same ticket, sends it
 * no second time). Free-form inside the 24-hour window; outside it the file's fallback template
 * goes instead (the hub's window check), and an internal note on the ticket says so. A reply the
 * hub cannot send (too long, opted out) is an internal note with the reason.
 */
@Component
class AgentReplies {

    /** What came of one webhook: the comments sent now, and those sent before (repeats). */
    record Outcome(List<String> sent, List<String> repeated, List<String> notSent) {
    }

    private static final Logger log = LoggerFactory.getLogger(AgentReplies.class);

    private final ZendeskConnectorRoutes zendesk;
    private final SupportTickets tickets;
    private final MessageFactory factory;
    private final MessageIntake intake;
    private final Durability durability;
    private final ObjectMapper mapper;
    private final CamelContext camel;

    AgentReplies(ZendeskConnectorRoutes zendesk, SupportTickets tickets, MessageFactory factory, MessageIntake intake, Durability durability,
                 ObjectMapper mapper, CamelContext camel) {
        this.zendesk = zendesk;
        this.tickets = tickets;
        this.factory = factory;
        this.intake = intake;
        this.durability = durability;
        this.mapper = mapper;
        this.camel = camel;
    }

    /** The ticket is one the hub opened ({@code null} otherwise): sends what its agents wrote and the customer has not had. */
    Outcome replied(Connector connector, long ticketId) {
        String id = connector.id();
        SupportTickets.Ticket ticket = tickets.find(id, ticketId).orElse(null);
        if (ticket == null) {
            return null;
        }
        ZendeskDesk desk = zendesk.desk(id);
        List<String> sent = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        List<String> notSent = new ArrayList<>();
        Map<Long, Boolean> staff = new HashMap<>();
        for (Comment c : desk.comments(ticketId)) {
            if (!Boolean.TRUE.equals(c.isPublic()) || c.getAuthorId() == null || c.getAuthorId() == ticket.requesterId() || c.getBody() == null
                    || c.getBody().isBlank()) {
                continue; // the customer's own words, and internal notes, are not replies
            }
            // only an agent's words go to the customer: not an end user copied on the ticket, nor a requester since merged
            if (!staff.computeIfAbsent(c.getAuthorId(), desk::staff)) {
                continue;
            }
            String refusedKey = "zendesk-comment:" + c.getId();
            if (tickets.commentState(id, refusedKey).isPresent()) {
                notSent.add(String.valueOf(c.getId()));
                continue; // refused before, and noted on the ticket then
            }
            ObjectNode request = request(connector.file(), ticket, c);
            String client = ConnectorCallbacks.TARGET_PREFIX + id;
            try {
                AcceptedMessage message = intake.admitted(factory.accept(MessageIds.next(), request))
                        .withCallbackTarget(ConnectorCallbacks.target(id));
                MessageIntake.Intake done = intake.submit(client, request, message);
                durability.await();
                if (done.replayed()) {
                    repeated.add(String.valueOf(c.getId()));
                    continue;
                }
                sent.add(String.valueOf(c.getId()));
                connector.countEvent();
                if (message.fallback() != null) {
                    zendesk.note(id, ticketId, "WhatsApp: the customer's 24-hour window is closed, so the reply (comment " + c.getId()
                            + ") was not sent; the template " + connector.file().zendesk().fallbackName() + " went instead (message "
                            + done.id() + "). When the customer writes again, answer then: a reply inside the window goes as written.");
                }
                log.info("Connector {}: agent reply {} on ticket {} sent as message {}", id, c.getId(), ticketId, done.id());
            } catch (InvalidMessageException | WindowClosedException | OptedOutException refused) {
                notSent.add(String.valueOf(c.getId()));
                zendesk.note(id, ticketId, "WhatsApp: the reply (comment " + c.getId() + ") cannot be sent: " + refused.getMessage());
                tickets.comment(id, refusedKey, ticketId);
                durability.await();
            } catch (MessageIntake.IdempotencyKeyReused edited) {
                repeated.add(String.valueOf(c.getId()));
            }
        }
        return new Outcome(sent, repeated, notSent);
    }

    private ObjectNode request(ConnectorFile file, SupportTickets.Ticket ticket, Comment c) {
        ConnectorFile.Zendesk z = file.zendesk();
        ObjectNode request = mapper.createObjectNode().put("to", ticket.recipient())
                .put("from", z.sender() != null ? z.sender() : ticket.sender())
                .put("idempotency_key", "zendesk:" + ticket.ticketId() + ":" + c.getId());
        request.putObject("text").put("body", c.getBody().strip());
        ObjectNode metadata = request.putObject("metadata");
        metadata.putObject("connector").put("id", file.id()).put("ticket_id", ticket.ticketId()).put("comment_id", c.getId());
        ObjectNode fallback = request.putObject("fallback_template").put("name", z.fallbackName()).put("language", z.fallbackLanguage());
        if (!z.fallbackParameters().isEmpty()) {
            Map<String, Object> on = new LinkedHashMap<>();
            on.put("ticket", Map.of("id", ticket.ticketId()));
            on.put("contact", Map.of("id", ticket.contactId(), "recipient", ticket.recipient()));
            on.put("comment", Map.of("id", c.getId(), "body", c.getBody()));
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(on);
            fallback.set("parameters", mapper.valueToTree(ConnectorFile.evaluate(z.fallbackParameters(), exchange, "", null, List.of())));
        }
        return request;
    }
}
