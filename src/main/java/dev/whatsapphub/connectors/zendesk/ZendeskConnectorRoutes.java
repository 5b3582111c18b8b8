package dev.whatsapphub.connectors.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.Causes;
import dev.whatsapphub.broker.BrokerConfiguration;
import dev.whatsapphub.callback.Callbacks;
import dev.whatsapphub.callback.ConnectorCallbacks.Delivery;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.ConnectorEvents;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.connectors.ConnectorKind;
import dev.whatsapphub.connectors.Connectors;
import dev.whatsapphub.events.EventIntakeErrorHandling;
import dev.whatsapphub.events.InvalidEventException;
import dev.whatsapphub.media.MediaStore;
import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.store.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.zendesk.client.v2.model.Comment;
import org.zendesk.client.v2.model.Status;
import org.zendesk.client.v2.model.Ticket;

/**
 * Kind {@code zendesk}: the support desk takes the conversations no business system owns. The
 * route (template {@code connector-zendesk}) consumes the queue the default route fills
 * ({@code hub.inbound.unassigned}) in a JMS transaction: a customer's message becomes a comment on
 * the contact's open ticket, or opens one with the customer as requester (found or created by an
 * external id from the contact), once per wamid. The way back is {@link AgentReplies}; the
 * statuses of the replies it sends, the customer's answers to them and opt-outs come back as
 * callbacks and are written on the ticket ({@link WritesBack}). A message the desk refuses goes to
 * the connector's dead letters with the reason; a desk away rolls the transaction back.
 */
@Component
class ZendeskConnectorRoutes extends RouteBuilder implements ConnectorKind, ConnectorKind.WritesBack {

    static final String TEMPLATE = "connector-zendesk";
    private static final Set<Status> OPEN = Set.of(Status.NEW, Status.OPEN, Status.PENDING, Status.HOLD);
    private static final AtomicLong COMPONENTS = new AtomicLong();
    private static final Logger log = LoggerFactory.getLogger(ZendeskConnectorRoutes.class);

    private final Connectors connectors;
    private final SupportTickets tickets;
    private final MediaStore media;
    private final ObjectMapper mapper;
    private final ProducerTemplate producer;
    private final Durability durability;
    private final Map<String, ZendeskDesk> desks = new ConcurrentHashMap<>();

    ZendeskConnectorRoutes(Connectors connectors, SupportTickets tickets, MediaStore media, ObjectMapper mapper, ProducerTemplate producer,
                           Durability durability) {
        this.durability = durability;
        this.connectors = connectors;
        this.tickets = tickets;
        this.media = media;
        this.mapper = mapper;
        this.producer = producer;
    }

    @Override
    public String kind() {
        return "zendesk";
    }

    @Override
    public String template() {
        return TEMPLATE;
    }

    @Override
    public Map<String, Object> parameters(ConnectorFile file) {
        // one consumer: a contact's messages are put on its ticket in the order the customer wrote them
        return Map.of("connector", file.id(), "from", BrokerConfiguration.transactedConsumer(file.zendesk().from(), 1),
                "deadLetters", file.deadLetters());
    }

    @Override
    public void start(CamelContext camel, String routeId, ConnectorFile file) throws Exception {
        ConnectorFile.Zendesk z = file.zendesk();
        ZendeskDesk desk = new ZendeskDesk(camel, producer, "zendesk-" + file.id() + "-" + COMPONENTS.incrementAndGet(), z.url(), z.email(),
                z.token());
        ZendeskDesk before = desks.put(file.id(), desk);
        if (before != null) {
            before.close();
        }
        ConnectorKind.super.start(camel, routeId, file);
    }

    @Override
    public void stop(CamelContext camel, String routeId, ConnectorFile file) throws Exception {
        ConnectorKind.super.stop(camel, routeId, file);
        ZendeskDesk desk = desks.remove(file.id());
        if (desk != null) {
            desk.close();
        }
    }

    ZendeskDesk desk(String connector) {
        ZendeskDesk desk = desks.get(connector);
        if (desk == null) {
            throw new IllegalStateException("connector " + connector + " is not running");
        }
        return desk;
    }

    @Override
    public void configure() {
        routeTemplate(TEMPLATE)
                .templateParameter("connector").templateParameter("from").templateParameter("deadLetters")
                .from("{{from}}")
                    .routeConfigurationId(EventIntakeErrorHandling.ID)
                    .setProperty(ConnectorEvents.CONNECTOR, constant("{{connector}}"))
                    .setProperty(EventIntakeErrorHandling.DEAD_LETTERS, constant("{{deadLetters}}"))
                    .process(this::unassigned);
    }

