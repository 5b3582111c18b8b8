package dev.whatsapphub.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StatusEvent;
import dev.whatsapphub.store.StoredMessage;
import dev.whatsapphub.whatsapp.ErrorCodes;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A message as {@code GET /api/v1/messages/{id}} shows it: status, when each was reached, the error, the history. */
@Component
class MessageViews {

    private final MessageStore store;
    private final ObjectMapper mapper;

    MessageViews(MessageStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    Map<String, Object> view(StoredMessage m) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", m.id());
        view.put("status", m.status());
        view.put("from", m.sender());
        view.put("to", m.recipient());
        view.put("type", m.kind());
        view.put("content", content(json(m.payload())));
        view.put("wamid", m.wamid());
        view.put("attempts", m.attempts());
        Map<String, Object> timestamps = new LinkedHashMap<>();
        put(timestamps, "queued", m.createdAt());
        put(timestamps, "accepted", m.acceptedAt());
        put(timestamps, "sent", m.sentAt());
        put(timestamps, "delivered", m.deliveredAt());
        put(timestamps, "read", m.readAt());
        put(timestamps, "failed", m.failedAt());
        view.put("timestamps", timestamps);
        if (m.errorCode() != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", m.errorCode());
            error.put("title", m.errorTitle());
            error.put("detail", m.errorDetail());
            error.put("action", ErrorCodes.action(m.errorCode()));
            view.put("error", error);
        }
        if (m.inDoubtSince() != null) {
            // the send call went unanswered (the hub stopped mid-call, or the answer timed out)
            Map<String, Object> doubt = new LinkedHashMap<>();
            doubt.put("since", m.inDoubtSince());
            doubt.put("settled_by", m.inDoubtSettled() == null ? "waiting for a status" : m.inDoubtSettled());
            put(doubt, "settled_at", m.inDoubtSettledAt());
            view.put("in_doubt", doubt);
        }
        if (m.fallback() != null) {
            // this message is a fallback template: sent because the window was closed (at acceptance, or Meta's 131047)
            Map<String, Object> fallback = new LinkedHashMap<>();
            fallback.put("reason", m.fallback());
            fallback.put("replaces", m.fallbackFor());
            view.put("fallback_of", fallback);
        }
        if (m.fallbackPayload() != null) {
            view.put("fallback_template", content(json(m.fallbackPayload())));
        }
        if (m.replacedBy() != null) {
            view.put("replaced_by", m.replacedBy());
        }
        view.put("metadata", json(m.metadata()));
        view.put("history", history(store.history(m.wamid(), m.supersededWamid())));
        return view;
    }

    /**
     * What was sent, in short: a template's name, language and parameters, or the type and an
     * excerpt of the content (the whole payload stays in the database).
     */
    static Map<String, Object> content(JsonNode payload) {
        Map<String, Object> content = new LinkedHashMap<>();
        if (payload == null) {
            return content;
        }
        String type = payload.path("type").asText();
        JsonNode body = payload.path(type);
        content.put("type", type);
        switch (type) {
            case "template" -> {
                content.put("template", body.path("name").asText());
                content.put("language", body.path("language").path("code").asText());
                List<String> parameters = new java.util.ArrayList<>();
                body.path("components").forEach(c -> c.path("parameters").forEach(p -> parameters.add(
                        p.has("text") ? p.path("text").asText() : p.has("payload") ? p.path("payload").asText() : p.path("type").asText())));
                content.put("parameters", parameters);
            }
            case "text" -> content.put("excerpt", excerpt(body.path("body").asText()));
            case "interactive" -> content.put("excerpt", excerpt(body.path("body").path("text").asText()));
            case "location" -> content.put("excerpt", excerpt(body.path("name").asText(body.path("latitude").asText() + ","
                    + body.path("longitude").asText())));
            case "reaction" -> content.put("excerpt", body.path("emoji").asText());
            default -> {
                content.put("media", body.has("link") ? body.path("link").asText() : body.path("id").asText());
                if (body.has("caption")) {
                    content.put("excerpt", excerpt(body.path("caption").asText()));
                }
            }
        }
        return content;
    }

    private static String excerpt(String text) {
        return text.length() <= 80 ? text : text.substring(0, 79) + "…";
    }

    private List<Map<String, Object>> history(List<StatusEvent> events) {
        return events.stream().map(e -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("status", e.status());
            item.put("timestamp", e.statusTime());
            item.put("recorded_at", e.recordedAt());
            item.put("applied", e.applied());
            item.put("raw", json(e.raw()));
            return item;
        }).toList();
    }

    private static void put(Map<String, Object> map, String key, OffsetDateTime at) {
        if (at != null) {
            map.put(key, at);
        }
    }

    private JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(text);
        }
    }
}
