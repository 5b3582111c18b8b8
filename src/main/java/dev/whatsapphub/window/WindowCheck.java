package dev.whatsapphub.window;

import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.model.AcceptedMessage;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Whether a free-form message from a sender to a recipient may go now, judged at acceptance. */
@Component
public class WindowCheck {

    private final ContactStore contacts;
    private final CustomerWindows windows;

    public WindowCheck(ContactStore contacts, CustomerWindows windows) {
        this.contacts = contacts;
        this.windows = windows;
    }

    /**
     * The message as it may be queued now: unchanged if it needs no window or its window is open;
     * its fallback template in its place if the window is closed; refused otherwise.
     */
    public AcceptedMessage apply(AcceptedMessage message, String wabaId) {
        if (!message.windowCheck()) {
            return message;
        }
        Optional<WindowClosedException> closed = closed(message.sender(), wabaId, message.recipient(), Instant.now());
        if (closed.isEmpty()) {
            return message;
        }
        if (message.fallbackPayload() == null) {
            throw closed.get();
        }
        return message.withFallbackSent("window_closed");
    }

    /** Empty when the window is open; else why not, as a problem for the client. */
    public Optional<WindowClosedException> closed(String sender, String wabaId, String recipient, Instant now) {
        Optional<CustomerWindows.Window> window = contacts.byRecipient(wabaId, recipient).flatMap(c -> windows.of(sender, c.id()));
        String remedy = ": a free-form message needs the customer's message of the last 24 hours. Send an approved template,"
                + " give fallback_template to send instead, or \"window_check\": false if the customer wrote before the hub was deployed";
        if (window.isEmpty() || window.get().lastInboundAt().equals(Instant.EPOCH)) {
            return Optional.of(new WindowClosedException("The customer " + recipient + " has not written to sender '" + sender + "'"
                    + remedy, window.map(w -> w.closedAt()).orElse(null), null));
        }
        CustomerWindows.Window w = window.get();
        if (w.openAt(now, windows.margin())) {
            return Optional.empty();
        }
        Instant closedAt = w.closesAt(windows.margin());
        String why = w.closedAt() != null && !w.closedAt().isAfter(closedAt)
                ? " (Meta refused a free-form send with 131047 at " + w.closedAt() + ")"
                : " (the customer last wrote at " + w.lastInboundAt() + "; the hub keeps a margin of " + windows.margin() + ")";
        return Optional.of(new WindowClosedException("The 24-hour window of sender '" + sender + "' with " + recipient + " closed at "
                + closedAt + why + remedy, closedAt, w.lastInboundAt()));
    }
}
