package dev.whatsapphub.folder;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;

/**
 * The published grammar of an operator file ({@code schema/<name>.schema.json} in the jar and the
 * repository, for editors and CI), checked with networknt's validator before a loader reads the
 * file; each violation is a problem with the line of the key it is about.
 */
public final class FileSchema {

    public static final FileSchema MAPPING = new FileSchema("mapping-file");
    public static final FileSchema CONNECTOR = new FileSchema("connector-file");

    private final String name;
    private final Schema schema;

    private FileSchema(String name) {
        this.name = name;
        try (InputStream in = new ClassPathResource("schema/" + name + ".schema.json").getInputStream()) {
            this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException("schema/" + name + ".schema.json is missing from the jar", e);
        }
    }

    /** The violations of a parsed file, in the file's order; none for a file that is not YAML (its parse problem says why). */
    public List<FileProblem> check(YamlFile yaml) {
        if (yaml.root() == null) {
            return List.of();
        }
        Map<String, Integer> lines = new HashMap<>();
        List<FileProblem> problems = new ArrayList<>();
        for (Error e : schema.validate(yaml.json(lines))) {
            String pointer = pointer(e.getInstanceLocation());
            if (e.getProperty() != null && List.of("required", "additionalProperties").contains(e.getKeyword())) {
                // about a key of this object: the key's own line when the file has it
                pointer = lines.containsKey(pointer + "/" + e.getProperty()) || "required".equals(e.getKeyword())
                        ? pointer + "/" + e.getProperty() : pointer;
            }
            String at = pointer;
            while (!lines.containsKey(at) && at.contains("/")) {
                at = at.substring(0, at.lastIndexOf('/'));
            }
            String field = pointer.replaceFirst("^/", "").replace('/', '.');
            String rule = e.getMessage().replaceFirst("^\\$[^:]*: ", "");
            problems.add(new FileProblem(yaml.file(), lines.getOrDefault(at, 0), field, rule + " (" + name + " schema)"));
        }
        problems.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return problems;
    }

    /**
     * The schema's problems, then the reader's that the schema has not already reported (the
     * reader also checks keys and shapes, to stay safe on any tree: the same key named twice
     * would say one thing two ways).
     */
    public static List<FileProblem> merged(List<FileProblem> schema, List<FileProblem> reader) {
        List<FileProblem> all = new ArrayList<>(schema);
        reader.stream().filter(r -> schema.stream().noneMatch(s -> s.line() == r.line() && s.field().equals(r.field()))).forEach(all::add);
        return all;
    }

    private static String pointer(NodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            pointer.append('/').append(path.getElement(i));
        }
        return pointer.toString();
    }
}
