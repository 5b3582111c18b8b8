package dev.whatsapphub.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Applies template webhooks to the registry at once, so a template Meta paused blocks the next
 * send instead of the next periodic sync: {@code message_template_status_update},
 * {@code message_template_quality_update} and {@code template_category_update}.
 */
@Component
public class TemplateChanges {

    public static final Set<String> FIELDS = Set.of("message_template_status_update", "message_template_quality_update",
            "template_category_update");
    private static final Logger log = LoggerFactory.getLogger(TemplateChanges.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TemplateRegistry registry;
    private final MeterRegistry meters;

    public TemplateChanges(TemplateRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        this.meters = meters;
    }

    /** {@code wabaId} is the webhook entry's id; {@code value} the change's value. */
    public void apply(String wabaId, String field, JsonNode value) {
        String id = value.path("message_template_id").asText(null);
        String name = value.path("message_template_name").asText(null);
        String language = value.path("message_template_language").asText(null);
        boolean known = switch (field) {
            case "message_template_status_update" -> {
                String event = value.path("event").asText("");
                // events are not all statuses: FLAGGED warns of a pause to come, REINSTATED and UNARCHIVED bring a template back
                String status = switch (event) {
                    case "FLAGGED" -> null;
                    case "REINSTATED", "UNARCHIVED" -> "APPROVED";
                    default -> event;
                };
                log.info("Template {} ({}) of WABA {}: {} (reason {})", name, language, wabaId, event, value.path("reason").asText("NONE"));
                yield registry.update(wabaId, id, name, language, t -> status == null ? t : t.with("status", JSON.textNode(status)));
            }
            case "message_template_quality_update" -> registry.update(wabaId, id, name, language,
                    t -> t.with("quality_score", JSON.objectNode().put("score", value.path("new_quality_score").asText("UNKNOWN"))));
            case "template_category_update" -> registry.update(wabaId, id, name, language,
                    t -> t.with("category", JSON.textNode(value.path("new_category").asText(t.category()))));
            default -> false;
        };
        meters.counter("hub.templates.changes", "field", field, "known", String.valueOf(known)).increment();
        if (!known) {
            log.warn("{} for a template the hub does not know ({} {} {}, WABA {}); the next sync will bring it", field, id, name, language, wabaId);
        }
    }
}
