package dev.whatsapphub.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.whatsapp.CloudApiError;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * One item of {@code statuses[]} in a webhook. {@code messageId} is the hub's id, echoed by Meta
 * in {@code biz_opaque_callback_data}; {@code wamid} is Meta's id; {@code calledBack}: the message has
 * a callback target, which the hub marks in the same field ({@link #NOTIFY}), so that statuses of
 * the other messages cost nothing more.
 */
public record StatusUpdate(String messageId, String wamid, String status, OffsetDateTime timestamp, CloudApiError error,
                           String raw, boolean calledBack) {

    /** Appended to the hub id in {@code biz_opaque_callback_data} of a message whose statuses are called back. */
    public static final String NOTIFY = ".c";

    /** Ranks: a message only moves to a higher one; failed never overrides read. */
    static final Map<String, Integer> RANKS = Map.of("sent", 1, "delivered", 2, "read", 3, "played", 3, "failed", 4);

    /** Reads one {@code statuses[]} item; throws IllegalArgumentException naming what is missing. */
    public static StatusUpdate from(JsonNode item) {
        String wamid = item.path("id").asText(null);
        String status = item.path("status").asText(null);
        if (wamid == null || status == null) {
            throw new IllegalArgumentException("a status needs 'id' and 'status'");
        }
        String callback = item.path("biz_opaque_callback_data").asText(null);
        boolean notify = callback != null && callback.endsWith(NOTIFY);
        String messageId = notify ? callback.substring(0, callback.length() - NOTIFY.length()) : callback;
        OffsetDateTime at;
        try {
            at = item.hasNonNull("timestamp")
                    ? Instant.ofEpochSecond(item.path("timestamp").asLong()).atOffset(ZoneOffset.UTC)
                    : OffsetDateTime.now(ZoneOffset.UTC);
        } catch (DateTimeException outOfRange) {
            throw new IllegalArgumentException("a status's 'timestamp' must be epoch seconds within the range of dates");
        }
        JsonNode errors = item.path("errors");
        CloudApiError error = errors.isArray() && !errors.isEmpty() ? CloudApiError.fromWebhookError(errors.get(0)) : null;
        return new StatusUpdate(messageId, wamid, status, at, error, item.toString(), notify);
    }

    static StatusUpdate parse(String raw, ObjectMapper mapper) {
        try {
            return from(mapper.readTree(raw));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The status as the hub stores it: a voice note's "played" means it was read. */
    String storedStatus() {
        return "played".equals(status) ? "read" : status;
    }

    int rank() {
        return RANKS.getOrDefault(status, 0);
    }

    boolean known() {
        return RANKS.containsKey(status);
    }
}
