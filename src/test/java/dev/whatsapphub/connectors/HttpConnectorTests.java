package dev.whatsapphub.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.callback.CallbackSignature;
import dev.whatsapphub.folder.OperatorFolders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The shipped erp-http connector, end to end: the ERP's own webhook in, order_shipped out, its statuses back signed in the file's shape. */
class HttpConnectorTests extends HubTestSupport {

    private static final String SECRET = "sandbox-erp-secret";
    private static final String SAMPLE = """
            {"event":"order.status_changed","delivery_id":"%s","occurred_at":"2026-11-30T08:15:00Z","order":{"number":"%s","status":"%s","carrier":"UPS","tracking_url":"https://track.example/SO-2041","customer":{"first_name":"Lena","mobile":"%s","locale":"de"}}}""";

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    OperatorFolders folders;

    @Test
    void theShippedSamplePayloadSignedBecomesOrderShippedThatReachesReadAndIsCalledBackSignedInTheFilesShape() throws Exception {
        String body = Files.readString(Path.of("connectors/erp-http.sample.json")).trim();
        assertThat(body).contains("\"delivery_id\":\"d-7781\"");
        Http.Answer answer = postSigned(body);

        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        assertThat(answer.json().path("status").asText()).isEqualTo("routed");
        JsonNode event = answer.json().path("event");
        assertThat(event.path("source").asText()).isEqualTo("/connectors/erp-http");
        assertThat(event.path("id").asText()).isEqualTo("d-7781");
        String id = event.path("messages").get(0).path("id").asText();
        assertThat(event.path("messages").get(0).path("mapping").asText()).isEqualTo("order-shipped");

        JsonNode sent = jdbcMessage(id);
        assertThat(sent.path("template").path("name").asText()).isEqualTo("order_shipped");
        assertThat(sent.path("template").path("language").path("code").asText()).isEqualTo("en_US");
        assertThat(sent.path("to").asText()).isEqualTo("+4915123456789");

        List<JsonNode> callbacks = awaitCallbacks(c -> id.equals(c.path("message_id").asText()) && "read".equals(c.path("whatsapp_status").asText()));
        JsonNode read = callbacks.get(callbacks.size() - 1);
        assertThat(read.path("order").asText()).isEqualTo("SO-2041");
        assertThat(read.path("event").asText()).isEqualTo("message.status");
        assertThat(read.path("at").asText()).isNotEmpty();
        assertThat(read.has("reply_text")).isFalse();
        // every callback is signed with the connector's callback secret
        for (JsonNode post : http.get("/sandbox/callbacks/erp-http", Map.of()).json()) {
            String signature = post.path("headers").path("x-hub-callback-signature").asText();
            String t = signature.replaceAll("^t=(\\d+),.*$", "$1");
            assertThat(signature).isEqualTo(CallbackSignature.sign(post.path("body").asText(), "sandbox-erp-callback-secret", Long.parseLong(t)));
        }

        // the customer answers: the reply reaches the ERP with the order number
        customerWrites("4915123456789");
        List<JsonNode> replies = awaitCallbacks(c -> "message.reply".equals(c.path("event").asText()));
        JsonNode reply = replies.stream().filter(c -> "message.reply".equals(c.path("event").asText())).findFirst().orElseThrow();
        assertThat(reply.path("order").asText()).isEqualTo("SO-2041");
        assertThat(reply.path("reply_text").asText()).isEqualTo("hi");
        assertThat(reply.path("message_id").asText()).isEqualTo(id);

        JsonNode readiness = http.get("/actuator/health/readiness", Map.of()).json();
        assertThat(readiness.path("components").path("connectors").path("details").path("erp-http").asText()).isEqualTo("running");

        // the same delivery again: the same event and message, nothing new sent
        Http.Answer again = postSigned(body);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("event").path("messages").get(0).path("id").asText()).isEqualTo(id);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE recipient = '+4915123456789'", Integer.class)).isEqualTo(1);
    }

    @Test
    void anErpThatRefusesCallbacksMakesItsConnectorFailingWithTheReasonWhileTheOthersRunAndTheHubStaysReady() {
        http.put("/sandbox/callbacks/erp-http/failures", "{\"count\": 1000, \"status\": 500}");
        try {
            assertThat(postSigned(SAMPLE.formatted("d-down-1", "SO-9010", "SHIPPED", newRecipient())).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> "failing".equals(connector("erp-http").path("state").asText()));
            assertThat(connector("erp-http").path("reason").asText()).contains("HTTP 500");
            assertThat(connector("legacy-orders-jms").path("state").asText()).isEqualTo("running");
            JsonNode readiness = http.get("/actuator/health/readiness", Map.of()).json();
            assertThat(readiness.path("status").asText()).isEqualTo("UP");
            assertThat(readiness.path("components").path("connectors").path("details").path("erp-http").asText()).startsWith("failing: ");
        } finally {
            http.put("/sandbox/callbacks/erp-http/failures", "{\"count\": 0, \"status\": 500}");
        }
        // the ERP answers again: the next callback delivered sets it running
        assertThat(postSigned(SAMPLE.formatted("d-up-1", "SO-9011", "SHIPPED", newRecipient())).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(connector("erp-http").path("state").asText()));
    }

    private JsonNode connector(String id) {
        for (JsonNode c : http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).json().path("connectors")) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        throw new AssertionError("no connector " + id);
    }

    @Test
    void aWrongSignatureIs401AndStoresNothing() {
        String body = SAMPLE.formatted("d-bad-1", "SO-9001", "SHIPPED", "+34612999001");
        Http.Answer answer = http.post("/api/v1/connectors/erp-http/events", body,
                Map.of("Content-Type", "application/json", "X-Signature-256", "sha256=" + hmac("not-the-secret", body)));
        Http.Answer unsigned = http.post("/api/v1/connectors/erp-http/events", body, Map.of("Content-Type", "application/json"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.contentType()).contains("application/problem+json");
        assertThat(answer.json().path("detail").asText()).contains("X-Signature-256");
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_event WHERE event_id = 'd-bad-1'", Integer.class)).isZero();
    }

    @Test
    void anotherStatusIsIgnoredWithTheReasonAndAPayloadMissingTheMobileIs400NamingIt() {
        Http.Answer packed = postSigned(SAMPLE.formatted("d-pack-1", "SO-9002", "PACKED", "+34612999002"));
        assertThat(packed.status()).isEqualTo(200);
        assertThat(packed.json().path("status").asText()).isEqualTo("ignored");
        assertThat(packed.json().path("reason").asText()).contains("status PACKED");

        Http.Answer missing = postSigned("""
                {"event":"order.status_changed","delivery_id":"d-miss-1","order":{"number":"SO-9003","status":"SHIPPED","carrier":"UPS","customer":{"first_name":"Ana"}}}""");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.contentType()).contains("application/problem+json");
        assertThat(missing.text()).contains("event.data.customer.phone");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_event WHERE event_id = 'd-miss-1'", Integer.class)).isZero();

        JsonNode connector = null;
        for (JsonNode c : http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).json().path("connectors")) {
            if ("erp-http".equals(c.path("id").asText())) {
                connector = c;
            }
        }
        assertThat(connector).isNotNull();
        assertThat(connector.path("state").asText()).isEqualTo("running");
        assertThat(connector.path("ignored").asLong()).isPositive();
        assertThat(connector.path("rejected").asLong()).isPositive();
    }

    @Test
    void aBrokenEditIsRejectedWithFileLineAndRuleWhileTheLastGoodVersionRunsAndRemovingTheFileStopsIt() throws Exception {
        Path file = CONNECTORS_DIR.resolve("erp-copy.yaml");
        String good = Files.readString(CONNECTORS_DIR.resolve("erp-http.yaml"));
        try {
            Files.writeString(file, good);
            folders.scan();
            assertThat(postSigned("/api/v1/connectors/erp-copy/events", SAMPLE.formatted("d-copy-1", "SO-9004", "PACKED", "+34612999004"))
                    .json().path("status").asText()).isEqualTo("ignored");

            Files.writeString(file, good.replace("type: com.example.order.shipped", "type: com.example.order.shipped\n  tpye: typo")
                    .replace("secret: ${env:ERP_CALLBACK_SECRET}", "secret: plain-text-secret"));
            folders.scan();
            JsonNode view = fileView("erp-copy.yaml");
            assertThat(view.path("version").asText()).isNotEmpty();
            List<String> errors = new ArrayList<>();
            view.path("errors").forEach(e -> errors.add(e.path("file").asText() + ":" + e.path("line").asInt() + " " + e.path("field").asText()
                    + ": " + e.path("rule").asText()));
            // the schema names the unknown key and the plain secret, each once, with its line
            assertThat(errors).filteredOn(e -> e.contains(" event.tpye: ")).singleElement()
                    .satisfies(e -> assertThat(e).matches("erp-copy\\.yaml:\\d+ event\\.tpye: .*not defined in the schema.*"));
            assertThat(errors).filteredOn(e -> e.contains(" callbacks.secret: ")).singleElement()
                    .satisfies(e -> assertThat(e).contains("does not match the regex pattern"));
            // the last good version still takes payloads
            assertThat(postSigned("/api/v1/connectors/erp-copy/events", SAMPLE.formatted("d-copy-2", "SO-9005", "PACKED", "+34612999005"))
                    .json().path("status").asText()).isEqualTo("ignored");
        } finally {
            Files.deleteIfExists(file);
            folders.scan();
        }
        assertThat(postSigned("/api/v1/connectors/erp-copy/events", "{}").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).text()).contains("\"id\":\"erp-copy\",\"state\":\"stopped\"");
    }

    @Test
    void aConnectorMayTakeAnApiKeyInsteadOfASignature() throws Exception {
        Path file = CONNECTORS_DIR.resolve("erp-key.yaml");
        String good = Files.readString(CONNECTORS_DIR.resolve("erp-http.yaml"));
        try {
            Files.writeString(file, good.replaceAll("(?s)auth:.*?\nevent:", "auth:\n  api-key: \\${env:ERP_WEBHOOK_SECRET}\nevent:"));
            folders.scan();
            String body = SAMPLE.formatted("d-key-1", "SO-9020", "PACKED", newRecipient());
            Http.Answer keyed = http.post("/api/v1/connectors/erp-key/events", body, Map.of("Content-Type", "application/json",
                    "X-API-Key", SECRET));
            Http.Answer wrong = http.post("/api/v1/connectors/erp-key/events", body, Map.of("Content-Type", "application/json",
                    "X-API-Key", "sandbox-key"));
            assertThat(keyed.status()).as(keyed.text()).isEqualTo(200);
            assertThat(keyed.json().path("status").asText()).isEqualTo("ignored");
            assertThat(wrong.status()).isEqualTo(401);
        } finally {
            Files.deleteIfExists(file);
            folders.scan();
        }
    }

    private JsonNode fileView(String name) {
        for (JsonNode f : http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).json().path("connector_files")) {
            if (name.equals(f.path("file").asText())) {
                return f;
            }
        }
        throw new AssertionError("no view of " + name);
    }

    private JsonNode jdbcMessage(String id) {
        return Http.parse(jdbc.queryForObject("SELECT payload FROM hub_message WHERE id = ?", String.class, id));
    }

    private List<JsonNode> awaitCallbacks(java.util.function.Predicate<JsonNode> last) {
        List<JsonNode> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            received.clear();
            http.get("/sandbox/callbacks/erp-http", Map.of()).json().forEach(p -> received.add(Http.parse(p.path("body").asText())));
            return received.stream().anyMatch(last);
        });
        return received;
    }

    private Http.Answer postSigned(String body) {
        return postSigned("/api/v1/connectors/erp-http/events", body);
    }

    private Http.Answer postSigned(String path, String body) {
        return http.post(path, body, Map.of("Content-Type", "application/json", "X-Signature-256", "sha256=" + hmac(SECRET, body)));
    }

    static String hmac(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
