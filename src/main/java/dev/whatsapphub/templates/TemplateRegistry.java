package dev.whatsapphub.templates;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The templates of each WhatsApp Business Account, as last synced; read on every template send. */
@Component
public class TemplateRegistry {

    private record Key(String wabaId, String name, String language) {
    }

    private final Map<Key, Template> templates = new ConcurrentHashMap<>();
    private final Map<String, Instant> syncedAt = new ConcurrentHashMap<>();

    public Optional<Template> find(String wabaId, String name, String language) {
        return Optional.ofNullable(templates.get(new Key(wabaId, name, language)));
    }

    /** Languages the named template exists in, for an error message that helps. */
    public List<String> languagesOf(String wabaId, String name) {
        return templates.keySet().stream()
                .filter(k -> k.wabaId().equals(wabaId) && k.name().equals(name))
                .map(Key::language).sorted().toList();
    }

    /** Replaces what is known of one account with a complete listing. */
    public void replace(String wabaId, List<Template> listing) {
        templates.keySet().removeIf(k -> k.wabaId().equals(wabaId));
        for (Template t : listing) {
            templates.put(new Key(wabaId, t.name(), t.language()), t);
        }
        syncedAt.put(wabaId, Instant.now());
    }

    public Optional<Instant> syncedAt(String wabaId) {
        return Optional.ofNullable(syncedAt.get(wabaId));
    }
}
