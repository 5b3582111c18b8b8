package dev.whatsapphub.folder;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.whatsapphub.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folder of operator files, scanned by {@link OperatorFolders}. A file is known by its name
 * and its version (the first 12 hex digits of its SHA-256). A changed file replaces its previous
 * version only if it loads without a problem; otherwise the previous version keeps working and
 * the problems are kept for {@code GET /api/v1/config} until the file changes again. A removed
 * file is unloaded.
 */
public final class OperatorFolder {

    /** What {@code GET /api/v1/config} shows of one file. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FileView(String file, String kind, String version, Instant loadedAt, List<String> mappings,
                           List<String> routes, String rejectedVersion, Instant rejectedAt, List<FileProblem> errors,
                           String note) {
    }

    private record Current(FileLoader loader, String version, Instant at, FileLoader.Loaded loaded) {
    }

    private record Rejected(String version, Instant at, List<FileProblem> errors) {
    }

    private static final Logger log = LoggerFactory.getLogger(OperatorFolder.class);

    private final String name;
    private final Path dir;
    private final List<FileLoader> loaders;
    private final Map<String, Current> loaded = new TreeMap<>();
    private final Map<String, Rejected> rejected = new TreeMap<>();

    OperatorFolder(String name, Path dir, List<FileLoader> loaders) {
        this.name = name;
        this.dir = dir.toAbsolutePath().normalize();
        this.loaders = List.copyOf(loaders);
    }

    public Path path() {
        return dir;
    }

    /** One pass over the folder; also called by tests that do not want to wait for the poll. */
    public synchronized void scan() {
        if (loaders.isEmpty()) {
            return;
        }
        Map<String, String> present = new TreeMap<>();
        Set<String> unreadable = new LinkedHashSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().matches(".*\\.ya?ml"))
                        .forEach(p -> {
                            String file = p.getFileName().toString();
                            try {
                                present.put(file, Files.readString(p, StandardCharsets.UTF_8));
                            } catch (IOException e) {
                                // not gone, only unreadable (not UTF-8, say): the loaded version stays
                                unreadable.add(file);
                                rejected.put(file, new Rejected("unreadable", Instant.now(),
                                        List.of(new FileProblem(file, 0, "", "cannot be read as UTF-8 text: " + e))));
                            }
                        });
            } catch (IOException e) {
                log.warn("Cannot list {}: {}", dir, e.getMessage());
                return;
            }
        }
        for (String file : List.copyOf(loaded.keySet())) {
            if (!present.containsKey(file) && !unreadable.contains(file)) {
                Current gone = loaded.remove(file);
                gone.loader().unload(file, gone.loaded());
                log.info("{} file {} removed: what it defined is gone", name, file);
            }
        }
        rejected.keySet().removeIf(f -> !present.containsKey(f) && !unreadable.contains(f));
        present.forEach(this::consider);
    }

    private void consider(String file, String text) {
        String version = Digests.sha256(text).substring(0, 12);
        Current current = loaded.get(file);
        Rejected failed = rejected.get(file);
        if (current != null && current.version().equals(version) && !current.loader().stale(current.loaded())) {
            // an edit undone: the file is again what runs, so the rejected edit's problems are no longer the file's
            if (rejected.remove(file) != null) {
                log.info("{} file {} is back to its loaded version {}", name, file, version);
            }
            return;
        }
        // a rejected version stays rejected until the file changes (touching it retries)
        if (failed != null && failed.version().equals(version)) {
            return;
        }
        YamlFile yaml = YamlFile.read(file, text);
        FileLoader loader = loaders.stream().filter(l -> l.reads(yaml)).findFirst().orElse(loaders.get(loaders.size() - 1));
        if (!loader.ready()) {
            return;
        }
        List<FileProblem> problems = new ArrayList<>();
        FileLoader.Loaded previous = current != null && current.loader() == loader ? current.loaded() : null;
        FileLoader.Loaded next = loader.load(yaml, text, previous, problems);
        if (next == null || !problems.isEmpty()) {
            rejected.put(file, new Rejected(version, Instant.now(), List.copyOf(problems)));
            String listed = String.join("; ", problems.stream().map(FileProblem::toString).toList());
            if (current != null && current.version().equals(version)) {
                // loaded before what it is checked against was known, and that shows it does not fit
                loaded.remove(file);
                current.loader().unload(file, current.loaded());
                log.warn("{} file {} taken out: {}", name, file, listed);
                return;
            }
            log.warn("{} file {} rejected{}: {}", name, file, current == null ? "" : " (its previous version keeps working)", listed);
            return;
        }
        if (current != null && current.loader() != loader) {
            current.loader().unload(file, current.loaded());
        }
        rejected.remove(file);
        loaded.put(file, new Current(loader, version, Instant.now(), next));
        log.info("{} file {} loaded (version {}): {} mapping(s), {} route(s)", name, file, version, next.mappings().size(),
                next.routes().size());
    }

    public synchronized List<FileView> view() {
        Set<String> files = new TreeSet<>(loaded.keySet());
        files.addAll(rejected.keySet());
        List<FileView> views = new ArrayList<>();
        for (String f : files) {
            Current c = loaded.get(f);
            Rejected r = rejected.get(f);
            views.add(new FileView(f, c != null ? c.loader().kind() : null, c != null ? c.version() : null, c != null ? c.at() : null,
                    c != null ? c.loaded().mappings() : List.of(), c != null ? c.loaded().routes() : List.of(),
                    r != null ? r.version() : null, r != null ? r.at() : null, r != null ? r.errors() : List.of(),
                    c != null && !c.loaded().complete() ? c.loaded().note() : null));
        }
        return views;
    }
}
