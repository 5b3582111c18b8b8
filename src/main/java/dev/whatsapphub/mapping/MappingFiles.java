package dev.whatsapphub.mapping;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.folder.FileLoader;
import dev.whatsapphub.folder.FileProblem;
import dev.whatsapphub.folder.FileSchema;
import dev.whatsapphub.folder.OperatorFolders;
import dev.whatsapphub.folder.YamlFile;
import dev.whatsapphub.mapping.Mapping.TemplateSpec;
import dev.whatsapphub.templates.Template;
import dev.whatsapphub.templates.TemplateCheck;
import dev.whatsapphub.templates.TemplateMismatch;
import dev.whatsapphub.templates.TemplateRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.springframework.stereotype.Component;

/**
 * Mapping files of the routes folder: read, checked against the account's templates (once they
 * are synced; a file loaded before is checked again then), and kept in file order for the router.
 */
@Component
public class MappingFiles implements OperatorFolders.FallbackLoader {

    private static final String NOT_CHECKED = "templates not checked yet: the account's templates are not synced";

    private final HubProperties properties;
    private final CamelContext camel;
    private final TemplateRegistry templates;
    private final Map<String, List<Mapping>> byFile = new TreeMap<>();
    private volatile List<Mapping> mappings = List.of();

    public MappingFiles(HubProperties properties, CamelContext camel, TemplateRegistry templates) {
        this.properties = properties;
        this.camel = camel;
        this.templates = templates;
    }

    /** The mappings of every loaded file, in file order. */
    public List<Mapping> mappings() {
        return mappings;
    }

    @Override
    public Folder folder() {
        return Folder.ROUTES;
    }

    @Override
    public String kind() {
        return "mappings";
    }

    @Override
    public boolean reads(YamlFile yaml) {
        return true;
    }

    @Override
    public Loaded load(YamlFile yaml, String text, Loaded previous, List<FileProblem> problems) {
        String file = yaml.file();
        // the schema's violations first, then what only the reader can tell (expressions, ids)
        List<Mapping> read = MappingFileReader.read(camel, yaml);
        problems.addAll(FileSchema.merged(FileSchema.MAPPING.check(yaml), yaml.problems()));
        if (!problems.isEmpty()) {
            return null;
        }
        for (Mapping m : read) {
            // the id is part of each message's idempotency key: two mappings may not share one
            byFile.forEach((other, ms) -> ms.stream().filter(o -> !other.equals(file) && o.id().equals(m.id())).findFirst()
                    .ifPresent(o -> problems.add(new FileProblem(file, m.line(), "mapping", "the id '" + m.id() + "' is already used in " + other))));
        }
        boolean checked = true;
        for (Mapping m : read) {
            checked &= checkAgainstTemplates(m, problems);
        }
        if (!problems.isEmpty()) {
            return null;
        }
        byFile.put(file, read);
        changed();
        return new Loaded(read.stream().map(Mapping::id).toList(), List.of(), checked, checked ? null : NOT_CHECKED, null);
    }

    @Override
    public void unload(String file, Loaded loaded) {
        byFile.remove(file);
        changed();
    }

    /** Loaded before the account's templates were known, and now they are. */
    @Override
    public boolean stale(Loaded loaded) {
        return !loaded.complete() && properties.senders().values().stream().allMatch(s -> templates.syncedAt(s.wabaId()).isPresent());
    }

    private void changed() {
        mappings = byFile.values().stream().flatMap(List::stream).toList();
    }

    /** Checks sender, templates and categories; false when the account's templates are not synced yet. */
    private boolean checkAgainstTemplates(Mapping m, List<FileProblem> problems) {
        String alias = properties.senderOrDefault(m.sender());
        Sender sender = alias == null ? null : properties.senders().get(alias);
        if (sender == null) {
            problems.add(new FileProblem(m.file(), m.line(), "sender", alias == null
                    ? "name the sender: the hub has several (" + properties.senders().keySet() + ") and no hub.default-sender"
                    : "unknown sender '" + alias + "': one of " + properties.senders().keySet()));
            return true;
        }
        if (templates.syncedAt(sender.wabaId()).isEmpty()) {
            return false;
        }
        for (TemplateSpec spec : m.fallback() == null ? List.of(m.template()) : List.of(m.template(), m.fallback())) {
            Optional<Template> t = templates.find(sender.wabaId(), spec.name(), spec.defaultLanguage());
            if (t.isEmpty()) {
                List<String> languages = templates.languagesOf(sender.wabaId(), spec.name());
                problems.add(new FileProblem(m.file(), spec.line(), spec.field(), languages.isEmpty()
                        ? "unknown template '" + spec.name() + "' in WABA " + sender.wabaId()
                        : "template '" + spec.name() + "' has no language " + spec.defaultLanguage() + " (it has " + languages + ")"));
                continue;
            }
            List<TemplateMismatch> mismatches = TemplateCheck.check(t.get(), spec.sampleComponents());
            if (!mismatches.isEmpty()) {
                problems.add(new FileProblem(m.file(), spec.lineOf(mismatches), spec.field(), Mapping.describe(t.get(), mismatches)));
            }
            if (spec == m.template() && m.category() != null && t.get().category() != null && !m.category().equals(t.get().category())) {
                problems.add(new FileProblem(m.file(), m.line(), "category", "is " + m.category() + " but template '" + spec.name()
                        + "' is in category " + t.get().category()));
            }
        }
        return true;
    }
}
