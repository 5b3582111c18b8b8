package dev.whatsapphub.events;

import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.model.InvalidMessageException;
import java.util.List;

/** The event cannot be taken in: not a CloudEvent, or data its mapping cannot turn into a message. */
public class InvalidEventException extends InvalidMessageException {

    public InvalidEventException(List<FieldError> errors) {
        super(errors);
    }
}
