package dev.whatsapphub.connectors;

import dev.whatsapphub.connectors.ConnectorFile.Auth;
import dev.whatsapphub.connectors.ConnectorFile.Back;
import dev.whatsapphub.connectors.ConnectorFile.EventSpec;
import dev.whatsapphub.connectors.ConnectorFile.Intake;
import dev.whatsapphub.connectors.ConnectorFile.Reply;
import dev.whatsapphub.folder.YamlFile;
import dev.whatsapphub.mapping.EventExpression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads one connector file, every problem with its line; references are resolved here, so a missing secret is a problem too. */
final class ConnectorFileReader {

    static final Set<String> KINDS = Set.of("http", "jms", "salesforce", "zendesk");
    /** The top-level settings each kind takes, besides kind and description (which every kind takes). */
    private static final Map<String, List<String>> KINDS_OF = kindsOf();
    private static final Set<String> TOP = top();
    /** How each kind is set up, for a setting of another kind found in its file. */
    private static final Map<String, String> HOW = Map.of(
            "http", "an http connector is posted to, authenticated by auth:, and reads the payload with event:",
            "jms", "a JMS connector reads queue: in format: and is authenticated by the broker",
            "salesforce", "it logs in with salesforce:, reads subscribe: and writes back with writes:",
            "zendesk", "it connects with zendesk:, opens tickets as tickets: says and sends agents' replies as replies: says");
    private static final Set<String> FORMATS = Set.of("json", "xml", "fixed-width");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern HTTP_URL = Pattern.compile("(?i)https?://[^\\s/]+(/\\S*)?");
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final CamelContext camel;
    private final YamlFile yaml;
    private final References references;
    private final Path folder;

    private ConnectorFileReader(CamelContext camel, YamlFile yaml, References references, Path folder) {
        this.camel = camel;
        this.yaml = yaml;
        this.references = references;
        this.folder = folder;
    }

    /** The connector, or null with the problems recorded in {@code yaml}. */
    static ConnectorFile read(CamelContext camel, YamlFile yaml, References references, Path folder) {
        if (yaml.root() == null) {
            return null;
        }
        int before = yaml.problemCount();
        ConnectorFile file = new ConnectorFileReader(camel, yaml, references, folder).connector();
        return yaml.problemCount() == before ? file : null;
    }

    private ConnectorFile connector() {
        String id = yaml.baseName();
        if (!ID.matcher(id).matches()) {
            yaml.problem(0, "", "the file name is the connector's id: lowercase letters, digits and '-' (at most 63), then .yaml");
        }
        if (!(yaml.root() instanceof MappingNode root)) {
            yaml.problem(YamlFile.line(yaml.root()), "", "a connector file is a YAML map with kind, its endpoint, event and callbacks");
            return null;
        }
        Map<String, Node> top = yaml.entries(root, "");
        yaml.unknownKeys(top, TOP, "");
        String kind = yaml.scalar(top, "kind", "", true);
        if (kind != null && !KINDS.contains(kind)) {
            yaml.problem(YamlFile.line(top.get("kind")), "kind", "must be one of " + KINDS.stream().sorted().toList());
        } else if (kind != null) {
            // in file order, so the problems read as the file does
            top.keySet().stream().filter(KINDS_OF::containsKey).filter(key -> !KINDS_OF.get(key).contains(kind)).forEach(key -> yaml.problem(
                    YamlFile.line(top.get(key)), key, "is a setting of kind " + String.join(" or ", KINDS_OF.get(key)) + ", not " + kind
                            + ": " + HOW.get(kind)));
        }
        String description = yaml.scalar(top, "description", "", false);
        Auth auth = null;
        Intake intake = null;
        if ("http".equals(kind)) {
            auth = auth(top);
        } else if ("jms".equals(kind)) {
            intake = intake(top, id);
        }
        ConnectorFile.Salesforce salesforce = null;
        ConnectorFile.Writes writes = null;
        if ("salesforce".equals(kind)) {
            salesforce = salesforce(top, root);
            writes = top.get("writes") instanceof MappingNode w ? writes(w) : null;
        }
        if ("zendesk".equals(kind)) {
            return new ConnectorFile(id, kind, description, null, null, null, null, null, null, null, zendesk(top, root));
        }
        EventSpec event = top.get("event") instanceof MappingNode e ? event(e) : null;
        if (event == null && !top.containsKey("event")) {
            yaml.problem(YamlFile.line(root), "event", "is required: how a payload becomes a CloudEvent (type, id, data)");
        } else if (event == null && !(top.get("event") instanceof MappingNode)) {
            yaml.problem(YamlFile.line(top.get("event")), "event", "must be a map with type, id and data");
        }
        Reply reply = top.get("reply") instanceof MappingNode r ? reply(r) : null;
        Back back = top.get("callbacks") instanceof MappingNode b ? back(b) : null;
        return new ConnectorFile(id, kind, description, auth, intake, event, reply, back, salesforce, writes, null);
    }

