package dev.whatsapphub.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.templates.Template;
import dev.whatsapphub.templates.TemplateRegistry;
import dev.whatsapphub.templates.TemplateSubmission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/templates}: the templates of every account the senders use, as the hub knows them now. */
@RestController
class TemplatesController {

    private final HubProperties properties;
    private final TemplateRegistry registry;
    private final TemplateSubmission submission;

    TemplatesController(HubProperties properties, TemplateRegistry registry, TemplateSubmission submission) {
        this.properties = properties;
        this.registry = registry;
        this.submission = submission;
    }

    /** Checked as Meta checks it, then submitted to the sender's account; 201 with Meta's answer (status PENDING). */
    @PostMapping(path = "/api/v1/templates", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> submit(@RequestBody JsonNode body) {
        try {
            return ResponseEntity.status(HttpStatus.CREATED).body(submission.submit(body));
        } catch (TemplateSubmission.Refused e) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_ENTITY, "template-refused", "Template refused by Meta", e.getMessage());
        } catch (TemplateSubmission.Unreachable e) {
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "cloud-api-unreachable", "Cloud API unreachable", e.getMessage());
        }
    }

    @GetMapping(path = "/api/v1/templates", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> list() {
        Set<String> accounts = new LinkedHashSet<>();
        properties.senders().values().stream().map(Sender::wabaId).forEach(accounts::add);
        List<Map<String, Object>> data = new ArrayList<>();
        Map<String, Object> synced = new LinkedHashMap<>();
        for (String waba : accounts) {
            synced.put(waba, registry.syncedAt(waba).map(Object::toString).orElse(null));
            for (Template t : registry.all(waba)) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("waba_id", waba);
                item.put("id", t.id());
                item.put("name", t.name());
                item.put("language", t.language());
                item.put("status", t.status());
                item.put("category", t.category());
                item.put("quality", t.quality());
                item.put("parameter_format", t.named() ? "NAMED" : "POSITIONAL");
                item.put("components", t.components());
                data.add(item);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("data", data);
        answer.put("synced_at", synced);
        return answer;
    }
}
