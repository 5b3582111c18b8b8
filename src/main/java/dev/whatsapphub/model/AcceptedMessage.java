package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A send request that passed every check: the Cloud API payload is final, so the send stage
 * only has to post it.
 */
public record AcceptedMessage(String id, String sender, String recipient, String kind, ObjectNode payload,
                              JsonNode metadata, String idempotencyKey) {
}
