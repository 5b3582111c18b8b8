package dev.whatsapphub.mapping;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.whatsapphub.Digests;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.mapping.Mapping.TemplateSpec;
import dev.whatsapphub.templates.Template;
import dev.whatsapphub.templates.TemplateCheck;
import dev.whatsapphub.templates.TemplateMismatch;
import dev.whatsapphub.templates.TemplateRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The operator's folder ({@code hub.routes-dir}): mapping files and Camel YAML DSL route files,
 * polled every {@code hub.routes-poll-interval}. A changed file replaces its previous version
 * only if it loads without error; otherwise the previous version keeps working and the errors
 * are kept for {@code GET /api/v1/config}. Polling rather than a WatchService: editors that save
 * by renaming, and mounted volumes, are seen the same way.
 */
@Component
public class RoutesDirectory implements InitializingBean, AutoCloseable {

    /** What {@code GET /api/v1/config} shows of one file. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FileView(String file, String kind, String version, Instant loadedAt, List<String> mappings,
                           List<String> routes, String rejectedVersion, Instant rejectedAt, List<MappingError> errors,
                           String note) {
    }

    private record Loaded(String kind, String version, String text, Instant at, List<Mapping> mappings, List<String> routes,
                          boolean templatesChecked) {
    }

    private record Rejected(String version, Instant at, List<MappingError> errors) {
    }

    private static final Logger log = LoggerFactory.getLogger(RoutesDirectory.class);

    private final HubProperties properties;
    private final CamelContext camel;
    private final TemplateRegistry templates;
    private final Map<String, Loaded> loaded = new TreeMap<>();
    private final Map<String, Rejected> rejected = new TreeMap<>();
    private volatile List<Mapping> mappings = List.of();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "routes-dir-poll");
        t.setDaemon(true);
        return t;
    });

    public RoutesDirectory(HubProperties properties, CamelContext camel, TemplateRegistry templates) {
        this.properties = properties;
        this.camel = camel;
        this.templates = templates;
    }

    /** The first scan runs before Camel starts its routes and Tomcat takes requests: no event meets an empty router. */
    @Override
    public void afterPropertiesSet() {
        scan();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        scan();
        long every = properties.routesPollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::scanQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** The mappings of every loaded file, in file order. */
    public List<Mapping> mappings() {
        return mappings;
    }

    public Path folder() {
        return properties.routesDir().toAbsolutePath().normalize();
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.error("Scanning {} failed", folder(), e);
        }
    }

