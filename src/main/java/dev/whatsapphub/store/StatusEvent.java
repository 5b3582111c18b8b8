package dev.whatsapphub.store;

import java.time.OffsetDateTime;

/** One raw status webhook item, kept in the history of its message. */
public record StatusEvent(String status, OffsetDateTime statusTime, OffsetDateTime recordedAt, boolean applied, String raw) {
}
