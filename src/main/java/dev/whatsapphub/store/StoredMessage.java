package dev.whatsapphub.store;

import java.time.OffsetDateTime;

/** A message row as the status API shows it: what was sent, where it stands, and its fallback template. */
public record StoredMessage(String id, String client, String sender, String recipient, String kind, String status,
                           String wamid, int attempts, String metadata, OffsetDateTime createdAt,
                           OffsetDateTime acceptedAt, OffsetDateTime sentAt, OffsetDateTime deliveredAt,
                           OffsetDateTime readAt, OffsetDateTime failedAt, Integer errorCode, String errorTitle,
                           String errorDetail, String supersededWamid, OffsetDateTime inDoubtSince, String inDoubtSettled,
                           OffsetDateTime inDoubtSettledAt, String payload, String fallbackPayload, String fallback,
                           String fallbackFor, String replacedBy, String callbackUrl) {
}
