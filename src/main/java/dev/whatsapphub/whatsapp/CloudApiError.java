package dev.whatsapphub.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error as Meta reports it, either in a Graph error body ({@code {"error":{...}}}) or in
 * {@code statuses[].errors[]} of a webhook.
 */
public record CloudApiError(int code, String title, String details, int httpStatus, String fbtraceId) {

    /** Reads Meta's Graph error envelope; a body that is not one becomes code 1 with the raw text kept. */
    public static CloudApiError fromGraphBody(JsonNode body, int httpStatus, String rawBody) {
        JsonNode error = body == null ? null : body.path("error");
        if (error == null || !error.isObject() || !error.has("code")) {
            String excerpt = rawBody == null ? "" : rawBody.substring(0, Math.min(200, rawBody.length()));
            return new CloudApiError(httpStatus >= 500 ? 2 : 1, "Unexpected response from the Cloud API",
                    "HTTP " + httpStatus + ": " + excerpt, httpStatus, null);
        }
        String message = error.path("message").asText("");
        return new CloudApiError(error.path("code").asInt(), stripCodePrefix(message),
                error.path("error_data").path("details").asText(null), httpStatus,
                error.path("fbtrace_id").asText(null));
    }

    /** Reads one item of {@code statuses[].errors[]}. */
    public static CloudApiError fromWebhookError(JsonNode error) {
        String title = error.path("title").asText(error.path("message").asText(""));
        return new CloudApiError(error.path("code").asInt(), title,
                error.path("error_data").path("details").asText(null), 0, null);
    }

    public ErrorClass errorClass() {
        return ErrorCodes.classify(code);
    }

    /** One sentence for the person who reads the failed message: what to fix. */
    public String action() {
        return ErrorCodes.action(code);
    }

    public String summary() {
        return "(#" + code + ") " + title + (details == null || details.isBlank() ? "" : ": " + details);
    }

    private static String stripCodePrefix(String message) {
        // Meta writes "(#131056) (Business Account, Consumer Account) pair rate limit hit"
        if (message.startsWith("(#")) {
            int end = message.indexOf(") ");
            if (end > 0) {
                return message.substring(end + 2);
            }
        }
        return message;
    }
}