    private static Map<String, List<String>> kindsOf() {
        Map<String, List<String>> kinds = new LinkedHashMap<>();
        kinds.put("auth", List.of("http"));
        List.of("queue", "format", "layout", "stream", "consumers", "reply").forEach(key -> kinds.put(key, List.of("jms")));
        kinds.put("callbacks", List.of("http", "jms"));
        kinds.put("event", List.of("http", "jms", "salesforce"));
        List.of("salesforce", "subscribe", "writes").forEach(key -> kinds.put(key, List.of("salesforce")));
        List.of("zendesk", "tickets", "replies").forEach(key -> kinds.put(key, List.of("zendesk")));
        return kinds;
    }

    private static Set<String> top() {
        Set<String> top = new HashSet<>(Set.of("kind", "description"));
        top.addAll(KINDS_OF.keySet());
        return Set.copyOf(top);
    }

    /** The kind's own section ({@code salesforce:}, {@code zendesk:}), a map; null, with the problem, if absent or not a map. */
    private MappingNode section(Map<String, Node> top, MappingNode root, String name, String required) {
        if (top.get(name) instanceof MappingNode node) {
            return node;
        }
        yaml.problem(YamlFile.line(top.containsKey(name) ? top.get(name) : root), name, required);
        return null;
    }

    private ConnectorFile.Zendesk zendesk(Map<String, Node> top, MappingNode root) {
        MappingNode node = section(top, root, "zendesk", "is required for kind zendesk: url, email, token, webhook-secret");
        if (node == null) {
            return null;
        }
        String at = "zendesk.";
        Map<String, Node> z = yaml.entries(node, at);
        yaml.unknownKeys(z, Set.of("url", "email", "token", "webhook-secret"), at);
        String url = resolved(z, "url", at, true);
        if (url != null && !HTTP_URL.matcher(url).matches()) {
            yaml.problem(YamlFile.line(z.get("url")), "zendesk.url", "must be an http or https URL, such as https://example.zendesk.com");
        }
        String email = resolved(z, "email", at, true);
        String token = secret(z, "token", at);
        String webhookSecret = secret(z, "webhook-secret", at);

        Map<String, Node> t = top.get("tickets") instanceof MappingNode tn ? yaml.entries(tn, "tickets.") : Map.of();
        yaml.unknownKeys(t, Set.of("from", "subject", "tags", "media"), "tickets.");
        String from = t.containsKey("from") ? yaml.scalar(t, "from", "tickets.", true) : "hub.inbound.unassigned";
        if (from != null && !QUEUE.matcher(from).matches()) {
            yaml.problem(YamlFile.line(t.get("from")), "tickets.from", "a queue name: letters, digits, '.', '_' and '-'");
        }
        EventExpression subject = t.containsKey("subject") ? compile(t.get("subject"), "tickets.subject", false) : null;
        List<String> tags = new ArrayList<>();
        if (t.get("tags") instanceof SequenceNode list) {
            list.getValue().forEach(n -> {
                if (n instanceof ScalarNode s && s.getValue().matches("[a-z0-9_:/-]{1,80}")) {
                    tags.add(s.getValue());
                } else {
                    yaml.problem(YamlFile.line(n), "tickets.tags", "each tag is lowercase letters, digits, '_', ':', '/' or '-'");
                }
            });
        } else if (t.containsKey("tags")) {
            yaml.problem(YamlFile.line(t.get("tags")), "tickets.tags", "must be a list, such as [whatsapp]");
        }
        String media = choice(t, "media", "tickets.", "link", List.of("link", "upload"),
                "a link to the file in the hub's media store, or the file attached to the comment");

        Map<String, Node> r = top.get("replies") instanceof MappingNode rn ? yaml.entries(rn, "replies.") : Map.of();
        yaml.unknownKeys(r, Set.of("sender", "fallback-template"), "replies.");
        String sender = r.containsKey("sender") ? yaml.scalar(r, "sender", "replies.", true) : null;
        String fallbackName = null;
        String fallbackLanguage = null;
        Map<String, Object> fallbackParameters = Map.of();
        if (r.get("fallback-template") instanceof MappingNode fn) {
            Map<String, Node> f = yaml.entries(fn, "replies.fallback-template.");
            yaml.unknownKeys(f, Set.of("name", "language", "parameters"), "replies.fallback-template.");
            fallbackName = yaml.scalar(f, "name", "replies.fallback-template.", true);
            fallbackLanguage = yaml.scalar(f, "language", "replies.fallback-template.", true);
            if (f.get("parameters") instanceof MappingNode pn) {
                fallbackParameters = tree(pn, "replies.fallback-template.parameters");
            } else if (f.containsKey("parameters")) {
                yaml.problem(YamlFile.line(f.get("parameters")), "replies.fallback-template.parameters",
                        "a map of the template's named parameters, each an expression on the ticket and contact");
            }
        } else {
            yaml.problem(YamlFile.line(top.containsKey("replies") ? top.get("replies") : root), "replies.fallback-template",
                    "is required: the approved template an agent's reply goes as when the customer's 24-hour window is closed");
        }
        return new ConnectorFile.Zendesk(url, email, token, webhookSecret, from, subject, List.copyOf(tags), media, sender, fallbackName,
                fallbackLanguage, fallbackParameters);
    }

