package dev.whatsapphub.mapping;

import dev.whatsapphub.model.FieldError;
import java.util.List;

/** The event cannot be taken in: not a CloudEvent, or data its mapping cannot turn into a message. */
public class InvalidEventException extends RuntimeException {

    private final transient List<FieldError> errors;

    public InvalidEventException(List<FieldError> errors) {
        super(errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).rule() : errors.size() + " problems in the event");
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