    /** A message or an opt-out no business system owns, as the default route puts it. */
    private void unassigned(Exchange exchange) throws IOException {
        Connector connector = connectors.find(exchange.getProperty(ConnectorEvents.CONNECTOR, String.class)).orElseThrow();
        connector.countReceived();
        JsonNode item = mapper.readTree(exchange.getMessage().getBody(String.class));
        try {
            String type = item.path("type").asText();
            if (Callbacks.REPLY.equals(type)) {
                take(connector, item.path("sender").asText(), item.path("reply"), null);
            } else if (Callbacks.OPT_OUT.equals(type) || Callbacks.OPT_IN.equals(type)) {
                consent(connector, item.path("contact"), type, null);
            }
            // the ticket and the wamids on it on disk before the JMS commit takes the message away (H2 writes later)
            durability.await();
            connector.working();
        } catch (ZendeskDesk.Refused refused) {
            connector.countRejected();
            throw new InvalidEventException(List.of(new FieldError("zendesk", refused.getMessage())));
        } catch (RuntimeException away) {
            connector.failing("the support desk: " + Causes.rootMessage(away));
            throw away;
        }
    }

    /**
     * The customer's message {@code reply} (the hub's view of it) onto the contact's open ticket
     * ({@code ticketId} when it answers an agent's reply, else the contact's latest), or a new one.
     */
    private void take(Connector connector, String sender, JsonNode reply, Long ticketId) {
        String id = connector.id();
        String wamid = reply.path("wamid").asText();
        Optional<String> state = tickets.commentState(id, wamid);
        if (state.filter("done"::equals).isPresent()) {
            return; // delivered again: it is on its ticket already
        }
        // an attempt that began and did not end (a crash, the desk away) may have written to the desk: look there first
        boolean maybeWritten = state.isPresent();
        if (!maybeWritten) {
            tickets.pending(id, wamid);
            durability.await();
        }
        ConnectorFile.Zendesk z = connector.file().zendesk();
        ZendeskDesk desk = desk(id);
        JsonNode from = reply.path("from");
        String contactId = from.path("contact_id").asText();
        Optional<SupportTickets.Ticket> known = ticketId != null ? tickets.find(id, ticketId) : tickets.latest(id, contactId);
        // a ticket deleted on the desk (Zendesk answers 404: no ticket) or solved is no longer the conversation's
        Optional<SupportTickets.Ticket> open = known.filter(t -> {
            Ticket current = desk.ticket(t.ticketId());
            return current != null && OPEN.contains(current.getStatus());
        });
        if (open.isPresent()) {
            Comment comment = comment(desk, z, reply);
            comment.setAuthorId(open.get().requesterId());
            long on = open.get().ticketId();
            if (!(maybeWritten && written(desk, on, comment, reply))) {
                desk.comment(on, comment);
            }
            tickets.comment(id, wamid, on);
            return;
        }
        String phone = from.path("phone").asText(null);
        String userId = from.path("user_id").asText(null);
        String recipient = phone != null ? phone : userId;
        // the ticket is named by the message that opened it: an unfinished attempt finds the one it made
        String ticketExternalId = "whatsapp:" + contactId + ":" + wamid;
        long requester = desk.user("whatsapp:" + (userId != null ? userId : phone), from.path("name").asText(null), phone);
        Long ticket = maybeWritten ? desk.ticketByExternalId(ticketExternalId) : null;
        if (ticket == null) {
            Comment first = comment(desk, z, reply);
            first.setAuthorId(requester);
            String subject = z.subject() == null ? null : z.subject().text(exchangeOf(Map.of("contact", mapper.convertValue(from, Map.class),
                    "message", mapper.convertValue(reply, Map.class))));
            ticket = desk.open(requester, ticketExternalId, subject != null ? subject
                    : "WhatsApp conversation with " + (from.path("name").asText(recipient)), z.tags(), first);
            log.info("Connector {}: ticket {} opened for contact {} (message {})", id, ticket, contactId, wamid);
        }
        tickets.opened(id, new SupportTickets.Ticket(ticket, contactId, sender, recipient, requester));
        tickets.comment(id, wamid, ticket);
    }

    /**
     * Whether an earlier attempt wrote this comment: one of the ticket's latest has its author and
     * words and was made after the customer sent the message (Meta's timestamp, to the second).
     */
    private static boolean written(ZendeskDesk desk, long ticketId, Comment comment, JsonNode reply) {
        Instant sent;
        try {
            sent = Instant.parse(reply.path("timestamp").asText());
        } catch (RuntimeException none) {
            return false;
        }
        List<Comment> all = desk.comments(ticketId);
        return all.subList(Math.max(0, all.size() - 20), all.size()).stream().anyMatch(c -> comment.getAuthorId().equals(c.getAuthorId())
                && comment.getBody().equals(c.getBody()) && c.getCreatedAt() != null && !c.getCreatedAt().toInstant().isBefore(sent));
    }