    private Auth auth(Map<String, Node> top) {
        if (!(top.get("auth") instanceof MappingNode node)) {
            yaml.problem(YamlFile.line(top.get("auth")), "auth", "is required for kind http: a signature {header, prefix, secret} and/or an api-key");
            return null;
        }
        Map<String, Node> a = yaml.entries(node, "auth.");
        yaml.unknownKeys(a, Set.of("signature", "api-key"), "auth.");
        String header = null;
        String prefix = "";
        String secret = null;
        if (a.get("signature") instanceof MappingNode s) {
            Map<String, Node> sig = yaml.entries(s, "auth.signature.");
            yaml.unknownKeys(sig, Set.of("header", "prefix", "secret"), "auth.signature.");
            header = yaml.scalar(sig, "header", "auth.signature.", true);
            prefix = sig.get("prefix") instanceof ScalarNode p ? p.getValue() : "";
            secret = secret(sig, "secret", "auth.signature.");
        } else if (a.containsKey("signature")) {
            yaml.problem(YamlFile.line(a.get("signature")), "auth.signature", "must be a map: header, prefix, secret");
        }
        String apiKey = a.containsKey("api-key") ? secret(a, "api-key", "auth.") : null;
        if (header == null && apiKey == null) {
            yaml.problem(YamlFile.line(node), "auth", "give a signature or an api-key: the hub takes no unauthenticated payloads");
        }
        return new Auth(header, prefix, secret, apiKey);
    }

