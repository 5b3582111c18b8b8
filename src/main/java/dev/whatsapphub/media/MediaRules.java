package dev.whatsapphub.media;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Meta's media types and sizes (the contract's table): what a customer's file of each kind may be.
 * A file outside them is kept aside with the reason rather than served.
 */
final class MediaRules {

    /** The kinds of inbound message that carry a file. */
    static final Set<String> KINDS = Set.of("image", "video", "audio", "document", "sticker");

    private record Rule(Set<String> types, long maxBytes) {
    }

    private static final long MB = 1024 * 1024;
    private static final Map<String, Rule> RULES = Map.of(
            "audio", new Rule(Set.of("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"), 16 * MB),
            "document", new Rule(Set.of("text/plain", "application/pdf", "application/msword",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.ms-excel",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-powerpoint",
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation"), 100 * MB),
            "image", new Rule(Set.of("image/jpeg", "image/png"), 5 * MB),
            "sticker", new Rule(Set.of("image/webp"), 500 * 1024),
            "video", new Rule(Set.of("video/mp4", "video/3gpp"), 16 * MB));

    private MediaRules() {
    }

    /** The most bytes a file of this kind may have. */
    static long maxBytes(String kind) {
        return RULES.get(kind).maxBytes();
    }

    /** Why a file of {@code kind} with this MIME type and size is refused; empty if it is fine. */
    static Optional<String> check(String kind, String mimeType, long size) {
        Rule rule = RULES.get(kind);
        String type = mimeType == null ? "" : mimeType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!rule.types().contains(type)) {
            return Optional.of("a " + kind + " must be one of " + String.join(", ", rule.types().stream().sorted().toList())
                    + ", not '" + type + "'");
        }
        if (size > rule.maxBytes()) {
            return Optional.of("a " + kind + " may have at most " + rule.maxBytes() + " bytes, this one has " + size);
        }
        return Optional.empty();
    }
}
