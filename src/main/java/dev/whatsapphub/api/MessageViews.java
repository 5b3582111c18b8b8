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
        view.put("metadata", json(m.metadata()));
        view.put("history", history(store.history(m.wamid(), m.supersededWamid())));
        return view;
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