    private ConnectorFile.Salesforce salesforce(Map<String, Node> top, MappingNode root) {
        MappingNode node = section(top, root, "salesforce",
                "is required for kind salesforce: login-url, client-id, client-secret (or flow: jwt), pubsub-host");
        if (node == null) {
            return null;
        }
        String at = "salesforce.";
        Map<String, Node> sf = yaml.entries(node, at);
        yaml.unknownKeys(sf, Set.of("login-url", "flow", "client-id", "client-secret", "username", "keystore", "keystore-password",
                "api-version", "pubsub-host", "pubsub-port", "pubsub-tls"), at);
        String loginUrl = resolved(sf, "login-url", at, true);
        if (loginUrl != null && !HTTP_URL.matcher(loginUrl).matches()) {
            yaml.problem(YamlFile.line(sf.get("login-url")), "salesforce.login-url", "must be an http or https URL, such as https://login.salesforce.com");
        }
        String flow = yaml.scalar(sf, "flow", at, false);
        if (flow == null) {
            flow = "client-credentials";
        } else if (!Set.of("client-credentials", "jwt").contains(flow)) {
            yaml.problem(YamlFile.line(sf.get("flow")), "salesforce.flow",
                    "client-credentials or jwt (the username-password flow is not offered: Salesforce is retiring it)");
        }
        String clientId = resolved(sf, "client-id", at, true);
        String clientSecret = null;
        String username = null;
        String keystore = null;
        String keystorePassword = null;
        if ("jwt".equals(flow)) {
            username = resolved(sf, "username", at, true);
            keystore = resolved(sf, "keystore", at, true);
            // relative to the connectors folder, like a layout file; handed on as an absolute path
            keystore = keystore == null ? null : folder.resolve(keystore).toAbsolutePath().toString();
            if (keystore != null && !Files.isRegularFile(Path.of(keystore))) {
                yaml.problem(YamlFile.line(sf.get("keystore")), "salesforce.keystore", "no keystore " + folder.resolve(keystore)
                        + " (a PKCS12 file with the connected app's certificate key, next to the connector file)");
            }
            keystorePassword = secret(sf, "keystore-password", at);
        } else {
            clientSecret = secret(sf, "client-secret", at);
        }
        String apiVersion = yaml.scalar(sf, "api-version", at, false);
        if (apiVersion == null) {
            apiVersion = "62.0";
        } else if (!apiVersion.matches("\\d{2}\\.0")) {
            yaml.problem(YamlFile.line(sf.get("api-version")), "salesforce.api-version", "a REST API version such as \"62.0\"");
        }
        String host = resolved(sf, "pubsub-host", at, true);
        int port = number(sf, "pubsub-port", at, 7443, 1, 65535);
        String tls = resolved(sf, "pubsub-tls", at, false);
        if (tls != null && !Set.of("true", "false").contains(tls)) {
            yaml.problem(YamlFile.line(sf.get("pubsub-tls")), "salesforce.pubsub-tls", "true (Salesforce) or false (a local stand-in)");
        }
        String topic = null;
        int batch = 100;
        String start = "latest";
        String onInvalid = "earliest";
        if (top.get("subscribe") instanceof MappingNode s) {
            Map<String, Node> sub = yaml.entries(s, "subscribe.");
            yaml.unknownKeys(sub, Set.of("topic", "batch", "start", "on-invalid-replay-id"), "subscribe.");
            topic = yaml.scalar(sub, "topic", "subscribe.", true);
            if (topic != null && !topic.matches("/(event|data)/[A-Za-z0-9_]+")) {
                yaml.problem(YamlFile.line(sub.get("topic")), "subscribe.topic",
                        "a Pub/Sub channel: /event/<Platform Event>__e or /data/<Change Data Capture channel>");
            }
            batch = number(sub, "batch", "subscribe.", 100, 1, 100);
            start = choice(sub, "start", "subscribe.", "latest", "where a topic with no stored replay id begins");
            onInvalid = choice(sub, "on-invalid-replay-id", "subscribe.", "earliest", "where to resume when Salesforce no longer knows the stored replay id");
        } else {
            yaml.problem(YamlFile.line(top.containsKey("subscribe") ? top.get("subscribe") : root), "subscribe",
                    "is required for kind salesforce: the topic, such as /event/Order_Shipped__e");
        }
        return new ConnectorFile.Salesforce(loginUrl, flow, clientId, clientSecret, username, keystore, keystorePassword, apiVersion, host,
                port, !"false".equals(tls), topic, batch, start, onInvalid);
    }

    private String choice(Map<String, Node> m, String key, String at, String otherwise, String what) {
        return choice(m, key, at, otherwise, List.of("latest", "earliest"), what);
    }

