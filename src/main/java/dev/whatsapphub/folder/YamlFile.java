package dev.whatsapphub.folder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One operator file read as SnakeYAML's node tree rather than plain maps, so every problem can
 * name its line; readers collect every problem of the file here, not just the first.
 */
public final class YamlFile {

    private final String file;
    private final Node root;
    private final List<FileProblem> problems = new ArrayList<>();
    private final Map<Node, Integer> keyLines = new IdentityHashMap<>();

    private YamlFile(String file, Node root) {
        this.file = file;
        this.root = root;
    }

    /** Parses the text; a file that is not YAML has a null root and its problem recorded. */
    public static YamlFile read(String file, String text) {
        try {
            return new YamlFile(file, new Yaml(new LoaderOptions()).compose(new StringReader(text)));
        } catch (MarkedYAMLException e) {
            YamlFile broken = new YamlFile(file, null);
            broken.problem(e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1, "", "not valid YAML: " + e.getProblem());
            return broken;
        } catch (RuntimeException e) {
            YamlFile broken = new YamlFile(file, null);
            broken.problem(0, "", "not valid YAML: " + e.getMessage());
            return broken;
        }
    }

    /**
     * The file as a JSON tree (for its schema), each node's line kept under its JSON pointer
     * ({@code /event/data/customer}); YAML's integers, floats and booleans stay typed.
     */
    public JsonNode json(Map<String, Integer> lines) {
        return json(root, "", lines);
    }

    private static JsonNode json(Node node, String pointer, Map<String, Integer> lines) {
        lines.put(pointer, line(node));
        if (node instanceof MappingNode map) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (NodeTuple tuple : map.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(line(tuple.getKeyNode()));
                lines.put(pointer + "/" + key, line(tuple.getKeyNode()));
                object.set(key, json(tuple.getValueNode(), pointer + "/" + key, lines));
                lines.put(pointer + "/" + key, line(tuple.getKeyNode()));
            }
            return object;
        }
        if (node instanceof SequenceNode list) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < list.getValue().size(); i++) {
                array.add(json(list.getValue().get(i), pointer + "/" + i, lines));
            }
            return array;
        }
        if (node instanceof ScalarNode scalar) {
            String tag = scalar.getTag().getValue();
            try {
                if (tag.endsWith(":int")) {
                    return JsonNodeFactory.instance.numberNode(new java.math.BigInteger(scalar.getValue().replace("_", "")));
                }
                if (tag.endsWith(":float")) {
                    return JsonNodeFactory.instance.numberNode(new java.math.BigDecimal(scalar.getValue().replace("_", "")));
                }
            } catch (NumberFormatException notPlain) {
                return JsonNodeFactory.instance.textNode(scalar.getValue());
            }
            if (tag.endsWith(":bool")) {
                return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(scalar.getValue().toLowerCase()));
            }
            if (tag.endsWith(":null")) {
                return JsonNodeFactory.instance.nullNode();
            }
            return JsonNodeFactory.instance.textNode(scalar.getValue());
        }
        return JsonNodeFactory.instance.nullNode();
    }

    public String file() {
        return file;
    }

    /** The name of the file without its folder and .yaml/.yml: the default id of what it defines. */
    public String baseName() {
        return file.replaceAll("^.*/", "").replaceAll("\\.ya?ml$", "");
    }

    public Node root() {
        return root;
    }

    /** The entries of a map, each value remembering the line of its key; a key given twice is a problem. */
    public Map<String, Node> entries(MappingNode node, String at) {
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                keyLines.put(tuple.getValueNode(), line(key));
                if (entries.put(key.getValue(), tuple.getValueNode()) != null) {
                    problem(line(key), at + key.getValue(), "appears twice");
                }
            } else {
                problem(line(tuple.getKeyNode()), at, "keys must be plain names");
            }
        }
        return entries;
    }

    public void unknownKeys(Map<String, Node> m, Set<String> known, String at) {
        m.forEach((key, node) -> {
            if (!known.contains(key)) {
                problem(line(node), at + key, "is not a setting here (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        });
    }

    /** A single value, trimmed; null when absent (a problem if required) or not a single value (a problem). */
    public String scalar(Map<String, Node> m, String key, String at, boolean required) {
        Node node = m.get(key);
        if (node == null) {
            if (required) {
                problem(0, at + key, "is required");
            }
            return null;
        }
        if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
            problem(line(node), at + key, "must be a single value");
            return null;
        }
        return s.getValue().trim();
    }

    /** The line of the key a value belongs to ("template:"), not of the value's first line. */
    public int keyLine(Node value) {
        return keyLines.getOrDefault(value, line(value));
    }

    public static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    public void problem(int line, String field, String rule) {
        problems.add(new FileProblem(file, line, field, rule));
    }

    public List<FileProblem> problems() {
        return List.copyOf(problems);
    }

    public int problemCount() {
        return problems.size();
    }
}