    /** The customer's words, or their file: a link to the hub's media store, or attached. */
    private Comment comment(ZendeskDesk desk, ConnectorFile.Zendesk z, JsonNode reply) {
        String type = reply.path("type").asText();
        StringBuilder body = new StringBuilder();
        Comment comment = new Comment();
        if (reply.has("text")) {
            body.append(reply.path("text").asText());
        } else if (reply.has("button")) {
            body.append(reply.path("button").path("text").asText());
        } else if (reply.has("media")) {
            JsonNode file = reply.path("media");
            if (file.has("caption")) {
                body.append(file.path("caption").asText()).append("\n\n");
            }
            if ("upload".equals(z.media()) && file.has("id")) {
                MediaStore.Media stored = media.find(file.path("id").asText()).orElse(null);
                if (stored == null || "pending".equals(stored.state())) {
                    throw new IllegalStateException("the customer's " + type + " is not downloaded yet; tried again shortly");
                }
                if ("stored".equals(stored.state())) {
                    String name = file.path("filename").asText(type + "-" + stored.id());
                    try {
                        comment.setUploads(List.of(desk.upload(name, stored.mimeType(), Files.readAllBytes(media.file(stored)))));
                        body.append("(").append(type).append(" attached: ").append(name).append(")");
                    } catch (ZendeskDesk.Refused tooLarge) {
                        // the desk will not take the file (over its size limit, say): the message goes on with a link to it
                        body.append("(").append(type).append(", not attached: ").append(tooLarge.getMessage()).append(") ")
                                .append(file.path("url").asText(""));
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot read the stored file " + stored.id() + ": " + e.getMessage(), e);
                    }
                } else {
                    body.append("(").append(type).append(" refused: ").append(stored.reason()).append(")");
                }
            } else {
                body.append("(").append(type).append(") ").append(file.path("url").asText("not downloaded"));
            }
        } else {
            body.append("(a ").append(type).append(" message)");
        }
        comment.setBody(body.toString());
        comment.setPublic(true);
        return comment;
    }

    private void consent(Connector connector, JsonNode contact, String type, Long ticketId) {
        String id = connector.id();
        Optional<SupportTickets.Ticket> ticket = ticketId != null ? tickets.find(id, ticketId)
                : tickets.latest(id, contact.path("contact_id").asText());
        if (ticket.isPresent()) {
            note(id, ticket.get().ticketId(), (Callbacks.OPT_OUT.equals(type) ? "The customer opted out of " : "The customer opted in again to ")
                    + contact.path("category").asText("marketing") + " messages on WhatsApp (" + contact.path("source").asText() + ", "
                    + contact.path("detail").asText("") + ").");
        }
    }

    void note(String connector, long ticketId, String text) {
        Comment note = new Comment(text);
        note.setPublic(false);
        desk(connector).comment(ticketId, note);
    }

    // --- callbacks of the messages agents' replies became ------------------------------------

    @Override
    public Delivery write(Connector connector, String eventId, String type, Map<String, Object> callback) {
        JsonNode body = mapper.valueToTree(callback);
        JsonNode ticket = body.path("metadata").path("connector").path("ticket_id");
        if (!ticket.canConvertToLong()) {
            return new Delivery(true, "not a reply from a ticket (no metadata.connector.ticket_id)");
        }
        long ticketId = ticket.asLong();
        try {
            switch (type) {
                case Callbacks.STATUS -> {
                    JsonNode m = body.path("message");
                    String status = m.path("status").asText();
                    StringBuilder text = new StringBuilder("WhatsApp: the reply (comment ").append(body.path("metadata").path("connector")
                            .path("comment_id").asText()).append(") is ").append(status).append(" (").append(m.path("timestamp").asText()).append(")");
                    if (m.has("error")) {
                        text.append(": ").append(m.path("error").path("code").asText()).append(" ").append(m.path("error").path("title").asText())
                                .append(m.path("error").has("detail") ? " - " + m.path("error").path("detail").asText() : "");
                    }
                    note(connector.id(), ticketId, text.toString());
                }
                case Callbacks.REPLY -> take(connector, body.path("message").path("from").asText(), body.path("reply"), ticketId);
                case Callbacks.OPT_OUT, Callbacks.OPT_IN -> consent(connector, body.path("contact"), type, ticketId);
                default -> {
                    return new Delivery(true, "nothing to write for " + type);
                }
            }
            durability.await();
            return new Delivery(true, "written on ticket " + ticketId);
        } catch (ZendeskDesk.Refused refused) {
            if (!Callbacks.REPLY.equals(type) && refused.getMessage().contains("closed")) {
                // a closed ticket takes no more notes: there is nothing left to tell it
                return new Delivery(true, "ticket " + ticketId + " is closed: not noted (" + refused.getMessage() + ")");
            }
            return Delivery.refused(refused.getMessage());
        } catch (RuntimeException away) {
            return new Delivery(false, "the support desk: " + Causes.rootMessage(away));
        }
    }

    private Exchange exchangeOf(Map<String, Object> body) {
        Exchange exchange = new DefaultExchange(getCamelContext());
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
