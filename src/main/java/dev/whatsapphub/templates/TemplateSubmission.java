package dev.whatsapphub.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.whatsapp.CloudApiError;
import dev.whatsapphub.whatsapp.GraphClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Submits a new template to Meta ({@code POST /{waba-id}/message_templates}) once it passes
 * Meta's rules here, and registers it as PENDING; its status then follows Meta's review through
 * {@code message_template_status_update} webhooks (TemplateChanges).
 */
@Component
public class TemplateSubmission {

    /** Meta refused the template: its HTTP status and Graph error. */
    public static class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** No usable answer from the Cloud API. */
    public static class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    private final HubProperties properties;
    private final TemplateRegistry registry;
    private final GraphClient http = GraphClient.create(Duration.ofSeconds(30));

    public TemplateSubmission(HubProperties properties, TemplateRegistry registry) {
        this.properties = properties;
        this.registry = registry;
    }

    /** {@code body}: Meta's create body, plus an optional {@code from} naming the sender whose account gets it. */
    public ObjectNode submit(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        String alias = properties.senderOrDefault(body == null ? null : body.path("from").asText(null));
        Sender sender = alias == null ? null : properties.senders().get(alias);
        if (sender == null) {
            errors.add(new FieldError("from", alias == null ? "name the sender whose account gets the template: one of " + properties.senders().keySet()
                    : "unknown sender '" + alias + "': one of " + properties.senders().keySet()));
        }
        ObjectNode create = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : JsonNodeFactory.instance.objectNode();
        create.remove("from");
        errors.addAll(TemplateRules.check(create));
        if (!errors.isEmpty()) {
            throw new InvalidTemplateException(errors);
        }
        URI uri = URI.create(GraphClient.templates(sender));
        JsonNode answer;
        try {
            answer = http.post(sender, uri)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON).body(create.toString())
                    .retrieve().body(JsonNode.class);
        } catch (RestClientResponseException e) {
            CloudApiError error = CloudApiError.fromGraphBody(parse(e.getResponseBodyAsString()), e.getStatusCode().value(), e.getResponseBodyAsString());
            throw new Refused(e.getStatusCode().value(), "Meta refused the template: " + error.summary());
        } catch (RestClientException e) {
            throw new Unreachable("The Cloud API could not be reached; the template was not submitted: " + e.getMessage());
        }
        if (answer == null || !answer.hasNonNull("id")) {
            throw new Unreachable("The Cloud API answered without a template id; the template may not have been submitted: " + answer);
        }
        ObjectNode pending = create.deepCopy();
        pending.put("id", answer.path("id").asText()).put("status", answer.path("status").asText("PENDING"));
        registry.add(sender.wabaId(), Template.fromGraph(pending));
        ObjectNode result = ((ObjectNode) answer).deepCopy();
        result.put("waba_id", sender.wabaId()).put("name", create.path("name").asText()).put("language", create.path("language").asText());
        return result;
    }

    private static JsonNode parse(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
