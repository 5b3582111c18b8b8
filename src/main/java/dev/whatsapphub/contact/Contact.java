package dev.whatsapphub.contact;

import java.time.Instant;

/** A customer of one business account; {@code userId} or {@code waId} may be unknown, never both. */
public record Contact(String id, String wabaId, String userId, String parentUserId, String waId, String username,
                      String profileName, Instant firstSeenAt, Instant lastSeenAt) {
}
