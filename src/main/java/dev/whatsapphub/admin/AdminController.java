package dev.whatsapphub.admin;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.api.ApiProblem;
import dev.whatsapphub.outbound.DeadLetters;
import dev.whatsapphub.outbound.DeadLetters.DeadLetter;
import dev.whatsapphub.outbound.SenderControl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operator endpoints: senders (state, resume) and the dead-letter queue (list, replay). */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class AdminController {

    private final HubProperties properties;
    private final SenderControl senders;
    private final DeadLetters deadLetters;

    AdminController(HubProperties properties, SenderControl senders, DeadLetters deadLetters) {
        this.properties = properties;
        this.senders = senders;
        this.deadLetters = deadLetters;
    }

    @GetMapping("/senders")
    List<Map<String, Object>> senders() {
        return properties.senders().keySet().stream().map(this::sender).toList();
    }

    @PostMapping("/senders/{alias}/resume")
    Map<String, Object> resume(@PathVariable String alias) {
        if (!senders.resume(alias)) {
            throw ApiProblem.notFound("No sender '" + alias + "': one of " + properties.senders().keySet());
        }
        return sender(alias);
    }

    @GetMapping("/dead-letters")
    List<DeadLetter> deadLetters() {
        return deadLetters.list();
    }

    @PostMapping("/dead-letters/{messageId}/replay")
    Map<String, Object> replay(@PathVariable String messageId) {
        DeadLetter letter = deadLetters.replay(messageId)
                .orElseThrow(() -> ApiProblem.notFound("No dead letter for message " + messageId));
        return Map.of("id", letter.messageId(), "status", "queued", "replayed_from", letter.reason() == null ? "" : letter.reason());
    }

    private Map<String, Object> sender(String alias) {
        var config = properties.senders().get(alias);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("alias", alias);
        view.put("phone_number_id", config.phoneNumberId());
        view.put("waba_id", config.wabaId());
        view.put("display_number", config.displayNumber());
        view.put("messages_per_second", config.messagesPerSecond());
        senders.pause(alias).ifPresentOrElse(p -> {
            view.put("state", "paused");
            view.put("paused", p);
        }, () -> view.put("state", senders.state(alias)));
        return view;
    }
}