    /** One pass over the folder; also called by tests that do not want to wait for the poll. */
    public synchronized void scan() {
        Map<String, String> present = new TreeMap<>();
        Set<String> unreadable = new LinkedHashSet<>();
        Path dir = folder();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().matches(".*\\.ya?ml"))
                        .forEach(p -> {
                            String name = p.getFileName().toString();
                            try {
                                present.put(name, Files.readString(p, StandardCharsets.UTF_8));
                            } catch (IOException e) {
                                // not gone, only unreadable (not UTF-8, say): the loaded version stays
                                unreadable.add(name);
                                rejected.put(name, new Rejected("unreadable", Instant.now(),
                                        List.of(new MappingError(name, 0, "", "cannot be read as UTF-8 text: " + e))));
                            }
                        });
            } catch (IOException e) {
                log.warn("Cannot list {}: {}", dir, e.getMessage());
                return;
            }
        }
        boolean changed = false;
        for (String file : List.copyOf(loaded.keySet())) {
            if (!present.containsKey(file) && !unreadable.contains(file)) {
                unload(file, loaded.remove(file));
                log.info("Routes file {} removed: its mappings and routes are gone", file);
                changed = true;
            }
        }
        rejected.keySet().removeIf(f -> !present.containsKey(f) && !unreadable.contains(f));
        for (var entry : present.entrySet()) {
            changed |= consider(entry.getKey(), entry.getValue());
        }
        if (changed) {
            mappings = loaded.values().stream().flatMap(l -> l.mappings().stream()).toList();
        }
    }

    private boolean consider(String file, String text) {
        String version = Digests.sha256(text).substring(0, 12);
        Loaded current = loaded.get(file);
        Rejected failed = rejected.get(file);
        if (current != null && current.version().equals(version) && (current.templatesChecked() || !templatesNowKnown())) {
            return false;
        }
        // a rejected version stays rejected until the file changes (touching it retries)
        if (failed != null && failed.version().equals(version)) {
            return false;
        }
        List<MappingError> errors = new ArrayList<>();
        boolean routes = MappingFileReader.isCamelRoutes(text);
        if (routes && !camel.isStarted()) {
            // route files wait for the first scan after start-up, when Camel can tell which routes they added
            return false;
        }
        Loaded next = routes ? loadRoutes(file, text, version, current, errors) : loadMappings(file, text, version, errors);
        if (next != null && !routes && current != null && !current.routes().isEmpty()) {
            removeRoutes(current.routes());
        }
        if (next == null) {
            rejected.put(file, new Rejected(version, Instant.now(), errors));
            if (current != null && current.version().equals(version)) {
                // loaded before the account's templates were known, and they show it does not fit
                unload(file, loaded.remove(file));
                mappings = loaded.values().stream().flatMap(l -> l.mappings().stream()).toList();
                log.warn("Routes file {} taken out: {}", file, String.join("; ", errors.stream().map(MappingError::toString).toList()));
                return false;
            }
            log.warn("Routes file {} rejected{}: {}", file, current == null ? "" : " (its previous version keeps working)",
                    String.join("; ", errors.stream().map(MappingError::toString).toList()));
            return false;
        }
        rejected.remove(file);
        loaded.put(file, next);
        log.info("Routes file {} loaded (version {}): {} mapping(s), {} route(s)", file, version, next.mappings().size(), next.routes().size());
        return true;
    }

    private Loaded loadMappings(String file, String text, String version, List<MappingError> errors) {
        MappingFileReader.Result read = MappingFileReader.read(camel, file, text);
        errors.addAll(read.errors());
        if (!errors.isEmpty()) {
            return null;
        }
        for (Mapping m : read.mappings()) {
            // the id is part of each message's idempotency key: two mappings may not share one
            loaded.forEach((other, l) -> l.mappings().stream().filter(o -> !other.equals(file) && o.id().equals(m.id())).findFirst()
                    .ifPresent(o -> errors.add(new MappingError(file, m.line(), "mapping", "the id '" + m.id() + "' is already used in " + other))));
        }
        boolean checked = true;
        for (Mapping m : read.mappings()) {
            checked &= checkAgainstTemplates(m, errors);
        }
        return errors.isEmpty() ? new Loaded("mappings", version, text, Instant.now(), read.mappings(), List.of(), checked) : null;
    }

    /** Checks sender, templates and categories; false when the account's templates are not synced yet. */
    private boolean checkAgainstTemplates(Mapping m, List<MappingError> errors) {
        String alias = properties.senderOrDefault(m.sender());
        Sender sender = alias == null ? null : properties.senders().get(alias);
        if (sender == null) {
            errors.add(new MappingError(m.file(), m.line(), "sender", alias == null
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
                errors.add(new MappingError(m.file(), spec.line(), spec.field(), languages.isEmpty()
                        ? "unknown template '" + spec.name() + "' in WABA " + sender.wabaId()
                        : "template '" + spec.name() + "' has no language " + spec.defaultLanguage() + " (it has " + languages + ")"));
                continue;
            }
            List<TemplateMismatch> mismatches = TemplateCheck.check(t.get(), spec.sampleComponents());
            if (!mismatches.isEmpty()) {
                errors.add(new MappingError(m.file(), spec.lineOf(mismatches), spec.field(), Mapping.describe(t.get(), mismatches)));
            }
            if (spec == m.template() && m.category() != null && t.get().category() != null && !m.category().equals(t.get().category())) {
                errors.add(new MappingError(m.file(), m.line(), "category", "is " + m.category() + " but template '" + spec.name()
                        + "' is in category " + t.get().category()));
            }
        }
        return true;
    }

    private boolean templatesNowKnown() {
        return properties.senders().values().stream().allMatch(s -> templates.syncedAt(s.wabaId()).isPresent());
    }

    /** Camel YAML DSL: the old routes of the file go, the new ones come; if they fail, the old ones come back. */
    private Loaded loadRoutes(String file, String text, String version, Loaded current, List<MappingError> errors) {
        if (current != null && !current.routes().isEmpty()) {
            removeRoutes(current.routes());
        }
        try {
            List<String> ids = addRoutes(file, text);
            return new Loaded("camel-routes", version, text, Instant.now(), List.of(), ids, true);
        } catch (Exception e) {
            errors.add(new MappingError(file, lineOf(e), "", "Camel could not load the routes: " + EventExpression.rootMessage(e)));
            if (current != null && !current.routes().isEmpty()) {
                try {
                    addRoutes(file, current.text());
                } catch (Exception again) {
                    log.error("Could not restore the previous routes of {}", file, again);
                }
            }
            return null;
        }
    }

    private List<String> addRoutes(String file, String text) throws Exception {
        Set<String> before = routeIds();
        Resource resource = ResourceHelper.fromString("file:" + folder().resolve(file), text);
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
        } catch (Exception e) {
            // a half-loaded file must not stay behind
            Set<String> added = routeIds();
            added.removeAll(before);
            removeRoutes(List.copyOf(added));
            throw e;
        }
        Set<String> added = routeIds();
        added.removeAll(before);
        return List.copyOf(added);
    }

    private void removeRoutes(List<String> ids) {
        for (String id : ids) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            } catch (Exception e) {
                log.warn("Could not remove route {}: {}", id, e.getMessage());
            }
        }
    }

    private void unload(String file, Loaded old) {
        if (old != null && !old.routes().isEmpty()) {
            removeRoutes(old.routes());
        }
    }

    private Set<String> routeIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (Route r : camel.getRoutes()) {
            ids.add(r.getRouteId());
        }
        return ids;
    }

    public synchronized List<FileView> view() {
        Set<String> files = new java.util.TreeSet<>(loaded.keySet());
        files.addAll(rejected.keySet());
        List<FileView> views = new ArrayList<>();
        for (String f : files) {
            Loaded l = loaded.get(f);
            Rejected r = rejected.get(f);
            String note = l != null && !l.templatesChecked() ? "templates not checked yet: the account's templates are not synced" : null;
            views.add(new FileView(f, l != null ? l.kind() : null, l != null ? l.version() : null, l != null ? l.at() : null,
                    l != null ? l.mappings().stream().map(Mapping::id).toList() : List.of(), l != null ? l.routes() : List.of(),
                    r != null ? r.version() : null, r != null ? r.at() : null, r != null ? r.errors() : List.of(), note));
        }
        return views;
    }

    private static int lineOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            var m = java.util.regex.Pattern.compile("line (\\d+)").matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
