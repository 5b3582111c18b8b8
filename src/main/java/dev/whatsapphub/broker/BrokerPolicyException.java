package dev.whatsapphub.broker;

/** The broker lacks what the hub relies on: start-up stops with what is wrong and what to do. */
public class BrokerPolicyException extends IllegalStateException {

    private final String action;

    BrokerPolicyException(String description, String action) {
        this(description, action, null);
    }

    BrokerPolicyException(String description, String action, Throwable cause) {
        super(description, cause);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
