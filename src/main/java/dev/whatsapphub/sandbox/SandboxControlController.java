package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sandbox's own controls, which Meta does not have: inject faults, make a user write
 * (opening the 24-hour window), change a template's status, read the sends it received.
 */
@RestController
@ConditionalOnProperty(name = "sandbox.enabled", havingValue = "true")
@RequestMapping("/sandbox/control")
class SandboxControlController {

    private final SandboxState state;
    private final SandboxWebhooks webhooks;
    private final SandboxCustomersController customers;

    SandboxControlController(SandboxState state, SandboxWebhooks webhooks, SandboxCustomersController customers) {
        this.state = state;
        this.webhooks = webhooks;
        this.customers = customers;
    }

    /** {@code {"code": 190, "count": 3}}: the next 3 sends fail with 190; without count, until deleted. */
    @PutMapping("/faults/{phoneNumberId}")
    ResponseEntity<?> fault(@PathVariable String phoneNumberId, @RequestBody JsonNode body) {
        if (state.number(phoneNumberId).isEmpty() || !body.path("code").isInt()) {
            return ResponseEntity.badRequest().body(Map.of("error", "known phone-number id and an integer 'code' required"));
        }
        state.setFault(phoneNumberId, new SandboxState.Fault(body.path("code").asInt(), body.path("count").asInt(-1)));
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/faults/{phoneNumberId}")
    ResponseEntity<?> clearFault(@PathVariable String phoneNumberId) {
        state.clearFault(phoneNumberId);
        return ResponseEntity.noContent().build();
    }

    /**
     * A user writes a text to a business number (kept from before {@code /sandbox/customers}):
     * {@code {"phone_number_id": ..., "from": ..., "text": ...}}.
     */
    @PostMapping("/inbound")
    ResponseEntity<?> inbound(@RequestBody JsonNode body) {
        if (body.path("from").asText("").isEmpty()) {
            return ResponseEntity.badRequest().body(Map.of("error", "'from' required", "field", "from"));
        }
        ObjectNode message = JsonNodeFactory.instance.objectNode().put("type", "text");
        message.putObject("text").put("body", body.path("text").asText("Hi"));
        if (body.hasNonNull("phone_number_id")) {
            message.put("phone_number_id", body.path("phone_number_id").asText());
        }
        ResponseEntity<?> answer = customers.message(body.path("from").asText(), message);
        return answer.getBody() instanceof Map<?, ?> sent && sent.containsKey("wamid")
                ? ResponseEntity.ok(Map.of("id", sent.get("wamid"))) : answer;
    }

    @PutMapping("/templates/{wabaId}/{name}/{language}")
    ResponseEntity<?> templateStatus(@PathVariable String wabaId, @PathVariable String name, @PathVariable String language,
                                     @RequestBody JsonNode body) {
        String status = body.path("status").asText("APPROVED").toUpperCase();
        var changed = state.setTemplateStatus(wabaId, name, language, status);
        if (changed.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        // as Meta does when its review or quality checks change a template
        webhooks.postChange(wabaId, "message_template_status_update", JsonNodeFactory.instance.objectNode()
                .put("event", status).put("message_template_id", Long.parseLong(changed.get().path("id").asText("0")))
                .put("message_template_name", name).put("message_template_language", language)
                .put("reason", body.path("reason").asText("NONE")));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/sends")
    List<SandboxState.ReceivedSend> sends(@RequestParam(required = false) String to) {
        return state.sends().stream().filter(s -> to == null || to.replaceAll("\\D", "").equals(s.to())).toList();
    }

    /** The customer messages businesses marked read. */
    @GetMapping("/read-receipts")
    List<SandboxState.ReadReceipt> readReceipts() {
        return state.readReceipts();
    }

    @DeleteMapping("/sends")
    ResponseEntity<?> clearSends() {
        state.clearSends();
        return ResponseEntity.noContent().build();
    }
}
