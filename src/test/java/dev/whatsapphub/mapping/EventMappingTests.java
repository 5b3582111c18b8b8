package dev.whatsapphub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.events.EventIntake;
import dev.whatsapphub.HubTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;

/** Events in over HTTP and JMS, the shipped mappings, live reload, preview and unrouted events. */
class EventMappingTests extends HubTestSupport {

    /** The README's sample event, byte for byte. */
    static final String README_EVENT = """
            {"specversion":"1.0","id":"evt-1001","source":"/erp/orders","type":"com.example.order.shipped","subject":"A-1001","time":"2026-11-20T10:00:00Z","datacontenttype":"application/json","data":{"orderId":"A-1001","customer":{"name":"Ana","phone":"+34 612 345 678","language":"es"},"carrier":"DHL","trackingUrl":"https://track.example/A-1001"}}""";

    @Autowired
    JmsTemplate jms;
    @Autowired
    JdbcTemplate jdbc;

    Http.Answer postEvent(String json) {
        return http.post("/api/v1/events", json, Map.of("X-API-Key", API_KEY, "Content-Type", "application/cloudevents+json"));
    }

    static String shipped(String id, String phone, String language) {
        return """
                {"specversion":"1.0","id":"%s","source":"/erp/orders","type":"com.example.order.shipped","data":{"orderId":"%s","customer":{"name":"Ana","phone":"%s"%s},"carrier":"DHL"}}"""
                .formatted(id, "A-" + id, phone, language == null ? "" : ",\"language\":\"" + language + "\"");
    }

    JsonNode sandboxSend(String wamid) {
        for (JsonNode s : http.get("/sandbox/control/sends", Map.of()).json()) {
            if (wamid.equals(s.path("wamid").asText())) {
                return s;
            }
        }
        throw new AssertionError("the sandbox received no send with wamid " + wamid);
    }

    JsonNode sentTemplate(String messageId) {
        String wamid = message(messageId).path("wamid").asText();
        JsonNode body = Http.parse(sandboxSend(wamid).path("body").asText());
        return body.path("template");
    }

