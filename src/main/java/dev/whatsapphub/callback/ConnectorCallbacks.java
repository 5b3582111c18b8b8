package dev.whatsapphub.callback;

/**
 * Delivers the callbacks of messages a connector's events made (target {@code connector:<id>}):
 * the connector turns the hub's callback into its system's terms. The hub's retries, backoff and
 * dead callbacks apply to them as to any other.
 */
public interface ConnectorCallbacks {

    String TARGET_PREFIX = "connector:";

    /**
     * What came of one attempt: delivered, or why not: tried again later, unless the system
     * {@code refused} it for what it is (a validation rule, a missing field), which makes it dead at
     * once, listed with the reason for replay once the system is fixed.
     */
    record Delivery(boolean delivered, String outcome, boolean refused) {

        public Delivery(boolean delivered, String outcome) {
            this(delivered, outcome, false);
        }

        public static Delivery refused(String outcome) {
            return new Delivery(false, outcome, true);
        }
    }

    /** One attempt to deliver {@code body} (the hub's callback JSON) to connector {@code connector}. */
    Delivery deliver(String connector, String eventId, String type, String body);

    static String target(String connector) {
        return TARGET_PREFIX + connector;
    }
}
