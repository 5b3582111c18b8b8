package dev.whatsapphub.templates;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
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

    /** A template just submitted (PENDING until Meta's review says otherwise). */
    public void add(String wabaId, Template template) {
        templates.put(new Key(wabaId, template.name(), template.language()), template);
    }

    /** Replaces what is known of one account with a complete listing. */
    public void replace(String wabaId, List<Template> listing) {
        // new entries first, then the ones gone: a send in between never finds the account empty
        java.util.Set<Key> keep = new java.util.HashSet<>();
        for (Template t : listing) {
            Key k = new Key(wabaId, t.name(), t.language());
            templates.put(k, t);
            keep.add(k);
        }
        templates.keySet().removeIf(k -> k.wabaId().equals(wabaId) && !keep.contains(k));
        syncedAt.put(wabaId, Instant.now());
    }

    /**
     * Applies a change a webhook reported (status, quality, category) to the template with that
     * id, or else that name and language; false when the hub does not know the template.
     */
    public boolean update(String wabaId, String templateId, String name, String language, UnaryOperator<Template> change) {
        for (var entry : templates.entrySet()) {
            Key k = entry.getKey();
            Template t = entry.getValue();
            boolean same = templateId != null && templateId.equals(t.id()) || name != null && name.equals(k.name()) && (language == null || language.equals(k.language()));
            if (k.wabaId().equals(wabaId) && same) {
                templates.put(k, change.apply(t));
                return true;
            }
        }
        return false;
    }

    /** Every template of every account, for {@code GET /api/v1/templates}. */
    public List<Template> all(String wabaId) {
        return templates.entrySet().stream().filter(e -> e.getKey().wabaId().equals(wabaId)).map(Map.Entry::getValue)
                .sorted(java.util.Comparator.comparing(Template::name).thenComparing(Template::language)).toList();
    }

    public Optional<Instant> syncedAt(String wabaId) {
        return Optional.ofNullable(syncedAt.get(wabaId));
    }
}
