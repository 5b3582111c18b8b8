package dev.whatsapphub.consent;

import java.time.Instant;

/** A message of a category the customer opted out of, from that sender. */
public class OptedOutException extends RuntimeException {

    private final transient Instant optedOutAt;
    private final transient String source;

    public OptedOutException(String detail, Instant optedOutAt, String source) {
        super(detail);
        this.optedOutAt = optedOutAt;
        this.source = source;
    }

    public Instant optedOutAt() {
        return optedOutAt;
    }

    public String source() {
        return source;
    }
}
