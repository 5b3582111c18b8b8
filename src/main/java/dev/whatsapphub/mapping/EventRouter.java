package dev.whatsapphub.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.Digests;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.mapping.EventExpression.EvaluationException;
import dev.whatsapphub.model.CloudEvent;
import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.model.TemplatesNotLoadedException;
import dev.whatsapphub.templates.TemplateRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The content-based router: which mappings take an event, and the send requests they make of it. */
@Component
public class EventRouter {

    /** A send request made by a mapping. */
    public record Rendered(String mapping, String file, ObjectNode request) {
    }

    /** What an event becomes: requests, or the errors of the mappings that took it; no mapping at all when both are empty. */
    public record Routing(List<Rendered> messages, List<FieldError> errors) {
        public boolean unrouted() {
            return messages.isEmpty() && errors.isEmpty();
        }
    }

    static final int MAX_MESSAGES = 100;

    private final MappingFiles files;
    private final CamelContext camel;
    private final TemplateRegistry templates;
    private final HubProperties properties;
    private final ObjectMapper mapper;

    public EventRouter(MappingFiles files, CamelContext camel, TemplateRegistry templates, HubProperties properties, ObjectMapper mapper) {
        this.files = files;
        this.camel = camel;
        this.templates = templates;
        this.properties = properties;
        this.mapper = mapper;
    }

    public Routing route(CloudEvent event) {
        List<Rendered> messages = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        Exchange exchange = EventExpression.exchangeFor(camel, event, event.dataAsJava(mapper));
        String prefix = "evt-" + Digests.sha256(event.key()).substring(0, 32);
        for (Mapping m : files.mappings()) {
            try {
                if (!m.takes(event, exchange)) {
                    continue;
                }
                Sender sender = properties.senders().get(properties.senderOrDefault(m.sender()));
                if (sender != null && templates.syncedAt(sender.wabaId()).isEmpty()) {
                    // not "no such template": the event is fine and is taken once the account is synced
                    throw new TemplatesNotLoadedException(sender.wabaId());
                }
                for (ObjectNode request : m.render(event, exchange, (name, language) -> sender == null ? Optional.empty()
                        : templates.find(sender.wabaId(), name, language), prefix)) {
                    messages.add(new Rendered(m.id(), m.file(), request));
                }
            } catch (EvaluationException e) {
                // the line of the key the error is about (to:, body:, template:), or the mapping's own
                int line = e.line() > 0 ? e.line() : m.line();
                errors.add(new FieldError("mapping '" + m.id() + "' (" + m.file() + ":" + line + ") " + e.field(), e.getMessage()));
            }
        }
        if (messages.size() > MAX_MESSAGES) {
            errors.add(new FieldError("$", "the event makes " + messages.size() + " messages; at most " + MAX_MESSAGES
                    + " per event (split the recipients over several events)"));
        }
        return new Routing(messages, errors);
    }
}
