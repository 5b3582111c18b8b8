package dev.whatsapphub.outbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.consent.OptOuts;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.model.AcceptedMessage;
import dev.whatsapphub.model.MessageFactory;
import dev.whatsapphub.model.MessageIds;
import dev.whatsapphub.reply.ReplyRouting;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StoredMessage;
import dev.whatsapphub.window.CustomerWindows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * What follows when Meta fails a send after accepting it. 131047 (the 24-hour window was closed
 * after all): the window of that sender and contact is closed, and a message given a fallback
 * template is replaced by a new message carrying it (its own id, {@code fallback_for} the first,
 * the same client and metadata) instead of failing into the dead-letter queue. 131050 (the
 * customer stopped marketing at Meta's end): the contact is opted out of marketing.
 */
@Component
public class MetaFailures {

    private final MessageStore store;
    private final MessageFactory factory;
    private final MessageIntake intake;
    private final CustomerWindows windows;
    private final ContactStore contacts;
    private final OptOuts optOuts;
    private final ReplyRouting routing;
    private final HubProperties properties;
    private final ObjectMapper mapper;

    MetaFailures(MessageStore store, MessageFactory factory, MessageIntake intake, CustomerWindows windows, ContactStore contacts,
                 OptOuts optOuts, ReplyRouting routing, HubProperties properties, ObjectMapper mapper) {
        this.optOuts = optOuts;
        this.routing = routing;
        this.store = store;
        this.factory = factory;
        this.intake = intake;
        this.windows = windows;
        this.contacts = contacts;
        this.properties = properties;
        this.mapper = mapper;
    }

    /**
     * For the wamids a {@code failed} status has just failed: applies 131047's and 131050's
     * consequences and returns the messages that still go to the dead-letter queue. The caller awaits
     * durability before it acknowledges the webhook, so a crash replays all of this (the fallback's
     * idempotency key keeps it one message).
     */
    public List<MessageStore.Failed> afterFailures(List<String> wamids) {
        List<MessageStore.Failed> deadLetters = new ArrayList<>();
        for (MessageStore.Failed failed : store.failedByWamid(wamids)) {
            if (failed.code() != 131047) {
                if (failed.code() == 131050) {
                    optedOut(failed);
                }
                deadLetters.add(failed);
                continue;
            }
            StoredMessage message = store.find(failed.id()).orElseThrow();
            var sender = properties.senders().get(message.sender());
            if (sender != null) {
                contacts.byRecipient(sender.wabaId(), message.recipient()).ifPresent(c -> windows.metaClosed(message.sender(), c.id(), Instant.now()));
            }
            if (message.fallbackPayload() == null) {
                deadLetters.add(failed);
                continue;
            }
            ObjectNode stored = (ObjectNode) json(message.fallbackPayload());
            AcceptedMessage fallback = factory.fallbackFor(MessageIds.next(), message.id(), message.sender(), message.recipient(), stored,
                    json(message.metadata()), message.callbackUrl());
            // the stored fallback is the request: a replay of this webhook finds the first fallback by its key, and sends nothing more
            MessageIntake.Intake sent = intake.submit(message.client(), stored, fallback);
            store.replacedBy(message.id(), sent.id());
        }
        return deadLetters;
    }

    /** The opt-out goes to the failed message's origin as a callback (the one who sent marketing learns it stopped). */
    private void optedOut(MessageStore.Failed failed) {
        var sender = properties.senders().get(failed.sender());
        if (sender == null) {
            return;
        }
        contacts.byRecipient(sender.wabaId(), failed.recipient()).ifPresent(c -> optOuts.fromMetaRefusal(failed.sender(), c.id(),
                failed.id(), Instant.now()).ifPresent(change -> routing.consent(failed.sender(), c, change, store.find(failed.id()).orElse(null))));
    }

    private JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored payload is not JSON", e);
        }
    }
}