    private String choice(Map<String, Node> m, String key, String at, String otherwise, List<String> allowed, String what) {
        String value = yaml.scalar(m, key, at, false);
        if (value == null) {
            return otherwise;
        }
        if (!allowed.contains(value)) {
            yaml.problem(YamlFile.line(m.get(key)), at + key, String.join(" or ", allowed) + ": " + what);
        }
        return value;
    }

    private int number(Map<String, Node> m, String key, String at, int otherwise, int min, int max) {
        String value = resolved(m, key, at, false);
        if (value == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            yaml.problem(YamlFile.line(m.get(key)), at + key, "a number from " + min + " to " + max);
            return otherwise;
        }
    }

    private ConnectorFile.Writes writes(MappingNode node) {
        Map<String, Node> w = yaml.entries(node, "writes.");
        yaml.unknownKeys(w, Set.of("status", "reply", "opt-out", "opt-in"), "writes.");
        return new ConnectorFile.Writes(write(w, "status"), write(w, "reply"), write(w, "opt-out"), write(w, "opt-in"));
    }

    private ConnectorFile.Write write(Map<String, Node> writes, String name) {
        if (!writes.containsKey(name)) {
            return null;
        }
        String at = "writes." + name + ".";
        if (!(writes.get(name) instanceof MappingNode node)) {
            yaml.problem(YamlFile.line(writes.get(name)), "writes." + name, "must be a map: object, upsert-on/create-unless/record, key, fields");
            return null;
        }
        Map<String, Node> w = yaml.entries(node, at);
        yaml.unknownKeys(w, Set.of("object", "upsert-on", "create-unless", "record", "key", "fields"), at);
        String object = yaml.scalar(w, "object", at, true);
        String upsertOn = yaml.scalar(w, "upsert-on", at, false);
        String createUnless = yaml.scalar(w, "create-unless", at, false);
        EventExpression record = w.containsKey("record") ? compile(w.get("record"), at + "record", false) : null;
        int ways = (upsertOn == null ? 0 : 1) + (createUnless == null ? 0 : 1) + (w.containsKey("record") ? 1 : 0);
        if (ways != 1) {
            yaml.problem(YamlFile.line(node), "writes." + name,
                    "give one of upsert-on (an external id field), create-unless (a field queried first) or record (the id to update)");
        }
        EventExpression key = w.containsKey("key") ? compile(w.get("key"), at + "key", false) : null;
        if (key == null && !w.containsKey("key") && ways == 1 && !w.containsKey("record")) {
            yaml.problem(YamlFile.line(node), at + "key", "is required with upsert-on and create-unless: the value that identifies the record");
        }
        Map<String, Object> fields = w.get("fields") instanceof MappingNode f ? tree(f, at + "fields") : null;
        if (fields == null) {
            yaml.problem(YamlFile.line(node), at + "fields", "is required: the record's fields, each an expression on the hub's callback");
        }
        return new ConnectorFile.Write(object, upsertOn, createUnless, record, key, fields);
    }

    private Intake intake(Map<String, Node> top, String id) {
        String queue = resolved(top, "queue", "", true);
        if (queue != null && !QUEUE.matcher(queue).matches()) {
            yaml.problem(YamlFile.line(top.get("queue")), "queue", "a queue name is letters, digits, '.', '_' and '-'");
        }
        String format = yaml.scalar(top, "format", "", true);
        if (format != null && !FORMATS.contains(format)) {
            yaml.problem(YamlFile.line(top.get("format")), "format", "must be one of " + FORMATS.stream().sorted().toList());
        }
        String layout = yaml.scalar(top, "layout", "", "fixed-width".equals(format));
        String stream = yaml.scalar(top, "stream", "", "fixed-width".equals(format));
        if (layout != null && !Files.isRegularFile(folder.resolve(layout))) {
            yaml.problem(YamlFile.line(top.get("layout")), "layout", "no BeanIO mapping file " + folder.resolve(layout)
                    + " (it lies next to the connector file)");
        }
        int consumers = 1;
        String n = yaml.scalar(top, "consumers", "", false);
        if (n != null) {
            try {
                consumers = Integer.parseInt(n);
                if (consumers < 1 || consumers > 32) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                yaml.problem(YamlFile.line(top.get("consumers")), "consumers", "a number from 1 to 32");
            }
        }
        return new Intake(queue, format, layout, stream, consumers, "hub.connectors." + id + ".dlq");
    }