    @Test
    void readmeSampleEventBecomesTheSpanishOrderShippedTemplateAndReachesRead() {
        Http.Answer answer = postEvent(README_EVENT);
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        assertThat(answer.json().path("status").asText()).isEqualTo("routed");
        assertThat(answer.json().path("messages")).hasSize(1);
        String id = answer.json().path("messages").path(0).path("id").asText();
        assertThat(answer.json().path("messages").path(0).path("mapping").asText()).isEqualTo("order-shipped");

        JsonNode read = awaitStatus(id, "read");
        assertThat(read.path("metadata").path("order_id").asText()).isEqualTo("A-1001");
        assertThat(read.path("metadata").path("event").path("id").asText()).isEqualTo("evt-1001");
        JsonNode template = sentTemplate(id);
        assertThat(template.path("name").asText()).isEqualTo("order_shipped");
        assertThat(template.path("language").path("code").asText()).isEqualTo("es");
        assertThat(template.toString()).contains("\"text\":\"Ana\"", "\"text\":\"A-1001\"", "\"text\":\"DHL\"", "\"sub_type\":\"url\"");

        // the repeat makes nothing new and answers with the first result
        Http.Answer again = postEvent(README_EVENT);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("replayed").asBoolean()).isTrue();
        assertThat(again.json().path("messages").path(0).path("id").asText()).isEqualTo(id);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE metadata LIKE '%evt-1001%'", Integer.class)).isEqualTo(1);
    }

    @Test
    void languageWithoutATemplateFallsBackToTheDefaultLanguage() {
        Http.Answer answer = postEvent(shipped("lang-" + UUID.randomUUID(), newRecipient(), "fr"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        String id = answer.json().path("messages").path(0).path("id").asText();
        awaitStatus(id, "read");
        assertThat(sentTemplate(id).path("language").path("code").asText()).isEqualTo("en_US");
    }

    @Test
    void theSameEventOverJmsAndOverHttpMakesOneMessage() {
        String eventId = "jms-" + UUID.randomUUID();
        String event = shipped(eventId, newRecipient(), null);
        jms.convertAndSend("hub.events", event, m -> {
            m.setStringProperty("hubClient", "sandbox");
            return m;
        });
        await().atMost(Duration.ofSeconds(10)).until(() ->
                jdbc.queryForObject("SELECT COUNT(*) FROM hub_event WHERE event_id = ?", Integer.class, eventId) == 1);
        String messages = jdbc.queryForObject("SELECT messages FROM hub_event WHERE event_id = ?", String.class, eventId);
        String id = Http.parse(messages).path(0).path("id").asText();
        awaitStatus(id, "read");

        Http.Answer overHttp = postEvent(event);
        assertThat(overHttp.status()).isEqualTo(202);
        assertThat(overHttp.json().path("replayed").asBoolean()).isTrue();
        assertThat(overHttp.json().path("messages").path(0).path("id").asText()).isEqualTo(id);
        jms.convertAndSend("hub.events", event);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE metadata LIKE ?", Integer.class, "%" + eventId + "%")).isEqualTo(1);
    }

    @Test
    void anInvalidEventOnTheQueueEndsInTheDeadLetterQueueWithTheReason() {
        jms.convertAndSend("hub.events", "{\"specversion\":\"1.0\",\"source\":\"/erp\",\"type\":\"com.example.order.shipped\"}");
        jms.setReceiveTimeout(10_000);
        jakarta.jms.Message dead = jms.receive("hub.events.dlq");
        assertThat(dead).isNotNull();
        assertThat(readReason(dead)).contains("id").contains("required");
    }

    private static String readReason(jakarta.jms.Message m) {
        try {
            return m.getStringProperty(EventIntake.REASON);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void binaryAndBatchModesAreTakenIn() {
        String eventId = "bin-" + UUID.randomUUID();
        Http.Answer binary = http.post("/api/v1/events", "{\"orderId\":\"B-1\",\"customer\":{\"name\":\"Bo\",\"phone\":\"" + newRecipient() + "\"},\"carrier\":\"UPS\"}",
                Map.of("X-API-Key", API_KEY, "Content-Type", "application/json", "ce-specversion", "1.0", "ce-id", eventId,
                        "ce-source", "/erp/orders", "ce-type", "com.example.order.shipped"));
        assertThat(binary.status()).as(binary.text()).isEqualTo(202);
        assertThat(binary.json().path("messages")).hasSize(1);

        String batch = "[" + shipped("batch-a-" + UUID.randomUUID(), newRecipient(), null) + ","
                + shipped("batch-b-" + UUID.randomUUID(), newRecipient(), "es") + "]";
        Http.Answer answer = http.post("/api/v1/events", batch, Map.of("X-API-Key", API_KEY, "Content-Type", "application/cloudevents-batch+json"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        assertThat(answer.json()).hasSize(2);
        assertThat(answer.json().path(1).path("messages")).hasSize(1);
    }

    @Test
    void eventsThatAreNotCloudEventsOrThatTheMappingCannotUseAreRefusedNamingTheFieldAndRule() {
        Http.Answer missing = postEvent("{\"specversion\":\"0.3\",\"source\":\"/erp/orders\",\"type\":\"com.example.order.shipped\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.text()).contains("\"field\":\"id\"").contains("\"field\":\"specversion\"");

        Http.Answer noPhone = postEvent("""
                {"specversion":"1.0","id":"%s","source":"/erp/orders","type":"com.example.order.shipped","data":{"orderId":"A-9","customer":{"name":"Ana"},"carrier":"DHL"}}"""
                .formatted(UUID.randomUUID()));
        assertThat(noPhone.status()).isEqualTo(400);
        assertThat(noPhone.text()).contains("order-shipped").contains("to");

        Http.Answer badPhone = postEvent(shipped(UUID.randomUUID().toString(), "12", null));
        assertThat(badPhone.status()).isEqualTo(400);
        assertThat(badPhone.text()).contains("message.to");
    }

    @Test
    void anEventNoMappingTakesIsKeptOnTheUnroutedQueueAndListed() {
        String eventId = "unrouted-" + UUID.randomUUID();
        Http.Answer answer = postEvent("""
                {"specversion":"1.0","id":"%s","source":"/crm","type":"com.example.nobody.listens","data":{}}""".formatted(eventId));
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().path("status").asText()).isEqualTo("unrouted");
        assertThat(answer.json().path("reason").asText()).contains("com.example.nobody.listens");
        JsonNode unrouted = http.get("/api/v1/events/unrouted", Map.of("X-API-Key", API_KEY)).json();
        assertThat(unrouted.toString()).contains(eventId).contains("no mapping takes this event");

        // a condition that is false leaves the event unrouted too
        Http.Answer notBooked = postEvent("""
                {"specversion":"1.0","id":"%s","source":"/clinic","type":"com.example.appointment.reminder","data":{"status":"CANCELLED"}}"""
                .formatted(UUID.randomUUID()));
        assertThat(notBooked.json().path("status").asText()).isEqualTo("unrouted");
    }

    @Test
    void previewShowsTheMessagesAndSendsNothing() {
        int sendsBefore = http.get("/sandbox/control/sends", Map.of()).json().size();
        String eventId = "preview-" + UUID.randomUUID();
        Http.Answer preview = http.post("/api/v1/events/preview", """
                {"specversion":"1.0","id":"%s","source":"/clinic","type":"com.example.appointment.reminder","data":{"status":"BOOKED","appointmentId":"AP-7","startsAt":"2026-12-03T10:30:00Z","patient":{"firstName":"Ana","mobile":"+34 612 000 111"}}}"""
                .formatted(eventId), Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"));
        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        assertThat(preview.json().path("errors")).isEmpty();
        JsonNode request = preview.json().path("messages").path(0).path("request");
        assertThat(request.path("to").asText()).isEqualTo("+34 612 000 111");
        assertThat(request.toString()).contains("\"parameter_name\":\"first_name\"").contains("Thursday 3 December").contains("10:30")
                .contains("confirm-AP-7");
        assertThat(http.get("/sandbox/control/sends", Map.of()).json().size()).isEqualTo(sendsBefore);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_event WHERE event_id = ?", Integer.class, eventId)).isZero();

        Http.Answer broken = http.post("/api/v1/events/preview", """
                {"specversion":"1.0","id":"x","source":"/billing","type":"com.example.order.delivered","data":{"orderId":"A-1","customer":{"name":"Ana","phone":"+34612000112"},"deliveredAt":"yesterday"}}""",
                Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"));
        assertThat(broken.json().path("errors").toString()).contains("order-delivered").contains("yesterday").contains("not an ISO date");
    }

    @Test
    void theReadmesMappingExampleLoadsAsPrintedAndMakesItsTemplate() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```yaml\nmapping: ") + "```yaml\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));
        Path file = ROUTES_DIR.resolve("readme-example.yaml");
        write(file, example);
        awaitLoaded("readme-example.yaml", file);
        assertThat(configOf("readme-example.yaml").path("errors")).isEmpty();

        JsonNode preview = preview("""
                {"specversion":"1.0","id":"inv-1","source":"/billing","type":"com.example.invoice.ready","data":{"invoiceId":"INV-42","total":"100.99","pdfUrl":"https://files.example/INV-42.pdf","customer":{"phone":"+34612000114","language":"es"}}}""");
        Files.delete(file);
        assertThat(preview.path("errors")).isEmpty();
        String request = preview.path("messages").path(0).path("request").toString();
        assertThat(request).contains("\"name\":\"invoice_ready\"", "\"filename\":\"INV-42.pdf\"", "\"code\":\"EUR\"", "\"amount_1000\":100990");
    }

    @Test
    void aMappingEditedOnDiskChangesTheNextEventAndABrokenEditKeepsTheOldOne() throws Exception {
        Path file = ROUTES_DIR.resolve("test-edit.yaml");
        write(file, mappingWithGreeting("Ana"));
        awaitLoaded("test-edit.yaml", file);
        assertThat(previewBody()).contains("\"text\":\"Ana\"");

        write(file, mappingWithGreeting("Dear ${body[name]}"));
        awaitLoaded("test-edit.yaml", file);
        assertThat(previewBody()).contains("\"text\":\"Dear Eva\"");

        // a broken edit: the expression does not parse, and the template is unknown
        write(file, mappingWithGreeting("${body[name]").replace("order_confirmation", "no_such_template"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode f = configOf("test-edit.yaml");
            assertThat(f.path("rejected_version").asText()).isEqualTo(dev.whatsapphub.Digests.sha256(Files.readString(file)).substring(0, 12));
            assertThat(f.path("errors").toString()).contains("test-edit.yaml").contains("\"line\":");
        });
        assertThat(configOf("test-edit.yaml").path("errors").toString()).contains("does not parse");
        assertThat(previewBody()).contains("\"text\":\"Dear Eva\"");

        // an unknown template and a parameter count that does not fit are caught when the file loads
        write(file, mappingWithGreeting("Ana").replace("order_confirmation", "no_such_template"));
        // each error names the line of the key it is about: template: is line 4, body: line 7
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode error = configOf("test-edit.yaml").path("errors").path(0);
            assertThat(error.path("rule").asText()).contains("unknown template 'no_such_template'");
            assertThat(error.path("line").asInt()).isEqualTo(4);
        });
        write(file, mappingWithGreeting("Ana").replace("      - ${body[orderId]}\n", ""));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode error = configOf("test-edit.yaml").path("errors").path(0);
            assertThat(error.path("rule").asText()).contains("number of parameters (1)");
            assertThat(error.path("line").asInt()).isEqualTo(7);
        });
        assertThat(previewBody()).contains("\"text\":\"Dear Eva\"");

        // an event without the recipient: the error names the line of to: (3)
        write(file, mappingWithGreeting("Ana"));
        awaitLoaded("test-edit.yaml", file);
        assertThat(preview(editEvent().replace("\"phone\":\"+34612000113\"", "\"phone\":\"\"")).path("errors").toString())
                .contains("test-edit.yaml:3) to");

        Files.delete(file);
        await().atMost(Duration.ofSeconds(5)).until(() -> configOf("test-edit.yaml").isMissingNode());
        assertThat(preview(editEvent()).path("routed").asBoolean()).isFalse();
    }

    @Test
    void aMappingIdUsedByAnotherFileAndAFileThatIsNotUtf8AreRefusedWhileTheLoadedOnesKeepWorking() throws Exception {
        Path copy = ROUTES_DIR.resolve("zz-copy.yaml");
        write(copy, Files.readString(ROUTES_DIR.resolve("order-shipped.yaml")));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(configOf("zz-copy.yaml").path("errors").toString()).contains("'order-shipped' is already used in order-shipped.yaml"));
        Files.delete(copy);

        Path file = ROUTES_DIR.resolve("latin1.yaml");
        write(file, mappingWithGreeting("Ana").replace("test-edit", "latin1").replace("com.example.test.edit", "com.example.test.latin1"));
        awaitLoaded("latin1.yaml", file);
        Files.write(file, "# se\u00f1al\nmapping: latin1\n".getBytes(StandardCharsets.ISO_8859_1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(configOf("latin1.yaml").path("errors").toString()).contains("cannot be read as UTF-8"));
        assertThat(configOf("latin1.yaml").path("mappings").toString()).contains("latin1");
        Files.delete(file);
    }

    @Test
    void aTemplatePausedThroughTheSandboxBlocksTheNextSendAndTheFallbackGoesOut() {
        String pause = "/sandbox/control/templates/200000000000001/payment_failed/en_US";
        assertThat(http.put(pause, "{\"status\":\"PAUSED\"}").status()).isEqualTo(204);
        try {
            // the sandbox tells the hub with a signed message_template_status_update webhook
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(templateStatus("payment_failed", "en_US")).isEqualTo("PAUSED"));
            Http.Answer direct = send("""
                    {"to": "%s", "template": {"name": "payment_failed", "language": "en_US", "parameters": ["Ana", "A-1"]}}""".formatted(newRecipient()));
            assertThat(direct.status()).isEqualTo(400);
            assertThat(direct.text()).contains("payment_failed").contains("en_US").contains("PAUSED");

            Http.Answer event = postEvent("""
                    {"specversion":"1.0","id":"%s","source":"/billing","type":"com.example.payment.failed","data":{"orderId":"A-1","attempt":2,"customer":{"name":"Ana","phone":"%s"}}}"""
                    .formatted(UUID.randomUUID(), newRecipient()));
            assertThat(event.status()).as(event.text()).isEqualTo(202);
            String id = event.json().path("messages").path(0).path("id").asText();
            awaitStatus(id, "read");
            assertThat(sentTemplate(id).path("name").asText()).isEqualTo("hello_world");
        } finally {
            http.put(pause, "{\"status\":\"APPROVED\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> "APPROVED".equals(templateStatus("payment_failed", "en_US")));
        }
    }

    @Test
    void aListOfRecipientsMakesOneMessageEach() {
        String a = newRecipient();
        String b = newRecipient();
        Http.Answer answer = postEvent("""
                {"specversion":"1.0","id":"%s","source":"/support","type":"com.example.support.case.updated","data":{"notifyCustomer":true,"caseNumber":"00001026","status":"Waiting on you","contactName":"Ana","contactPhones":["%s","%s"]}}"""
                .formatted(UUID.randomUUID(), a, b));
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        assertThat(answer.json().path("messages")).hasSize(2);
        List<String> to = new ArrayList<>();
        for (JsonNode m : answer.json().path("messages")) {
            to.add(awaitStatus(m.path("id").asText(), "read").path("to").asText());
        }
        assertThat(to).containsExactlyInAnyOrder(a, b);
    }

    private String templateStatus(String name, String language) {
        for (JsonNode t : http.get("/api/v1/templates", Map.of("X-API-Key", API_KEY)).json().path("data")) {
            if (name.equals(t.path("name").asText()) && language.equals(t.path("language").asText())) {
                return t.path("status").asText();
            }
        }
        return null;
    }

    private static String mappingWithGreeting(String greeting) {
        return """
                mapping: test-edit
                on: com.example.test.edit
                to: ${body[phone]}
                template:
                  name: order_confirmation
                  language: en_US
                  body:
                      - %s
                      - ${body[orderId]}
                """.formatted(greeting);
    }

    private static String editEvent() {
        return """
                {"specversion":"1.0","id":"edit","source":"/test","type":"com.example.test.edit","data":{"name":"Eva","orderId":"E-1","phone":"+34612000113"}}""";
    }

    private String previewBody() {
        return preview(editEvent()).path("messages").toString();
    }

    private JsonNode preview(String event) {
        return http.post("/api/v1/events/preview", event, Map.of("X-API-Key", API_KEY, "Content-Type", "application/json")).json();
    }

    private void write(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private void awaitLoaded(String name, Path file) {
        String version = dev.whatsapphub.Digests.sha256(readQuietly(file)).substring(0, 12);
        await().atMost(Duration.ofSeconds(5)).until(() -> version.equals(configOf(name).path("version").asText()));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode configOf(String name) {
        for (JsonNode f : http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).json().path("files")) {
            if (name.equals(f.path("file").asText())) {
                return f;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
