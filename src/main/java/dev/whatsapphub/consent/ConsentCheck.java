package dev.whatsapphub.consent;

import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.model.AcceptedMessage;
import dev.whatsapphub.templates.TemplateRegistry;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Refuses, at acceptance, a message of a category the customer opted out of from that sender: a
 * marketing template after STOP, Meta's {@code user_preferences} stop or a 131050.
 */
@Component
public class ConsentCheck {

    private final ContactStore contacts;
    private final OptOuts optOuts;
    private final TemplateRegistry templates;

    public ConsentCheck(ContactStore contacts, OptOuts optOuts, TemplateRegistry templates) {
        this.contacts = contacts;
        this.optOuts = optOuts;
        this.templates = templates;
    }

    /** Throws {@link OptedOutException} if the customer opted out of what {@code message} is. */
    public void check(AcceptedMessage message, String wabaId) {
        String category = category(message, wabaId);
        if (!optOuts.suppressible(category)) {
            return; // a utility template, say: nothing can stop it, so no look-up on the way to the queue
        }
        Optional<ConsentStore.Change> out = contacts.byRecipient(wabaId, message.recipient())
                .flatMap(c -> optOuts.optedOut(message.sender(), c.id(), category));
        if (out.isPresent()) {
            ConsentStore.Change change = out.get();
            throw new OptedOutException("The customer " + message.recipient() + " opted out of " + change.category()
                    + " messages from sender '" + message.sender() + "' at " + change.at() + " (" + change.detail()
                    + "): nothing is sent to them in that category until they opt in again (" + opt(change) + ")",
                    change.at(), change.source());
        }
    }

    /** A template's category (marketing, utility, authentication); a free-form message is service. */
    private String category(AcceptedMessage message, String wabaId) {
        if (!"template".equals(message.kind())) {
            return "service";
        }
        var template = message.payload().path("template");
        return templates.find(wabaId, template.path("name").asText(), template.path("language").path("code").asText())
                .map(t -> t.category() == null ? "utility" : t.category().toLowerCase(Locale.ROOT)).orElse("utility");
    }

    private static String opt(ConsentStore.Change change) {
        return "keyword".equals(change.source()) ? "they write START, or another opt-in keyword"
                : "in WhatsApp, they resume marketing messages from the business";
    }
}