    private EventSpec event(MappingNode node) {
        Map<String, Node> e = yaml.entries(node, "event.");
        yaml.unknownKeys(e, Set.of("when", "otherwise", "type", "id", "subject", "time", "data", "optional", "keep"), "event.");
        EventExpression when = e.containsKey("when") ? compile(e.get("when"), "event.when", true) : null;
        EventExpression otherwise = e.containsKey("otherwise") ? compile(e.get("otherwise"), "event.otherwise", false) : null;
        EventExpression type = required(e, "type", "event.", "the CloudEvent type the mappings take, such as com.example.order.shipped");
        EventExpression id = required(e, "id", "event.", "the event's id: what makes a repeat of the same payload the same event");
        EventExpression subject = e.containsKey("subject") ? compile(e.get("subject"), "event.subject", false) : null;
        EventExpression time = e.containsKey("time") ? compile(e.get("time"), "event.time", false) : null;
        Map<String, Object> data = e.get("data") instanceof MappingNode d ? tree(d, "event.data") : null;
        if (data == null) {
            yaml.problem(e.containsKey("data") ? YamlFile.line(e.get("data")) : YamlFile.line(node), "event.data",
                    "is required: a map of the event's data, each value an expression on the payload");
        }
        List<String> optional = new ArrayList<>();
        if (e.get("optional") instanceof SequenceNode list) {
            list.getValue().forEach(item -> optional.add(item instanceof ScalarNode s ? s.getValue() : ""));
        } else if (e.containsKey("optional")) {
            yaml.problem(YamlFile.line(e.get("optional")), "event.optional", "a list of data paths that may be missing, such as [trackingUrl]");
        }
        Map<String, EventExpression> keep = new LinkedHashMap<>();
        if (e.get("keep") instanceof MappingNode k) {
            yaml.entries(k, "event.keep.").forEach((name, v) -> keep.put(name, compile(v, "event.keep." + name, false)));
        }
        return new EventSpec(when, otherwise, type, id, subject, time, data, optional, keep);
    }

    private Reply reply(MappingNode node) {
        Map<String, Node> r = yaml.entries(node, "reply.");
        yaml.unknownKeys(r, Set.of("root", "correlation", "body"), "reply.");
        String root = yaml.scalar(r, "root", "reply.", true);
        String correlation = yaml.scalar(r, "correlation", "reply.", false);
        if (correlation == null) {
            correlation = "correlation-id";
        } else if (!Set.of("correlation-id", "message-id").contains(correlation)) {
            yaml.problem(YamlFile.line(r.get("correlation")), "reply.correlation", "correlation-id (the request's JMSCorrelationID, else its message id) or message-id");
        }
        Map<String, Object> body = r.get("body") instanceof MappingNode b ? tree(b, "reply.body") : null;
        if (body == null) {
            yaml.problem(YamlFile.line(node), "reply.body", "is required: the acknowledgement's elements as expressions");
        }
        return new Reply(root, correlation, body);
    }

    private Back back(MappingNode node) {
        Map<String, Node> b = yaml.entries(node, "callbacks.");
        yaml.unknownKeys(b, Set.of("url", "secret", "queue", "format", "root", "correlation", "body"), "callbacks.");
        String url = resolved(b, "url", "callbacks.", false);
        String queue = resolved(b, "queue", "callbacks.", false);
        if ((url == null) == (queue == null)) {
            yaml.problem(YamlFile.line(node), "callbacks", "give either url (signed HTTP callbacks) or queue (JMS)");
        }
        if (url != null && !url.matches("(?i)https?://\\S+")) {
            yaml.problem(YamlFile.line(b.get("url")), "callbacks.url", "must be an http or https URL");
        }
        String secret = b.containsKey("secret") ? secret(b, "secret", "callbacks.") : null; // a bad one is a problem already
        if (url != null && !b.containsKey("secret")) {
            yaml.problem(YamlFile.line(node), "callbacks.secret", "is required with url: callbacks are signed (X-Hub-Callback-Signature)");
        }
        String format = yaml.scalar(b, "format", "callbacks.", false);
        if (format != null && !Set.of("json", "xml").contains(format)) {
            yaml.problem(YamlFile.line(b.get("format")), "callbacks.format", "json or xml");
        }
        String root = yaml.scalar(b, "root", "callbacks.", "xml".equals(format));
        EventExpression correlation = b.containsKey("correlation") ? compile(b.get("correlation"), "callbacks.correlation", false) : null;
        Map<String, Object> body = b.get("body") instanceof MappingNode t ? tree(t, "callbacks.body") : null;
        if (body == null) {
            yaml.problem(YamlFile.line(node), "callbacks.body", "is required: the shape of a callback, each value an expression on the hub's callback");
        }
        return new Back(url, secret, queue, format == null ? "json" : format, root, correlation, body);
    }

