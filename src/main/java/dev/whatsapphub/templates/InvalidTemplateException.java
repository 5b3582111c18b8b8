package dev.whatsapphub.templates;

import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.model.InvalidMessageException;
import java.util.List;

/** A template submission that breaks Meta's rules; every problem is listed. */
public class InvalidTemplateException extends InvalidMessageException {

    public InvalidTemplateException(List<FieldError> errors) {
        super(errors);
    }
}
