package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.templates.TemplateRules;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Template management as Meta's WhatsApp Business Management API does it: create (answered
 * PENDING, reviewed later), delete by name or by id. The review runs {@code sandbox.template-review}
 * after creation and posts a signed {@code message_template_status_update}: names starting with
 * {@code reject_} are REJECTED (INVALID_FORMAT), names starting with {@code pause_} are APPROVED and
 * then PAUSED (low quality) after as long again, every other one is APPROVED.
 */
@RestController
@ConditionalOnProperty(name = "sandbox.enabled", havingValue = "true")
@RequestMapping("/sandbox")
class SandboxTemplateController {

    private static final String VERSION = "{version:v\\d+(?:\\.\\d+)?}";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final SandboxProperties properties;
    private final SandboxState state;
    private final SandboxWebhooks webhooks;
    private final AtomicLong ids = new AtomicLong(910_000_000_000_000L);
    private final ScheduledExecutorService review = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-template-review");
        t.setDaemon(true);
        return t;
    });

    SandboxTemplateController(SandboxProperties properties, SandboxState state, SandboxWebhooks webhooks) {
        this.properties = properties;
        this.state = state;
        this.webhooks = webhooks;
    }

    @PostMapping({"/" + VERSION + "/{waba}/message_templates", "/{waba:\\d+}/message_templates"})
    ResponseEntity<ObjectNode> create(@PathVariable String waba, @RequestBody(required = false) JsonNode body, HttpServletRequest request) {
        ResponseEntity<ObjectNode> refused = access(waba, request);
        if (refused != null) {
            return refused;
        }
        List<FieldError> problems = TemplateRules.check(body);
        if (!problems.isEmpty()) {
            FieldError first = problems.get(0);
            return GraphErrors.body(400, 100, "OAuthException", "Invalid parameter", first.field() + ": " + first.rule());
        }
        String id = String.valueOf(ids.incrementAndGet());
        String category = body.path("category").asText().toUpperCase(Locale.ROOT);
        ObjectNode template = JSON.objectNode().put("id", id).put("name", body.path("name").asText())
                .put("language", body.path("language").asText()).put("status", "PENDING").put("category", category)
                .put("parameter_format", body.path("parameter_format").asText("POSITIONAL").toUpperCase(Locale.ROOT));
        template.set("components", body.path("components").deepCopy());
        if (!state.addTemplate(waba, template)) {
            return GraphErrors.body(400, 100, "OAuthException", "Invalid parameter",
                    "Content in this language already exists: " + template.path("name").asText() + " (" + template.path("language").asText() + ")");
        }
        long delay = properties.templateReview().toMillis();
        String name = template.path("name").asText();
        String language = template.path("language").asText();
        review.schedule(() -> {
            boolean reject = name.startsWith("reject_");
            change(waba, name, language, reject ? "REJECTED" : "APPROVED", reject ? "INVALID_FORMAT" : "NONE");
            if (name.startsWith("pause_")) {
                review.schedule(() -> change(waba, name, language, "PAUSED", "NONE"), delay, TimeUnit.MILLISECONDS);
            }
        }, delay, TimeUnit.MILLISECONDS);
        return ResponseEntity.ok(JSON.objectNode().put("id", id).put("status", "PENDING").put("category", category));
    }

    @DeleteMapping({"/" + VERSION + "/{waba}/message_templates", "/{waba:\\d+}/message_templates"})
    ResponseEntity<ObjectNode> delete(@PathVariable String waba, @RequestParam(required = false) String name,
                                      @RequestParam(name = "hsm_id", required = false) String id, HttpServletRequest request) {
        ResponseEntity<ObjectNode> refused = access(waba, request);
        if (refused != null) {
            return refused;
        }
        if (name == null || name.isBlank()) {
            return GraphErrors.body(400, 100, "OAuthException", "Invalid parameter", "name is required");
        }
        if (state.deleteTemplates(waba, name, id) == 0) {
            return GraphErrors.body(404, 100, "OAuthException", "Invalid parameter", "Message template \"" + name + "\" not found");
        }
        return ResponseEntity.ok(JSON.objectNode().put("success", true));
    }

    private void change(String waba, String name, String language, String status, String reason) {
        state.setTemplateStatus(waba, name, language, status).ifPresent(t -> webhooks.postChange(waba, "message_template_status_update",
                JSON.objectNode().put("event", status).put("message_template_id", Long.parseLong(t.path("id").asText()))
                        .put("message_template_name", name).put("message_template_language", language).put("reason", reason)));
    }

    private ResponseEntity<ObjectNode> access(String waba, HttpServletRequest request) {
        if (!state.isWaba(waba)) {
            return GraphErrors.unknownObject("post", waba);
        }
        String token = SandboxGraphController.token(request);
        if (token == null || !state.tokenFitsWaba(waba, token)) {
            return GraphErrors.of(190, token == null ? "An access token is required" : "The access token is not valid for this account");
        }
        return null;
    }
}
