package dev.whatsapphub.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.callback.CallbackStore;
import dev.whatsapphub.inbound.InboundStore;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StatusEvent;
import dev.whatsapphub.store.StoredMessage;
import dev.whatsapphub.whatsapp.ErrorCodes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/messages/{id}/timeline}: acceptance, each send attempt that went wrong with
 * Meta's error, Meta's acceptance, in-doubt settlement, each status webhook, the fallback, the
 * replies linked to the message and each callback attempt, oldest first.
 */
@Component
class MessageTimeline {

    private final MessageStore messages;
    private final InboundStore inbound;
    private final CallbackStore callbacks;
    private final ObjectMapper mapper;

    MessageTimeline(MessageStore messages, InboundStore inbound, CallbackStore callbacks, ObjectMapper mapper) {
        this.messages = messages;
        this.inbound = inbound;
        this.callbacks = callbacks;
        this.mapper = mapper;
    }

    List<Map<String, Object>> of(StoredMessage m) {
        List<Map<String, Object>> steps = new ArrayList<>();
        Map<String, Object> accepted = step(m.createdAt().toInstant(), "accepted", "accepted from client '" + m.client() + "' for " + m.recipient());
        accepted.put("content", MessageViews.content(json(m.payload())));
        if (m.fallback() != null) {
            accepted.put("fallback_of", Map.of("reason", m.fallback(), "replaces", m.fallbackFor() == null ? "" : m.fallbackFor()));
        }
        steps.add(accepted);
        for (MessageStore.Step s : messages.steps(m.id())) {
            steps.add(step(s.at().toInstant(), s.kind(), s.detail()));
        }
        if (m.acceptedAt() != null) {
            steps.add(step(m.acceptedAt().toInstant(), "sent_to_meta", "the Cloud API accepted the send as " + m.wamid()));
        }
        if (m.inDoubtSince() != null) {
            steps.add(step(m.inDoubtSince().toInstant(), "in_doubt", "the send call went unanswered; held for a status naming it"));
            if (m.inDoubtSettledAt() != null) {
                steps.add(step(m.inDoubtSettledAt().toInstant(), "in_doubt_settled", "settled by " + m.inDoubtSettled()));
            }
        }
        for (StatusEvent e : messages.history(m.wamid(), m.supersededWamid())) {
            Map<String, Object> status = step(e.recordedAt().toInstant(), "status_" + e.status(),
                    "Meta's status " + e.status() + (e.applied() ? "" : " (did not move the message: it was there already, or of an earlier attempt)"));
            JsonNode raw = json(e.raw());
            JsonNode error = raw == null ? null : raw.path("errors").path(0);
            if (error != null && error.has("code")) {
                status.put("error", Map.of("code", error.path("code").asInt(), "title", error.path("title").asText(""),
                        "action", ErrorCodes.action(error.path("code").asInt())));
            }
            steps.add(status);
        }
        if (m.replacedBy() != null) {
            // right after the failure that caused it (Meta's timestamps have whole seconds: the hub's clock orders the steps)
            Instant after = steps.stream().filter(s -> "status_failed".equals(s.get("step"))).map(s -> (Instant) s.get("at"))
                    .findFirst().orElse(Instant.now()).plusMillis(1);
            steps.add(step(after, "replaced_by_fallback", "the fallback template went as message " + m.replacedBy()));
        }
        for (InboundStore.Stored reply : inbound.repliesTo(m.id())) {
            Map<String, Object> r = step(reply.receivedAt(), "reply", "the customer answered with a " + reply.type() + " message");
            r.put("wamid", reply.wamid());
            steps.add(r);
        }
        for (CallbackStore.Callback c : callbacks.ofMessage(m.id())) {
            steps.add(step(c.createdAt(), "callback_" + c.type(), "callback " + c.eventId() + " to " + c.target() + " (" + c.state() + ")"));
            for (CallbackStore.Attempt a : callbacks.attempts(c.eventId())) {
                Map<String, Object> attempt = step(a.at(), a.delivered() ? "callback_delivered" : "callback_attempt_failed",
                        "attempt " + a.attempt() + " of " + c.eventId() + ": " + a.outcome());
                steps.add(attempt);
            }
        }
        steps.sort(Comparator.comparing(s -> (Instant) s.get("at")));
        return steps;
    }

    private static Map<String, Object> step(Instant at, String step, String detail) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("at", at);
        s.put("step", step);
        s.put("detail", detail);
        return s;
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
