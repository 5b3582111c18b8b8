package dev.whatsapphub.model;

/** A template send arrived before the registry of its account was ever loaded: try again shortly. */
public class TemplatesNotLoadedException extends RuntimeException {

    public TemplatesNotLoadedException(String wabaId) {
        super("The templates of WABA " + wabaId + " have not been loaded from the Cloud API yet; retry in a few seconds"
                + " (GET /actuator/health shows the sync state)");
    }
}
