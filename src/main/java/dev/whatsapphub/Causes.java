package dev.whatsapphub;

import org.springframework.core.NestedExceptionUtils;

/** What to tell an operator of an exception. */
public final class Causes {

    private Causes() {
    }

    /** The innermost cause's message, first line only (Camel's parse errors draw a caret below). */
    public static String rootMessage(Throwable e) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(e);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
