package dev.whatsapphub.mapping;

import dev.whatsapphub.folder.YamlFile;
import dev.whatsapphub.mapping.Mapping.ButtonParam;
import dev.whatsapphub.mapping.Mapping.CurrencyParam;
import dev.whatsapphub.mapping.Mapping.DateParam;
import dev.whatsapphub.mapping.Mapping.MediaParam;
import dev.whatsapphub.mapping.Mapping.Param;
import dev.whatsapphub.mapping.Mapping.TemplateSpec;
import dev.whatsapphub.mapping.Mapping.TextParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the mappings of one routes file. Works on SnakeYAML's node tree, not on plain maps, so
 * every error can say the line it is on. Every problem in the file is collected, not just the first.
 */
final class MappingFileReader {

    private static final Set<String> MAPPING_KEYS = Set.of("mapping", "on", "when", "sender", "to", "template",
            "category", "metadata", "if-template-unusable", "callback");
    private static final Set<String> TEMPLATE_KEYS = Set.of("name", "language", "default-language", "header", "body", "buttons");
    private static final Set<String> CATEGORIES = Set.of("UTILITY", "MARKETING", "AUTHENTICATION");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9_]{1,512}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");

    private final CamelContext camel;
    private final YamlFile yaml;
    private final String file;

    private MappingFileReader(CamelContext camel, YamlFile yaml) {
        this.camel = camel;
        this.yaml = yaml;
        this.file = yaml.file();
    }

    /** The mappings of a file; none when it has a problem (recorded in {@code yaml}). */
    static List<Mapping> read(CamelContext camel, YamlFile yaml) {
        int before = yaml.problemCount();
        List<Mapping> mappings = yaml.root() == null ? List.of() : new MappingFileReader(camel, yaml).readAll(yaml.root());
        return yaml.problemCount() == before ? mappings : List.of();
    }

    private List<Mapping> readAll(Node root) {
        if (!(root instanceof MappingNode map)) {
            error(line(root), "", "a mapping file is a YAML map with 'on', 'to' and 'template' (or 'mappings:' with a list of them)");
            return List.of();
        }
        Map<String, Node> top = entries(map, "");
        List<Mapping> mappings = new ArrayList<>();
        if (top.containsKey("mappings")) {
            if (!(top.get("mappings") instanceof SequenceNode list)) {
                error(line(top.get("mappings")), "mappings", "must be a list of mappings");
                return List.of();
            }
            for (int i = 0; i < list.getValue().size(); i++) {
                Node item = list.getValue().get(i);
                if (item instanceof MappingNode m) {
                    mappings.add(mapping(m, "mappings[" + i + "].", yaml.baseName() + "-" + (i + 1)));
                } else {
                    error(line(item), "mappings[" + i + "]", "must be a map");
                }
            }
        } else {
            mappings.add(mapping(map, "", yaml.baseName()));
        }
        List<String> ids = new ArrayList<>();
        for (Mapping m : mappings) {
            if (m != null && ids.contains(m.id())) {
                error(m.line(), "mapping", "the id '" + m.id() + "' is used twice in this file");
            }
            if (m != null) {
                ids.add(m.id());
            }
        }
        return mappings;
    }

    private Mapping mapping(MappingNode node, String at, String defaultId) {
        int before = yaml.problemCount();
        Map<String, Node> m = entries(node, at);
        unknownKeys(m, MAPPING_KEYS, at);
        String id = scalar(m, "mapping", at, false);
        if (id == null) {
            id = defaultId;
        } else if (!ID.matcher(id).matches()) {
            error(line(m.get("mapping")), at + "mapping", "an id is letters, digits, '.', '_' or '-', at most 64");
        }
        String type = scalar(m, "on", at, true);
        EventExpression when = m.containsKey("when") ? predicate(m.get("when"), at + "when") : null;
        String sender = scalar(m, "sender", at, false);
        EventExpression to = m.containsKey("to") ? expression(m.get("to"), at + "to") : null;
        if (!m.containsKey("to")) {
            error(line(node), at + "to", "is required: the recipient's phone number (an expression on the event)");
        }
        TemplateSpec template = null;
        if (m.get("template") instanceof MappingNode t) {
            template = template(t, at + "template", keyLine(t));
        } else {
            error(m.containsKey("template") ? line(m.get("template")) : line(node), at + "template",
                    "is required: a map with the template's name, language and parameters");
        }
        String category = scalar(m, "category", at, false);
        if (category != null && !CATEGORIES.contains(category)) {
            error(line(m.get("category")), at + "category", "must be one of " + CATEGORIES);
        }
        Map<String, EventExpression> metadata = new LinkedHashMap<>();
        if (m.get("metadata") instanceof MappingNode meta) {
            entries(meta, at + "metadata.").forEach((k, v) -> metadata.put(k, expression(v, at + "metadata." + k)));
        } else if (m.containsKey("metadata")) {
            error(line(m.get("metadata")), at + "metadata", "must be a map of names to expressions");
        }
        // where the messages' statuses and replies go, instead of the client's callback-url
        EventExpression callback = m.containsKey("callback") ? expression(m.get("callback"), at + "callback") : null;
        TemplateSpec fallback = null;
        String failReason = null;
        Node unusable = m.get("if-template-unusable");
        if (unusable instanceof MappingNode u) {
            Map<String, Node> choice = entries(u, at + "if-template-unusable.");
            unknownKeys(choice, Set.of("fallback", "fail"), at + "if-template-unusable.");
            if (choice.get("fallback") instanceof MappingNode f) {
                fallback = template(f, at + "if-template-unusable.fallback", keyLine(f));
            } else if (choice.containsKey("fallback")) {
                error(line(choice.get("fallback")), at + "if-template-unusable.fallback", "must be a template: name, language and parameters");
            }
            failReason = scalar(choice, "fail", at + "if-template-unusable.", false);
        } else if (unusable instanceof ScalarNode s && "fail".equals(s.getValue())) {
            failReason = null;
        } else if (unusable != null) {
            error(line(unusable), at + "if-template-unusable", "is 'fail', {fail: <reason>} or {fallback: <template>}");
        }
        if (yaml.problemCount() > before) {
            return null;
        }
        return new Mapping(id, file, line(node), type, when, sender, to, template, fallback, failReason, category, metadata, callback);
    }

    private TemplateSpec template(MappingNode node, String at, int line) {
        Map<String, Node> t = entries(node, at + ".");
        unknownKeys(t, TEMPLATE_KEYS, at + ".");
        String name = scalar(t, "name", at + ".", true);
        if (name != null && !TEMPLATE_NAME.matcher(name).matches()) {
            error(line(t.get("name")), at + ".name", "a template name is lowercase letters, digits and '_'");
        }
        EventExpression language = null;
        String languageText = scalar(t, "language", at + ".", false);
        String defaultLanguage = scalar(t, "default-language", at + ".", false);
        if (languageText != null && (languageText.contains("${") || defaultLanguage != null)) {
            // a fixed language with a default behaves like an expression: tried first, default when missing
            language = expression(t.get("language"), at + ".language");
        } else if (languageText != null) {
            defaultLanguage = languageText;
        }
        if (defaultLanguage == null) {
            defaultLanguage = "en_US";
        } else if (!LANGUAGE.matcher(defaultLanguage).matches()) {
            error(line(t.containsKey("default-language") ? t.get("default-language") : t.get("language")), at + ".default-language",
                    "a language code such as en_US or es");
        }
        List<Param> header = new ArrayList<>();
        Node h = t.get("header");
        if (h instanceof SequenceNode list) {
            header.addAll(params(list, at + ".header"));
        } else if (h instanceof MappingNode media) {
            Map<String, Node> entries = entries(media, at + ".header.");
            String kind = entries.keySet().stream().filter(k -> Set.of("image", "video", "document", "text").contains(k)).findFirst().orElse(null);
            if (kind == null) {
                error(line(h), at + ".header", "give the header as image, video, document (a link or media id) or text (a list)");
            } else if ("text".equals(kind)) {
                if (entries.get("text") instanceof SequenceNode list) {
                    header.addAll(params(list, at + ".header.text"));
                } else {
                    header.add(param(entries.get("text"), null, at + ".header.text"));
                }
            } else {
                EventExpression filename = entries.containsKey("filename") ? expression(entries.get("filename"), at + ".header.filename") : null;
                header.add(new MediaParam(kind, expression(entries.get(kind), at + ".header." + kind), filename));
            }
        } else if (h != null) {
            error(line(h), at + ".header", "a list of text parameters or a map such as {image: <expression>}");
        }
        List<Param> body = new ArrayList<>();
        Node b = t.get("body");
        if (b instanceof SequenceNode list) {
            body.addAll(params(list, at + ".body"));
        } else if (b instanceof MappingNode named) {
            entries(named, at + ".body.").forEach((k, v) -> body.add(param(v, k, at + ".body." + k)));
        } else if (b != null) {
            error(line(b), at + ".body", "a list of parameters (positional) or a map of name: parameter (named)");
        }
        List<ButtonParam> buttons = new ArrayList<>();
        Node bs = t.get("buttons");
        if (bs instanceof SequenceNode list) {
            for (int i = 0; i < list.getValue().size(); i++) {
                buttons.add(button(list.getValue().get(i), at + ".buttons[" + i + "]"));
            }
        } else if (bs != null) {
            error(line(bs), at + ".buttons", "a list such as [{index: 0, url: <suffix expression>}]");
        }
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (String section : List.of("header", "body", "buttons")) {
            if (t.containsKey(section)) {
                lines.put(section, keyLine(t.get(section)));
            }
        }
        return new TemplateSpec(at, line, name, language, defaultLanguage, header, body, buttons, lines);
    }

    private List<Param> params(SequenceNode list, String at) {
        List<Param> params = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            params.add(param(list.getValue().get(i), null, at + "[" + i + "]"));
        }
        return params;
    }

    private Param param(Node node, String name, String at) {
        if (node instanceof ScalarNode) {
            return new TextParam(name, expression(node, at));
        }
        if (node instanceof MappingNode map) {
            Map<String, Node> p = entries(map, at + ".");
            if (p.containsKey("currency")) {
                unknownKeys(p, Set.of("currency", "code"), at + ".");
                if (!p.containsKey("code")) {
                    error(line(node), at + ".code", "a currency parameter needs its ISO 4217 code (EUR, USD, ...)");
                    return null;
                }
                return new CurrencyParam(name, expression(p.get("currency"), at + ".currency"), expression(p.get("code"), at + ".code"));
            }
            if (p.containsKey("date")) {
                unknownKeys(p, Set.of("date", "format"), at + ".");
                String pattern = scalar(p, "format", at + ".", false);
                if (pattern != null) {
                    try {
                        java.time.format.DateTimeFormatter.ofPattern(pattern);
                    } catch (IllegalArgumentException e) {
                        error(line(p.get("format")), at + ".format", "not a date pattern: " + e.getMessage());
                    }
                }
                return new DateParam(name, expression(p.get("date"), at + ".date"), pattern);
            }
            if (p.containsKey("text")) {
                unknownKeys(p, Set.of("text"), at + ".");
                return new TextParam(name, expression(p.get("text"), at + ".text"));
            }
        }
        error(line(node), at, "a parameter is an expression, {currency: <amount>, code: <code>}, {date: <value>, format: <pattern>} or {text: <expression>}");
        return null;
    }

    private ButtonParam button(Node node, String at) {
        if (!(node instanceof MappingNode map)) {
            error(line(node), at, "a button is a map such as {index: 0, url: <suffix expression>}");
            return null;
        }
        Map<String, Node> b = entries(map, at + ".");
        unknownKeys(b, Set.of("index", "url", "payload", "coupon-code"), at + ".");
        String index = scalar(b, "index", at + ".", true);
        int i = -1;
        try {
            i = index == null ? -1 : Integer.parseInt(index);
        } catch (NumberFormatException e) {
            error(line(b.get("index")), at + ".index", "the button's position in the template, from 0");
        }
        for (String kind : List.of("url", "payload", "coupon-code")) {
            if (b.containsKey(kind)) {
                String subType = switch (kind) {
                    case "payload" -> "quick_reply";
                    case "coupon-code" -> "copy_code";
                    default -> "url";
                };
                return new ButtonParam(i, subType, expression(b.get(kind), at + "." + kind));
            }
        }
        error(line(node), at, "give the button's value: url (the URL's suffix), payload (quick reply) or coupon-code");
        return null;
    }

    private EventExpression expression(Node node, String field) {
        return compile(node, field, false);
    }

    private EventExpression predicate(Node node, String field) {
        return compile(node, field, true);
    }

    private EventExpression compile(Node node, String field, boolean condition) {
        if (!(node instanceof ScalarNode s)) {
            error(line(node), field, condition ? "must be a condition such as ${body[total]} > 100"
                    : "must be a text or an expression such as ${body[orderId]}");
            return null;
        }
        try {
            return condition ? EventExpression.predicate(camel, s.getValue(), field, line(node))
                    : EventExpression.of(camel, s.getValue(), field, line(node));
        } catch (IllegalArgumentException e) {
            error(line(node), field, e.getMessage());
            return null;
        }
    }

    private String scalar(Map<String, Node> m, String key, String at, boolean required) {
        return yaml.scalar(m, key, at, required);
    }

    private Map<String, Node> entries(MappingNode node, String at) {
        return yaml.entries(node, at);
    }

    private void unknownKeys(Map<String, Node> m, Set<String> known, String at) {
        yaml.unknownKeys(m, known, at);
    }

    private int keyLine(Node value) {
        return yaml.keyLine(value);
    }

    private static int line(Node node) {
        return YamlFile.line(node);
    }

    private void error(int line, String field, String rule) {
        yaml.problem(line, field, rule);
    }
}
