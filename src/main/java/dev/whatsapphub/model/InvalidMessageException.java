package dev.whatsapphub.model;

import java.util.List;

/** The request cannot become a message; every problem found is listed, not just the first. */
public class InvalidMessageException extends RuntimeException {

    private final transient List<FieldError> errors;

    public InvalidMessageException(List<FieldError> errors) {
        super(errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).rule() : errors.size() + " problems in the message");
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
