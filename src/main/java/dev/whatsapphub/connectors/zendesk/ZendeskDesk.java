package dev.whatsapphub.connectors.zendesk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.zendesk.ZendeskComponent;
import org.apache.camel.component.zendesk.ZendeskConfiguration;
import org.apache.camel.support.service.ServiceHelper;
import org.zendesk.client.v2.ZendeskResponseException;
import org.zendesk.client.v2.model.Attachment;
import org.zendesk.client.v2.model.Comment;
import org.zendesk.client.v2.model.Role;
import org.zendesk.client.v2.model.Ticket;
import org.zendesk.client.v2.model.User;

/**
 * One connector's support desk, through Camel's Zendesk component (the Zendesk Java client): a
 * component of its own per connector file, authenticated with an agent's email and API token.
 * A call the desk refuses for what it is (400, 404, 413, 422) throws {@link Refused}; anything else
 * (401, 403, 409, 429, 5xx, the network) throws as it came, to be tried again.
 */
final class ZendeskDesk implements AutoCloseable {

    private static final String HEADER = "CamelZendesk.";
    private static final Set<Integer> REFUSED = Set.of(400, 404, 413, 422);

    /** The desk refused the call for what it is: trying again changes nothing. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final String name;
    private final ZendeskComponent component;

    ZendeskDesk(CamelContext camel, ProducerTemplate producer, String name, String url, String email, String token) {
        this.camel = camel;
        this.producer = producer;
        this.name = name;
        this.component = new ZendeskComponent();
        // the client is made from the configuration (the component's own setters are not read for it)
        ZendeskConfiguration configuration = new ZendeskConfiguration();
        configuration.setServerUrl(url);
        configuration.setUsername(email);
        configuration.setToken(token);
        component.setConfiguration(configuration);
        camel.addComponent(name, component);
    }

    /** The end user with this external id, created or updated with the name (and phone when known); its id. */
    long user(String externalId, String name, String phone) {
        User user = new User();
        user.setExternalId(externalId);
        user.setName(name == null || name.isBlank() ? "WhatsApp " + (phone != null ? phone : externalId) : name);
        if (phone != null) {
            user.setPhone(phone);
        }
        return call("createOrUpdateUser", Map.of("user", user), User.class).getId();
    }

    /** The ticket, or null when the desk has none of that id (deleted). */
    Ticket ticket(long id) {
        return call("getTicket", Map.of("id", id), Ticket.class);
    }

    /** The ticket with this external id, if there is one. */
    Long ticketByExternalId(String externalId) {
        Iterable<?> found = call("getTicketsByExternalId", Map.of("externalId", externalId), Iterable.class);
        for (Object t : found) {
            return ((Ticket) t).getId();
        }
        return null;
    }

    long open(long requesterId, String externalId, String subject, List<String> tags, Comment first) {
        Ticket ticket = new Ticket(requesterId, subject, first);
        ticket.setExternalId(externalId);
        ticket.setTags(new ArrayList<>(tags));
        return call("createTicket", Map.of("ticket", ticket), Ticket.class).getId();
    }

    void comment(long ticketId, Comment comment) {
        call("createComment", Map.of("ticketId", ticketId, "comment", comment), Ticket.class);
    }

    /** Whether the user is staff (an agent or admin), not an end user. */
    boolean staff(long userId) {
        User user = call("getUser", Map.of("id", userId), User.class);
        return user != null && user.getRole() != null && user.getRole() != Role.END_USER;
    }

    List<Comment> comments(long ticketId) {
        List<Comment> all = new ArrayList<>();
        Iterable<?> found = call("getTicketComments", Map.of("id", ticketId), Iterable.class);
        found.forEach(c -> all.add((Comment) c));
        return all;
    }

    /** A file uploaded for a comment; the token the comment attaches it by. */
    String upload(String fileName, String contentType, byte[] content) {
        return call("createUpload", Map.of("fileName", fileName, "contentType", contentType, "content", content), Attachment.Upload.class)
                .getToken();
    }

    private <T> T call(String method, Map<String, Object> parameters, Class<T> type) {
        // the API's name spelled out: Camel 4.17 cannot convert the empty default name of "zendesk:<method>" to its enum
        Exchange done = producer.send(name + ":DEFAULT/" + method, e -> parameters.forEach((k, v) -> e.getMessage().setHeader(HEADER + k, v)));
        Exception failure = done.getException();
        if (failure != null) {
            ZendeskResponseException answer = cause(failure);
            // refused for what it is: bad input (400), gone (404), too large (413), invalid (422); 401/403 (a token rotated, a
            // permission taken) and 409 (two updates of one ticket at once) are tried again, the connector failing meanwhile
            if (answer != null && REFUSED.contains(answer.getStatusCode())) {
                throw new Refused("Zendesk refused " + method + " (HTTP " + answer.getStatusCode() + "): " + answer.getBody());
            }
            throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
        return done.getMessage().getBody(type);
    }

    private static ZendeskResponseException cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ZendeskResponseException z) {
                return z;
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            camel.removeEndpoints(name + ":*");
        } catch (Exception e) {
            // the endpoints go with the component below
        }
        camel.removeComponent(name);
        ServiceHelper.stopAndShutdownService(component);
    }
}
