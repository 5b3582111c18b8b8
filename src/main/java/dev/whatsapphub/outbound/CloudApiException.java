package dev.whatsapphub.outbound;

import dev.whatsapphub.whatsapp.CloudApiError;

/**
 * The Cloud API refused a send. One subclass per error class, so that each class has its own
 * redelivery policy in {@link SendErrorHandling}.
 */
public abstract class CloudApiException extends RuntimeException {

    private final transient CloudApiError error;

    CloudApiException(CloudApiError error) {
        super(error.summary());
        this.error = error;
    }

    public CloudApiError error() {
        return error;
    }

    static CloudApiException of(CloudApiError error) {
        return switch (error.errorClass()) {
            case TRANSIENT -> new Transient(error);
            case THROTTLED -> new Throttled(error);
            case PERMANENT -> new Permanent(error);
            case SENDER_FATAL -> new SenderFatal(error);
        };
    }

    static final class Transient extends CloudApiException {
        Transient(CloudApiError error) {
            super(error);
        }
    }

    static final class Throttled extends CloudApiException {
        Throttled(CloudApiError error) {
            super(error);
        }
    }

    static final class Permanent extends CloudApiException {
        Permanent(CloudApiError error) {
            super(error);
        }
    }

    static final class SenderFatal extends CloudApiException {
        SenderFatal(CloudApiError error) {
            super(error);
        }
    }
}
