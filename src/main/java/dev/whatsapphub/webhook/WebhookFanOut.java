package dev.whatsapphub.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.contact.ContactLinks;
import dev.whatsapphub.outbound.DeadLetters;
import dev.whatsapphub.outbound.MetaFailures;
import dev.whatsapphub.status.StatusRecorder;
import dev.whatsapphub.store.Durability;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.status.StatusUpdate;
import dev.whatsapphub.templates.TemplateChanges;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Walks every entry, change and item of one webhook post. Statuses are applied here, in one
 * batch; one malformed item is logged and skipped, the others still count.
 */
@Component
class WebhookFanOut implements Processor {

    /** What a post holds for the stages after this one: JSON texts, and the dead letters of messages Meta failed. */
    public record Items(List<String> inbound, List<String> otherFields, List<DeadLetters.Letter> deadLetters) {
    }

    static class NotAWebhookException extends RuntimeException {
        NotAWebhookException(String message) {
            super(message);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(WebhookFanOut.class);

    private final ObjectMapper mapper;
    private final StatusRecorder statuses;
    private final MeterRegistry meters;
    private final TemplateChanges templateChanges;

    private final DeadLetters deadLetters;
    private final Durability durability;
    private final ContactLinks links;
    private final MetaFailures metaFailures;

    WebhookFanOut(ObjectMapper mapper, StatusRecorder statuses, MeterRegistry meters, TemplateChanges templateChanges,
                  DeadLetters deadLetters, Durability durability, ContactLinks links, MetaFailures metaFailures) {
        this.links = links;
        this.metaFailures = metaFailures;
        this.deadLetters = deadLetters;
        this.durability = durability;
        this.mapper = mapper;
        this.statuses = statuses;
        this.meters = meters;
        this.templateChanges = templateChanges;
    }

    @Override
    public void process(Exchange exchange) {
        JsonNode post = parse(exchange.getMessage().getBody(String.class));
        List<StatusUpdate> updates = new ArrayList<>();
        List<String> inbound = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (JsonNode entry : post.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                String field = change.path("field").asText();
                if (TemplateChanges.FIELDS.contains(field)) {
                    templateChanges.apply(entry.path("id").asText(), field, value);
                }
                if ("user_preferences".equals(field)) {
                    // a customer stopped or resumed marketing: the consent stage records it, in order with their messages
                    for (JsonNode preference : value.path("user_preferences")) {
                        inbound.add(inboundItem(entry, value).set("user_preference", preference).toString());
                    }
                    continue;
                }
                if ("user_id_update".equals(field)) {
                    // a customer's new business-scoped user id: the contacts stage follows it, in order with their messages
                    for (JsonNode update : value.path("user_id_update")) {
                        inbound.add(inboundItem(entry, value).set("user_id_update", update).toString());
                    }
                    continue;
                }
                if (!"messages".equals(field)) {
                    other.add(change.toString());
                    continue;
                }
                if (value.has("statuses")) {
                    links.noted(entry.path("id").asText(), value.path("contacts"));
                }
                for (JsonNode item : value.path("statuses")) {
                    try {
                        updates.add(StatusUpdate.from(item));
                    } catch (IllegalArgumentException bad) {
                        meters.counter("hub.webhooks.bad-items").increment();
                        // the item may hold a phone number: name its fields, not their values
                        log.warn("Skipped a status item without 'id' or 'status' (fields: {})", fieldNames(item));
                    }
                }
                for (JsonNode message : value.path("messages")) {
                    ObjectNode item = inboundItem(entry, value);
                    item.set("contacts", value.path("contacts").isArray() ? value.path("contacts") : mapper.createArrayNode());
                    inbound.add(item.set("message", message).toString());
                }
                for (JsonNode error : value.path("errors")) {
                    log.warn("Cloud API reported an error for phone number {}: {}",
                            value.path("metadata").path("phone_number_id").asText("?"), error);
                }
            }
        }
        statuses.record(updates);
        List<String> failed = updates.stream().filter(u -> "failed".equals(u.status())).map(StatusUpdate::wamid).distinct().toList();
        // a 131047 closes the window, and a message with a fallback template is replaced rather than dead-lettered
        List<MessageStore.Failed> dead = failed.isEmpty() ? List.of() : metaFailures.afterFailures(failed);
        exchange.getMessage().setBody(new Items(inbound, other, dead.isEmpty() ? List.of() : deadLetters.fromFailedStatuses(dead)));
        // the statuses on disk before the JMS commit takes the post off hub.webhooks
        durability.await();
    }

    /** An item for hub.inbound: the WABA the entry is of and the change's metadata (phone_number_id), for one inner item. */
    private ObjectNode inboundItem(JsonNode entry, JsonNode value) {
        ObjectNode item = mapper.createObjectNode().put("waba_id", entry.path("id").asText());
        item.set("metadata", value.path("metadata").isObject() ? value.path("metadata") : mapper.createObjectNode());
        return item;
    }

    private static String fieldNames(JsonNode item) {
        List<String> names = new ArrayList<>();
        item.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private JsonNode parse(String body) {
        try {
            JsonNode post = mapper.readTree(body);
            if (post == null || !post.path("entry").isArray()) {
                throw new NotAWebhookException("the post has no 'entry' list");
            }
            return post;
        } catch (JsonProcessingException e) {
            throw new NotAWebhookException("the post is not JSON: " + e.getOriginalMessage());
        }
    }
}
