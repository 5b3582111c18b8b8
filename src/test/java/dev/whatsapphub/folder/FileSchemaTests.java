package dev.whatsapphub.folder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** The published schemas: every shipped file passes; each rule has one small fixture that breaks it, reported with its line. */
class FileSchemaTests {

    static Stream<Path> shippedFiles() throws IOException {
        return Stream.concat(Files.list(Path.of("routes")), Files.list(Path.of("connectors")))
                .filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("shippedFiles")
    void everyShippedFilePassesItsSchema(Path file) throws IOException {
        YamlFile yaml = YamlFile.read(file.getFileName().toString(), Files.readString(file));
        if (yaml.root() instanceof SequenceNode) {
            return; // a Camel YAML DSL route file: Camel's own grammar
        }
        FileSchema schema = file.startsWith("connectors") ? FileSchema.CONNECTOR : FileSchema.MAPPING;
        assertThat(schema.check(yaml)).isEmpty();
    }

    static Stream<Arguments> brokenFiles() {
        String mapping = """
                on: com.example.order.shipped
                to: ${body[phone]}
                template:
                  name: order_shipped
                """;
        String connector = """
                kind: http
                auth:
                  signature: {header: X-Signature-256, secret: "${env:S}"}
                event:
                  type: t
                  id: ${body[id]}
                  data:
                    a: ${body[a]}
                """;
        return Stream.of(
                // mapping files
                Arguments.of("mapping", mapping.replace("on: com.example.order.shipped\n", ""), 1, "on", "required"),
                Arguments.of("mapping", mapping + "tempalte: x\n", 5, "tempalte", "not defined in the schema"),
                Arguments.of("mapping", mapping + "category: PROMO\n", 5, "category", "enum"),
                Arguments.of("mapping", mapping.replace("order_shipped", "Order Shipped"), 4, "template.name", "pattern"),
                Arguments.of("mapping", mapping + "  default-language: english\n", 5, "template.default-language", "pattern"),
                Arguments.of("mapping", mapping + "  buttons:\n    - url: x\n", 6, "template.buttons.0.index", "required"),
                Arguments.of("mapping", mapping + "metadata: [a, b]\n", 5, "metadata", "object"),
                Arguments.of("mapping", mapping + "mapping: 'bad id!'\n", 5, "mapping", "pattern"),
                Arguments.of("mapping", "mappings: []\n", 1, "mappings", "at least 1"),
                // connector files
                Arguments.of("connector", connector.replace("kind: http", "kind: ftp"), 1, "kind", "enum"),
                Arguments.of("connector", connector.replace("\"${env:S}\"", "plain-secret"), 3, "auth.signature.secret", "pattern"),
                Arguments.of("connector", connector.replace("  type: t\n", ""), 4, "event.type", "required"),
                Arguments.of("connector", connector + "  tpye: t\n", 9, "event.tpye", "not defined in the schema"),
                Arguments.of("connector", connector.replace("kind: http", "kind: jms\nformat: xml"), 1, "queue", "required"),
                Arguments.of("connector", connector + "consumers: 99\n", 9, "consumers", "maximum"),
                Arguments.of("connector", connector + "callbacks:\n  url: http://x\n", 9, "callbacks.body", "required"),
                Arguments.of("connector", connector + "reply:\n  root: Ack\n  correlation: header\n  body: {a: b}\n", 11,
                        "reply.correlation", "enum"),
                Arguments.of("connector", connector.replace("kind: http", "kind: jms\nqueue: q\nformat: fixed-width"), 1, "layout", "required"));
    }

    @ParameterizedTest(name = "{0} {3}: {4}")
    @MethodSource("brokenFiles")
    void eachRuleIsReportedWithTheFieldAndTheLine(String kind, String text, int line, String field, String rule) {
        YamlFile yaml = YamlFile.read("broken.yaml", text);
        List<FileProblem> problems = ("mapping".equals(kind) ? FileSchema.MAPPING : FileSchema.CONNECTOR).check(yaml);
        assertThat(problems).as(problems.toString()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("broken.yaml");
            assertThat(p.field()).isEqualTo(field);
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.rule()).containsIgnoringCase(rule);
        });
    }
}
