package dev.whatsapphub.folder;

import java.util.List;

/**
 * Loads one kind of file of an operator folder (mapping files, Camel route files, connector
 * files). The folder decides when: a new or changed file, a file gone; the loader only reads,
 * starts and stops what a file defines.
 */
public interface FileLoader {

    /** Which folder the loader's files live in. */
    enum Folder { ROUTES, CONNECTORS }

    Folder folder();

    /** What the view calls a file of this loader: mappings, camel-routes, connector. */
    String kind();

    /** Whether this loader reads the file (by its parsed YAML; its root may be null when it does not parse). */
    boolean reads(YamlFile yaml);

    /** False while files of this kind cannot be loaded yet (Camel not started): they are tried on the next scan. */
    default boolean ready() {
        return true;
    }

    /**
     * Loads a version of {@code file}. {@code previous} is this loader's loaded version of the file,
     * or null; on success the new version replaces it, on failure (problems added, null returned)
     * the previous version keeps running.
     */
    Loaded load(YamlFile yaml, String text, Loaded previous, List<FileProblem> problems);

    /** Stops what a loaded version defines: its file was removed or now holds another kind. */
    void unload(String file, Loaded loaded);

    /** Whether a loaded version must be loaded again though the file did not change (what it was checked against changed). */
    default boolean stale(Loaded loaded) {
        return false;
    }

    /**
     * What a loaded file defines, as the view shows it; {@code complete} false when not every check
     * could run yet ({@code note} says why); {@code state} for a loader's own use.
     */
    record Loaded(List<String> mappings, List<String> routes, boolean complete, String note, Object state) {

        public static Loaded of(List<String> mappings, List<String> routes, Object state) {
            return new Loaded(mappings, routes, true, null, state);
        }
    }
}
