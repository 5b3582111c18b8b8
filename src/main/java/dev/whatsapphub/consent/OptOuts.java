package dev.whatsapphub.consent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.HubProperties;
import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Turns what customers and Meta say into opt-outs and opt-ins: a message that is only a keyword
 * (STOP, BAJA, ARRÊT ... / START, ALTA ...), Meta's {@code user_preferences} webhook (marketing),
 * and a send Meta failed with 131050 (the customer stopped marketing at Meta's end).
 */
@Component
public class OptOuts {

    /** Meta's user_preferences and 131050 are about marketing messages. */
    public static final String MARKETING = "marketing";

    private final ConsentStore store;
    private final Set<String> stopWords;
    private final Set<String> startWords;
    private final String keywordCategory;

    public OptOuts(ConsentStore store, HubProperties properties) {
        this.store = store;
        HubProperties.OptOut config = properties.conversations().optOut();
        this.stopWords = normalized(config.keywords());
        this.startWords = normalized(config.optInKeywords());
        this.keywordCategory = config.category();
    }

    /** A customer's message: if its text is a keyword, the contact opts out or in (the returned change, if it changed anything). */
    public Optional<ConsentStore.Change> fromMessage(String sender, String contactId, JsonNode message, Instant at) {
        String said = switch (message.path("type").asText()) {
            case "text" -> message.path("text").path("body").asText("");
            case "button" -> message.path("button").path("text").asText("");
            case "interactive" -> message.path("interactive").path("button_reply").path("title").asText("");
            default -> "";
        };
        String word = normalize(said);
        if (stopWords.contains(word)) {
            return store.change(sender, contactId, keywordCategory, true, "keyword", "the customer wrote \"" + said.strip() + "\"", at);
        }
        if (startWords.contains(word)) {
            return store.change(sender, contactId, keywordCategory, false, "keyword", "the customer wrote \"" + said.strip() + "\"", at);
        }
        return Optional.empty();
    }

    /** One item of Meta's {@code user_preferences}: {@code stop} opts out of marketing, {@code resume} (or signup) back in. */
    public Optional<ConsentStore.Change> fromUserPreference(String sender, String contactId, JsonNode preference, Instant at) {
        String value = preference.path("value").asText("").toLowerCase(Locale.ROOT);
        String detail = "Meta's user_preferences: " + value + (preference.hasNonNull("detail") ? " (" + preference.path("detail").asText() + ")" : "");
        return switch (value) {
            case "stop" -> store.change(sender, contactId, MARKETING, true, "user_preferences", detail, at);
            case "resume", "signup" -> store.change(sender, contactId, MARKETING, false, "user_preferences", detail, at);
            default -> Optional.empty();
        };
    }

    /** Meta failed a marketing send with 131050: the customer had stopped marketing messages. */
    public Optional<ConsentStore.Change> fromMetaRefusal(String sender, String contactId, String messageId, Instant at) {
        return store.change(sender, contactId, MARKETING, true, "meta_131050", "Meta failed message " + messageId + " with 131050", at);
    }

    /**
     * Whether a message of {@code category} can have been opted out of at all: marketing (Meta's
     * opt-outs) and the keywords' category, or every category when the keywords stop "all". The
     * others need no look-up when they are accepted.
     */
    public boolean suppressible(String category) {
        return MARKETING.equals(category) || keywordCategory.equals(category) || "all".equals(keywordCategory);
    }

    /** Whether the contact opted out of {@code category} (or of everything) from the sender, and how. */
    public Optional<ConsentStore.Change> optedOut(String sender, String contactId, String category) {
        for (String c : List.of(category, "all")) {
            Optional<ConsentStore.Change> current = store.current(sender, contactId, c).filter(ConsentStore.Change::optedOut);
            if (current.isPresent()) {
                return current;
            }
        }
        return Optional.empty();
    }

    /** Case, accents and the punctuation around a word do not matter: "Stop!", "stop" and "ARRET" match. */
    static String normalize(String text) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return plain.replaceAll("^[\\p{P}\\p{S}\\s]+|[\\p{P}\\p{S}\\s]+$", "").toUpperCase(Locale.ROOT);
    }

    private static Set<String> normalized(List<String> words) {
        return words.stream().map(OptOuts::normalize).collect(Collectors.toSet());
    }
}
