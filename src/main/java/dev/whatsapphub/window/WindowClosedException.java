package dev.whatsapphub.window;

import java.time.Instant;

/** A free-form message to a customer whose 24-hour window is closed, and no fallback template was given. */
public class WindowClosedException extends RuntimeException {

    private final transient Instant closedAt;
    private final transient Instant lastCustomerMessageAt;

    public WindowClosedException(String detail, Instant closedAt, Instant lastCustomerMessageAt) {
        super(detail);
        this.closedAt = closedAt;
        this.lastCustomerMessageAt = lastCustomerMessageAt;
    }

    /** When the window closed; null if the customer never wrote. */
    public Instant closedAt() {
        return closedAt;
    }

    public Instant lastCustomerMessageAt() {
        return lastCustomerMessageAt;
    }
}
