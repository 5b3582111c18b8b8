package dev.whatsapphub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.mapping.EventRouter;
import dev.whatsapphub.mapping.EventRouter.Rendered;
import dev.whatsapphub.mapping.EventRouter.Routing;
import dev.whatsapphub.model.AcceptedMessage;
import dev.whatsapphub.model.CloudEvent;
import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.model.InvalidMessageException;
import dev.whatsapphub.consent.OptedOutException;
import dev.whatsapphub.window.WindowClosedException;
import dev.whatsapphub.model.MessageFactory;
import dev.whatsapphub.outbound.MessageIntake;
import dev.whatsapphub.store.Durability;
import dev.whatsapphub.outbound.MessageIntake.Intake;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.whatsapphub.model.MessageIds;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Takes in one CloudEvent, from HTTP or from {@code hub.events}: answered from the record of
 * its first arrival when it is a repeat; otherwise routed, every message it makes checked
 * before any is queued, and the outcome recorded. An event no mapping takes is kept on
 * {@code hub.events.unrouted} with the reason.
 */
@Component
public class EventIntake {

    public static final String UNROUTED = "hub.events.unrouted";
    public static final String REASON = "hubReason";

    /** A message made from the event. */
    public record MessageRef(String id, String mapping, String status) {
    }

    /** The outcome of an event: "routed" with its messages, or "unrouted" with the reason. */
    public record Outcome(String source, String id, String status, List<MessageRef> messages, String reason, boolean replayed) {
    }

    private final EventRouter router;
    private final MessageFactory factory;
    private final MessageIntake intake;
    private final JdbcTemplate jdbc;
    private final JmsTemplate jms;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;

    private final Durability durability;

    public EventIntake(EventRouter router, MessageFactory factory, MessageIntake intake, JdbcTemplate jdbc, JmsTemplate jms,
                       ObjectMapper mapper, MeterRegistry meters, Durability durability) {
        this.durability = durability;
        this.router = router;
        this.factory = factory;
        this.intake = intake;
        this.jdbc = jdbc;
        this.jms = jms;
        this.mapper = mapper;
        this.meters = meters;
    }

    /** An event routed and every message it makes validated, ready to be taken in. */
    public record Prepared(CloudEvent event, List<Rendered> rendered, List<AcceptedMessage> messages) {
    }

    /** Throws InvalidEventException when the event's data cannot make its messages; nothing is sent then. */
    public Outcome accept(String client, CloudEvent event) {
        Optional<Outcome> first = recorded(event);
        return first.isPresent() ? first.get() : accept(client, prepare(event));
    }

    /**
     * An event a connector made: its messages carry {@code origin} in their metadata (as
     * {@code connector}) and call back to {@code callbackTarget} unless their mapping names a callback.
     */
    public Outcome accept(String client, CloudEvent event, ObjectNode origin, String callbackTarget) {
        Optional<Outcome> first = recorded(event);
        if (first.isPresent()) {
            return first.get();
        }
        Routing routing = router.route(event);
        routing.messages().forEach(r -> {
            JsonNode metadata = r.request().path("metadata");
            (metadata.isObject() ? (ObjectNode) metadata : r.request().putObject("metadata")).set("connector", origin);
        });
        Prepared prepared = checked(event, routing);
        List<AcceptedMessage> messages = prepared.messages().stream()
                .map(m -> m.callbackUrl() == null && callbackTarget != null ? m.withCallbackTarget(callbackTarget) : m).toList();
        return accept(client, new Prepared(event, prepared.rendered(), messages));
    }

    /**
     * A batch: every new event is routed and checked before any is taken in (one bad event refuses
     * the batch); each is then its own unit, and a repeat answers with its first result.
     */
    public List<Outcome> acceptAll(String client, List<CloudEvent> events) {
        List<Prepared> prepared = new ArrayList<>();
        for (CloudEvent e : events) {
            prepared.add(recorded(e).isPresent() ? new Prepared(e, null, null) : prepare(e));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Prepared p : prepared) {
            outcomes.add(p.rendered() == null ? recorded(p.event()).orElseThrow() : accept(client, p));
        }
        return outcomes;
    }

