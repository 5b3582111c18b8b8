package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A send request that passed every check: the Cloud API payload is final, so the send stage
 * only has to post it. {@code fallbackPayload}: the template to send instead if Meta finds the
 * 24-hour window closed (131047); {@code fallback}: why this message is a fallback
 * ({@code window_closed} at acceptance, {@code 131047} from Meta), replacing {@code fallbackFor};
 * {@code windowCheck}: a free-form message whose window is checked before it is queued;
 * {@code callbackUrl}: where its callbacks go, if not to its client's.
 */
public record AcceptedMessage(String id, String sender, String recipient, String kind, ObjectNode payload,
                              JsonNode metadata, String idempotencyKey, ObjectNode fallbackPayload, String fallback,
                              String fallbackFor, boolean windowCheck, String callbackUrl) {

    /** The same message with its callbacks going to {@code target} (a connector's, named by the hub, not the caller). */
    public AcceptedMessage withCallbackTarget(String target) {
        return new AcceptedMessage(id, sender, recipient, kind, payload, metadata, idempotencyKey, fallbackPayload, fallback, fallbackFor,
                windowCheck, target);
    }

    /** The same message with its fallback template in place of its content, for {@code reason}. */
    public AcceptedMessage withFallbackSent(String reason) {
        return new AcceptedMessage(id, sender, recipient, "template", fallbackPayload, metadata, idempotencyKey, null, reason, null, false,
                callbackUrl);
    }
}