    private Map<String, Object> tree(MappingNode node, String at) {
        Map<String, Object> tree = new LinkedHashMap<>();
        yaml.entries(node, at + ".").forEach((name, value) -> {
            if (value instanceof MappingNode nested && !isJsonPath(nested)) {
                tree.put(name, tree(nested, at + "." + name));
            } else if (value instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
                    && (Tag.BOOL.equals(s.getTag()) || Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag()))) {
                // true, 3, 0.5 written plainly stay what they are in the JSON a system receives
                tree.put(name, Tag.BOOL.equals(s.getTag()) ? (Object) Boolean.valueOf(s.getValue())
                        : Tag.INT.equals(s.getTag()) ? (Object) Long.valueOf(s.getValue()) : (Object) Double.valueOf(s.getValue()));
            } else {
                EventExpression e = compile(value, at + "." + name, false);
                if (e != null) {
                    tree.put(name, e);
                }
            }
        });
        return tree;
    }

    private EventExpression required(Map<String, Node> m, String key, String at, String what) {
        if (!m.containsKey(key)) {
            yaml.problem(0, at + key, "is required: " + what);
            return null;
        }
        return compile(m.get(key), at + key, false);
    }

    /** {@code {jsonpath: $.order.number}}: a JSONPath on the payload instead of Simple. */
    private static boolean isJsonPath(MappingNode node) {
        return node.getValue().size() == 1 && node.getValue().get(0).getKeyNode() instanceof ScalarNode k && "jsonpath".equals(k.getValue());
    }

    private EventExpression compile(Node node, String field, boolean condition) {
        if (!condition && node instanceof MappingNode map && isJsonPath(map)
                && map.getValue().get(0).getValueNode() instanceof ScalarNode path) {
            try {
                return EventExpression.in(camel, "jsonpath", path.getValue(), field, YamlFile.line(node));
            } catch (IllegalArgumentException e) {
                yaml.problem(YamlFile.line(node), field, e.getMessage());
                return null;
            }
        }
        if (!(node instanceof ScalarNode s)) {
            yaml.problem(YamlFile.line(node), field, condition ? "must be a condition such as ${body[status]} == 'SHIPPED'"
                    : "must be a text or an expression such as ${body[order][number]}");
            return null;
        }
        try {
            return condition ? EventExpression.predicate(camel, s.getValue(), field, YamlFile.line(node))
                    : EventExpression.of(camel, s.getValue(), field, YamlFile.line(node));
        } catch (IllegalArgumentException e) {
            yaml.problem(YamlFile.line(node), field, e.getMessage());
            return null;
        }
    }

    private String secret(Map<String, Node> m, String key, String at) {
        String value = yaml.scalar(m, key, at, true);
        if (value == null) {
            return null;
        }
        try {
            return references.secret(value);
        } catch (References.Unresolved e) {
            yaml.problem(YamlFile.line(m.get(key)), at + key, e.getMessage());
            return null;
        }
    }

    private String resolved(Map<String, Node> m, String key, String at, boolean required) {
        String value = yaml.scalar(m, key, at, required);
        if (value == null) {
            return null;
        }
        try {
            return references.resolve(value);
        } catch (References.Unresolved e) {
            yaml.problem(YamlFile.line(m.get(key)), at + key, e.getMessage());
            return null;
        }
    }
}