    /**
     * Routes the event and validates every message before the first is queued: an event makes
     * all its messages or none.
     */
    public Prepared prepare(CloudEvent event) {
        return checked(event, router.route(event));
    }

    private Prepared checked(CloudEvent event, Routing routing) {
        List<FieldError> errors = new ArrayList<>(routing.errors());
        List<AcceptedMessage> messages = validate(routing.messages(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidEventException(errors);
        }
        return new Prepared(event, routing.messages(), messages);
    }

    /** The errors the event's messages would be refused with, for a preview. */
    public List<FieldError> problems(List<Rendered> rendered) {
        List<FieldError> errors = new ArrayList<>();
        validate(rendered, errors);
        return errors;
    }

    public Outcome accept(String client, Prepared prepared) {
        CloudEvent event = prepared.event();
        Optional<Outcome> first = recorded(event);
        if (first.isPresent()) {
            return first.get();
        }
        if (prepared.rendered().isEmpty()) {
            String reason = "no mapping takes this event (type '" + event.type() + "'; none of that type, or their 'when' conditions were false)";
            jms.send(UNROUTED, session -> {
                var message = session.createTextMessage(event.json().toString());
                message.setStringProperty(REASON, reason);
                return message;
            });
            meters.counter("hub.events.unrouted").increment();
            return record(client, event, new Outcome(event.source(), event.id(), "unrouted", List.of(), reason, false));
        }
        List<MessageRef> refs = new ArrayList<>();
        for (int i = 0; i < prepared.rendered().size(); i++) {
            Rendered r = prepared.rendered().get(i);
            Intake result = intake.submit(client, r.request(), prepared.messages().get(i));
            refs.add(new MessageRef(result.id(), r.mapping(), result.status()));
        }
        meters.counter("hub.events.routed").increment();
        return record(client, event, new Outcome(event.source(), event.id(), "routed", refs, null, false));
    }

    private List<AcceptedMessage> validate(List<Rendered> rendered, List<FieldError> errors) {
        List<AcceptedMessage> messages = new ArrayList<>();
        for (Rendered r : rendered) {
            try {
                messages.add(intake.admitted(factory.accept(MessageIds.next(), r.request())));
            } catch (InvalidMessageException e) {
                e.errors().forEach(fe -> errors.add(new FieldError("mapping '" + r.mapping() + "' (" + r.file() + ") message." + fe.field(), fe.rule())));
            } catch (WindowClosedException | OptedOutException refused) {
                errors.add(new FieldError("mapping '" + r.mapping() + "' (" + r.file() + ") message.to", refused.getMessage()));
            }
        }
        return messages;
    }

    private Optional<Outcome> recorded(CloudEvent event) {
        return jdbc.query("SELECT outcome, reason, messages FROM hub_event WHERE source = ? AND event_id = ?", rs -> {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Outcome(event.source(), event.id(), rs.getString(1), readRefs(rs.getString(3)), rs.getString(2), true));
        }, event.source(), event.id());
    }

    private Outcome record(String client, CloudEvent event, Outcome outcome) {
        try {
            jdbc.update("INSERT INTO hub_event (source, event_id, type, client, outcome, reason, messages, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    event.source(), event.id(), event.type(), client, outcome.status(), outcome.reason(),
                    mapper.writeValueAsString(outcome.messages()), OffsetDateTime.now(ZoneOffset.UTC));
            // the event's messages and its outcome on disk before the 202 or the JMS commit
            durability.await();
            return outcome;
        } catch (DuplicateKeyException raced) {
            // the same event arrived twice at once: the messages' idempotency keys made them the same ones
            return recorded(event).orElse(outcome);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<MessageRef> readRefs(String json) {
        try {
            return json == null ? List.of() : mapper.readValue(json, new TypeReference<List<MessageRef>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable hub_event.messages: " + json, e);
        }
    }
}
