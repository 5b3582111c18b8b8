package dev.whatsapphub.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.folder.OperatorFolders;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The shipped salesforce connector against the Salesforce stand-in (gRPC Pub/Sub API and REST on
 * the hub's port): Order_Shipped__e in, order_shipped out, the message's statuses upserted on
 * WhatsApp_Message__c, a reply as one Task on the order, an opt-out on the Contact; the replay id
 * kept across a stop, an invalid one reported, a refused write in the dead letters.
 */
class SalesforceConnectorTests extends HubTestSupport {

    private static final String STANDIN = "/standin/salesforce";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Map<String, String> KEY = Map.of("X-API-Key", API_KEY);

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    OperatorFolders folders;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void connected() {
        await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(connectorState("salesforce")));
    }

    @Test
    void aPublishedOrderShippedReachesReadItsStatusIsUpsertedOnWhatsAppMessageAndTheReplyIsOneTaskOnTheOrder() {
        String to = newRecipient();
        String contact = http.post(STANDIN + "/records/Contact", """
                {"LastName": "Novak", "MobilePhone": "%s"}""".formatted(to), JSON).json().path("id").asText();
        publish("SO-SF-1", to, "801000000000001AAA", contact);

        String id = awaitMessageTo(to);
        JsonNode sent = Http.parse(jdbc.queryForObject("SELECT payload FROM hub_message WHERE id = ?", String.class, id));
        assertThat(sent.path("template").path("name").asText()).isEqualTo("order_shipped");
        awaitRead(id);

        JsonNode record = awaitRecord("WhatsApp_Message__c", r -> id.equals(r.path("Hub_Message_Id__c").asText())
                && "read".equals(r.path("Status__c").asText()));
        assertThat(record.path("Record_Id__c").asText()).isEqualTo("801000000000001AAA");
        assertThat(record.path("Order_Number__c").asText()).isEqualTo("SO-SF-1");
        assertThat(record.path("Name").asText()).isEqualTo("WhatsApp SO-SF-1");
        assertThat(record.path("Wamid__c").asText()).startsWith("wamid.");
        assertThat(record.path("Recipient__c").asText()).isEqualTo(to);
        // each status's time in its own field
        for (String field : List.of("Sent_At__c", "Delivered_At__c", "Read_At__c", "Status_At__c")) {
            assertThat(record.path(field).asText()).as(field).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        }
        assertThat(record.has("Failed_At__c")).isFalse();
        // one record per message, whatever the number of statuses written to it
        assertThat(records("WhatsApp_Message__c")).filteredOn(r -> id.equals(r.path("Hub_Message_Id__c").asText())).hasSize(1);

        String reply = customerWrites(to.substring(1));
        JsonNode task = awaitRecord("Task", t -> reply.equals(t.path("Hub_Reply_Wamid__c").asText()));
        assertThat(task.path("WhatId").asText()).isEqualTo("801000000000001AAA");
        assertThat(task.path("Description").asText()).isEqualTo("hi");
        assertThat(task.path("Subject").asText()).isEqualTo("WhatsApp reply about SO-SF-1");
        assertThat(task.path("Type").asText()).isEqualTo("WhatsApp");

        // a photo: the Task links it in the hub's media store
        String photo = http.post("/sandbox/customers/" + to.substring(1) + "/messages", """
                {"type": "image", "image": {"mime_type": "image/png", "caption": "the box arrived dented",
                 "data_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}}""",
                JSON).json().path("wamid").asText();
        JsonNode photoTask = awaitRecord("Task", t -> photo.equals(t.path("Hub_Reply_Wamid__c").asText()));
        assertThat(photoTask.path("Hub_Media_Url__c").asText()).matches("http://.*/api/v1/media/.+");
        assertThat(photoTask.path("Hub_Media_Caption__c").asText()).isEqualTo("the box arrived dented");
        assertThat(photoTask.path("WhatId").asText()).isEqualTo("801000000000001AAA");

        // the reply's callback delivered again (a replay) finds its Task and creates no second one
        String replyCallback = "reply:" + reply;
        assertThat(jdbc.queryForObject("SELECT client FROM callback WHERE event_id = ?", String.class, replyCallback)).isEqualTo("connector:salesforce");
        jdbc.update("UPDATE callback SET state = 'dead' WHERE event_id = ?", replyCallback);
        assertThat(http.post("/api/v1/connectors/salesforce/dead-letters/" + replyCallback + "/replay", "", KEY).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(jdbc.queryForObject(
                "SELECT state FROM callback WHERE event_id = ?", String.class, replyCallback)));
        assertThat(records("Task")).filteredOn(t -> reply.equals(t.path("Hub_Reply_Wamid__c").asText())).hasSize(1);

        // the customer opts out: the event's Contact says so
        http.post("/sandbox/customers/" + to.substring(1) + "/messages", "{\"type\": \"text\", \"text\": {\"body\": \"STOP\"}}", JSON);
        JsonNode optedOut = awaitRecord("Contact", c -> contact.equals(c.path("Id").asText()) && c.path("HasOptedOutOfWhatsApp__c").asBoolean());
        assertThat(optedOut.path("WhatsApp_Opted_Out_At__c").asText()).isNotBlank();
        assertThat(optedOut.path("LastName").asText()).isEqualTo("Novak");
    }

    @Test
    void aMessageMetaRefusesIsUpsertedFailedWithMetasErrorCodeAndText() {
        String to = newRecipient();
        // Meta refuses the next send of the primary number: the recipient cannot get messages
        assertThat(http.put("/sandbox/control/faults/" + PRIMARY_NUMBER, "{\"code\": 131026, \"count\": 1}").status()).isEqualTo(204);
        try {
            publish("SO-SF-50", to, "801000000000050AAA", null);
            String id = awaitMessageTo(to);
            JsonNode record = awaitRecord("WhatsApp_Message__c", r -> id.equals(r.path("Hub_Message_Id__c").asText())
                    && "failed".equals(r.path("Status__c").asText()));
            assertThat(record.path("Error_Code__c").asText()).isEqualTo("131026");
            assertThat(record.path("Error_Message__c").asText()).isNotBlank();
            assertThat(record.path("Failed_At__c").asText()).isNotBlank();
        } finally {
            http.delete("/sandbox/control/faults/" + PRIMARY_NUMBER);
        }
    }

    @Test
    void aStoppedConnectorResumesAfterTheStoredReplayIdWithNothingLostOrRepeated() throws Exception {
        String before = newRecipient();
        publish("SO-SF-10", before, "801000000000010AAA", null);
        awaitMessageTo(before);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastReplayId().equals(position()));
        String stored = position();

        Path file = CONNECTORS_DIR.resolve("salesforce.yaml");
        String shipped = Files.readString(file);
        List<String> whileStopped = new ArrayList<>();
        int subscriptions;
        try {
            Files.delete(file);
            folders.scan();
            await().atMost(Duration.ofSeconds(10)).until(() -> "stopped".equals(connectorState("salesforce")));
            for (int i = 0; i < 3; i++) {
                String to = newRecipient();
                whileStopped.add(to);
                publish("SO-SF-1" + (i + 1), to, "80100000000001" + (i + 1) + "AAA", null);
            }
            Thread.sleep(500); // nothing reads the topic meanwhile
            for (String to : whileStopped) {
                assertThat(messagesTo(to)).isZero();
            }
            subscriptions = subscriptions().size();
        } finally {
            Files.writeString(file, shipped);
            folders.scan();
        }
        for (String to : whileStopped) {
            awaitMessageTo(to);
        }
        // the new stream asked for what follows the stored replay id and was sent exactly the three
        JsonNode resumed = subscriptions().get(subscriptions);
        assertThat(resumed.path("replay_preset").asText()).isEqualTo("CUSTOM");
        assertThat(resumed.path("replay_id").asText()).isEqualTo(stored);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastReplayId().equals(position()));
        assertThat(subscriptions().get(subscriptions).path("events_sent").asLong()).isEqualTo(3);
        assertThat(messagesTo(before)).isEqualTo(1);
        for (String to : whileStopped) {
            assertThat(messagesTo(to)).isEqualTo(1);
        }
    }

    @Test
    void aReplayIdSalesforceNoLongerKnowsIsReportedAndTheFileSaysWhereToResume() throws Exception {
        String to = newRecipient();
        publish("SO-SF-20", to, "801000000000020AAA", null);
        awaitMessageTo(to);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastReplayId().equals(position()));
        double invalidBefore = invalidCount();

        Path file = CONNECTORS_DIR.resolve("salesforce.yaml");
        String shipped = Files.readString(file);
        int subscriptions;
        try {
            Files.delete(file);
            folders.scan();
            // an id from before the org's retention (the stand-in never issued it)
            jdbc.update("UPDATE connector_position SET replay_id = ? WHERE connector = 'salesforce' AND topic = '/event/Order_Shipped__e'",
                    "AAAAAAAAAAE=");
            subscriptions = subscriptions().size();
        } finally {
            Files.writeString(file, shipped);
            folders.scan();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> connector("salesforce").path("notice").asText().contains("AAAAAAAAAAE="));
        JsonNode view = connector("salesforce");
        assertThat(view.path("notice").asText()).contains("/event/Order_Shipped__e", "invalid or expired", "resumed from earliest");
        assertThat(invalidCount()).isEqualTo(invalidBefore + 1);
        int from = subscriptions;
        await().atMost(Duration.ofSeconds(10)).until(() -> subscriptions().size() >= from + 2);
        List<JsonNode> after = subscriptions().subList(from, subscriptions().size());
        assertThat(after.get(0).path("error").asText()).isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");
        assertThat(after.get(1).path("replay_preset").asText()).isEqualTo("EARLIEST");
        await().atMost(Duration.ofSeconds(20)).until(() -> lastReplayId().equals(position()));
        // everything the org kept came again, and the hub's event ids made none of it a second message
        assertThat(messagesTo(to)).isEqualTo(1);
        assertThat(http.get("/actuator/health/readiness", Map.of()).json().path("components").path("connectors").path("details")
                .path("salesforce").asText()).contains("running", "replay id");
    }

    @Test
    void aWriteSalesforceRefusesIsADeadLetterWithItsErrorCodeAndGoesInWhenReplayedAfterTheFix() {
        String to = newRecipient();
        http.post(STANDIN + "/validation-rules", """
                {"object": "WhatsApp_Message__c", "field": "Recipient__c", "value": "%s", "error_code": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                 "message": "Recipient must be a known Contact's mobile"}""".formatted(to), JSON);
        String id;
        try {
            publish("SO-SF-30", to, "801000000000030AAA", null);
            id = awaitMessageTo(to);
            awaitRead(id);
            JsonNode dead = awaitDeadLetter(id);
            assertThat(dead.path("last_error").asText()).contains("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Recipient must be a known Contact's mobile",
                    "Recipient__c", "WhatsApp_Message__c");
            assertThat(dead.path("attempts").asInt()).isEqualTo(1);
            assertThat(records("WhatsApp_Message__c")).noneMatch(r -> id.equals(r.path("Hub_Message_Id__c").asText()));
            // refused for what it is: the connector is not failing for it
            assertThat(connectorState("salesforce")).isEqualTo("running");
        } finally {
            http.delete(STANDIN + "/validation-rules");
        }
        String eventId = awaitDeadLetter(id).path("event_id").asText();
        assertThat(http.post("/api/v1/connectors/salesforce/dead-letters/" + eventId + "/replay", "", KEY).status()).isEqualTo(200);
        // the statuses held behind it follow it: the record ends read
        awaitRecord("WhatsApp_Message__c", r -> id.equals(r.path("Hub_Message_Id__c").asText()) && "read".equals(r.path("Status__c").asText()));
        assertThat(http.get("/api/v1/connectors/salesforce/dead-letters", KEY).json()).noneMatch(d -> id.equals(d.path("message_id").asText()));
        assertThat(http.get("/api/v1/connectors/nope/dead-letters", KEY).status()).isEqualTo(404);
    }

    @Test
    void aBrokenEditIsRejectedWithItsLineAndRuleWhileTheLastGoodVersionKeepsReading() throws Exception {
        Path file = CONNECTORS_DIR.resolve("salesforce.yaml");
        String shipped = Files.readString(file);
        String to = newRecipient();
        try {
            Files.writeString(file, shipped.replace("start: latest", "start: yesterday").replace("upsert-on: Hub_Message_Id__c", "upsert-on: 42"));
            folders.scan();
            JsonNode view = fileView("salesforce.yaml");
            List<String> errors = new ArrayList<>();
            view.path("errors").forEach(e -> errors.add(e.path("line").asInt() + " " + e.path("field").asText() + ": " + e.path("rule").asText()));
            assertThat(errors).anySatisfy(e -> assertThat(e).matches("\\d+ subscribe\\.start: .*(earliest|latest).*"));
            publish("SO-SF-40", to, "801000000000040AAA", null);
            awaitMessageTo(to);
            assertThat(connectorState("salesforce")).isEqualTo("running");
        } finally {
            Files.writeString(file, shipped);
            folders.scan();
        }
        assertThat(fileView("salesforce.yaml").path("errors").size()).isZero();
    }

    @Test
    void aConnectedAppMayLogInByTheJwtBearerFlowWithTheKeyInAKeystoreNextToTheFile() throws Exception {
        Path keystore = CONNECTORS_DIR.resolve("salesforce-jwt.p12");
        Path password = CONNECTORS_DIR.resolve("salesforce-jwt.pass");
        Path file = CONNECTORS_DIR.resolve("salesforce-jwt.yaml");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "hub", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=whatsapp-hub", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "keystore-secret", "-keypass", "keystore-secret").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        Files.writeString(password, "keystore-secret\n");
        String jwt = Files.readString(CONNECTORS_DIR.resolve("salesforce.yaml"))
                .replace("flow: client-credentials", "flow: jwt\n  username: integration@example.com\n  keystore: salesforce-jwt.p12\n"
                        + "  keystore-password: ${file:salesforce-jwt.pass}")
                .replaceAll("\n  client-secret: .*", "")
                // another topic, so its events are not taken twice while it runs beside the shipped file
                .replace("topic: /event/Order_Shipped__e", "topic: /event/Order_Returned__e");
        // the org's second Platform Event (the stand-in defines a custom event by its first publish)
        assertThat(http.post(STANDIN + "/events/Order_Returned__e", "{\"Order_Number__c\": \"R-1\"}", JSON).status()).isEqualTo(201);
        int before = http.get(STANDIN + "/logins", Map.of()).json().size();
        try {
            Files.writeString(file, jwt);
            folders.scan();
            assertThat(fileView("salesforce-jwt.yaml").path("errors").size()).as(fileView("salesforce-jwt.yaml").toString()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(connectorState("salesforce-jwt")));
            JsonNode logins = http.get(STANDIN + "/logins", Map.of()).json();
            List<String> grants = new ArrayList<>();
            for (int i = before; i < logins.size(); i++) {
                grants.add(logins.get(i).path("grant_type").asText() + " " + logins.get(i).path("client_id").asText());
            }
            assertThat(grants).contains("urn:ietf:params:oauth:grant-type:jwt-bearer standin-client-id");
        } finally {
            Files.deleteIfExists(file);
            folders.scan();
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(password);
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    private void publish(String order, String to, String recordId, String contactId) {
        Http.Answer published = http.post(STANDIN + "/events/Order_Shipped__e", """
                {"Order_Number__c": "%s", "Contact_Name__c": "Ana Novak", "Mobile__c": "%s", "Language__c": "en", "Carrier__c": "DHL",
                 "Record_Id__c": "%s"%s}""".formatted(order, to, recordId, contactId == null ? "" : ", \"Contact_Id__c\": \"" + contactId + "\""), JSON);
        assertThat(published.status()).as(published.text()).isEqualTo(201);
    }

    private String awaitMessageTo(String to) {
        await().atMost(Duration.ofSeconds(30)).until(() -> messagesTo(to) > 0);
        return jdbc.queryForObject("SELECT id FROM hub_message WHERE recipient = ?", String.class, to);
    }

    /** The message reached read (it is the connector's, not an API key's: the database says). */
    private void awaitRead(String id) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> "read".equals(jdbc.queryForObject("SELECT status FROM hub_message WHERE id = ?", String.class, id)));
    }

    private int messagesTo(String to) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE recipient = ?", Integer.class, to);
    }

    private List<JsonNode> records(String object) {
        List<JsonNode> records = new ArrayList<>();
        http.get(STANDIN + "/records/" + object, Map.of()).json().forEach(records::add);
        return records;
    }

    private JsonNode awaitRecord(String object, Predicate<JsonNode> which) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> records(object).stream().anyMatch(which));
        return records(object).stream().filter(which).findFirst().orElseThrow();
    }

    private JsonNode awaitDeadLetter(String messageId) {
        Predicate<JsonNode> of = d -> messageId.equals(d.path("message_id").asText());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode d : http.get("/api/v1/connectors/salesforce/dead-letters", KEY).json()) {
                if (of.test(d)) {
                    return true;
                }
            }
            return false;
        });
        for (JsonNode d : http.get("/api/v1/connectors/salesforce/dead-letters", KEY).json()) {
            if (of.test(d)) {
                return d;
            }
        }
        throw new AssertionError();
    }

    private List<JsonNode> subscriptions() {
        List<JsonNode> all = new ArrayList<>();
        http.get(STANDIN + "/subscriptions", Map.of()).json().forEach(s -> {
            if ("/event/Order_Shipped__e".equals(s.path("topic").asText())) {
                all.add(s);
            }
        });
        return all;
    }

    /** The replay id of the last Order_Shipped__e the stand-in holds. */
    private String lastReplayId() {
        JsonNode events = http.get(STANDIN + "/events/Order_Shipped__e", Map.of()).json();
        return events.get(events.size() - 1).path("replay_id").asText();
    }

    private String position() {
        return jdbc.query("SELECT replay_id FROM connector_position WHERE connector = 'salesforce' AND topic = '/event/Order_Shipped__e'",
                rs -> rs.next() ? rs.getString(1) : "");
    }

    private double invalidCount() {
        var counter = meters.find("hub.connectors.replay_id_invalid").tag("connector", "salesforce").counter();
        return counter == null ? 0 : counter.count();
    }

    private JsonNode connector(String id) {
        for (JsonNode c : http.get("/api/v1/config", KEY).json().path("connectors")) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        return Http.parse("{}");
    }

    private String connectorState(String id) {
        return connector(id).path("state").asText();
    }

    private JsonNode fileView(String name) {
        for (JsonNode f : http.get("/api/v1/config", KEY).json().path("connector_files")) {
            if (name.equals(f.path("file").asText())) {
                return f;
            }
        }
        throw new AssertionError("no connector file " + name);
    }
}
