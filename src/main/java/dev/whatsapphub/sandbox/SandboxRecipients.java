package dev.whatsapphub.sandbox;

import java.util.List;

/**
 * What happens to a message after the sandbox accepted it, by recipient. Documented test
 * numbers (+1 650 555 01xx) trigger behaviours; every other number gets sent, delivered, read.
 */
enum SandboxRecipients {
    NORMAL(null, List.of("sent", "delivered", "read")),
    NOT_ON_WHATSAPP("16505550101", List.of("failed")),
    NEVER_DELIVERED("16505550102", List.of("sent")),
    READ_WITHOUT_DELIVERED("16505550103", List.of("sent", "read")),
    DUPLICATES("16505550104", List.of("sent", "sent", "delivered", "delivered", "read", "read")),
    OUT_OF_ORDER("16505550105", List.of("read", "delivered", "sent")),
    RECEIPTS_OFF("16505550106", List.of("sent", "delivered")),
    /** Always has an open 24-hour window, as if it had just written. */
    WINDOW_OPEN("16505550107", List.of("sent", "delivered", "read"));

    private final String waId;
    private final List<String> statuses;

    SandboxRecipients(String waId, List<String> statuses) {
        this.waId = waId;
        this.statuses = statuses;
    }

    static SandboxRecipients of(String waId) {
        for (SandboxRecipients r : values()) {
            if (waId.equals(r.waId)) {
                return r;
            }
        }
        return NORMAL;
    }

    List<String> statuses() {
        return statuses;
    }
}
