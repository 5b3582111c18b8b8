package dev.whatsapphub.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class WebhookIngressTests extends HubTestSupport {

    private static final String NEVER_DELIVERED = "+16505550102";

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    dev.whatsapphub.model.MessageFactory factory;

    @Autowired
    dev.whatsapphub.store.MessageStore store;

    @Test
    void verifyHandshakeEchoesTheChallenge() {
        Http.Answer ok = http.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=sandbox-verify-token&hub.challenge=1158201444", Map.of());

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith("text/plain");
        assertThat(ok.text()).isEqualTo("1158201444");
    }

    @Test
    void verifyHandshakeWithWrongTokenIsForbidden() {
        Http.Answer wrong = http.get("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", Map.of());

        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.text()).doesNotContain("1");
    }

    @Test
    void badSignatureIsRejectedAndChangesNothing() {
        JsonNode sent = sentOnly();
        String body = statuses(status(sent, "read"));
        int events = countEvents();

        Http.Answer forged = http.post("/webhooks/whatsapp", body, Map.of("Content-Type", "application/json",
                WebhookSignature.HEADER, WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), "not-the-app-secret")));
        Http.Answer unsigned = http.post("/webhooks/whatsapp", body, Map.of("Content-Type", "application/json"));

        assertThat(forged.status()).isEqualTo(401);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(forged.contentType()).startsWith("application/problem+json");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> "sent".equals(message(sent.path("id").asText()).path("status").asText()));
        assertThat(countEvents()).isEqualTo(events);
    }

    @Test
    void lateAndDuplicateStatusesNeverMoveAMessageBack() {
        JsonNode sent = sentOnly();
        String id = sent.path("id").asText();

        post(statuses(status(sent, "read")));
        awaitStatus(id, "read");
        post(statuses(status(sent, "delivered"), status(sent, "sent"), status(sent, "read")));
        post(statuses(failed(sent, 131026)));

        await().atMost(Duration.ofSeconds(5)).until(() -> message(id).path("history").size() == 6);
        JsonNode after = message(id);
        assertThat(after.path("status").asText()).isEqualTo("read");
        assertThat(after.path("timestamps").has("delivered")).as("read implies delivered").isTrue();
        assertThat(after.has("error")).as("failed never replaces read").isFalse();
    }

    @Test
    void aPostOfStatusesOnlyIsAppliedBeforeMetaGetsItsAnswer() {
        JsonNode sent = sentOnly();
        String id = sent.path("id").asText();
        int queuedBefore = jdbc.queryForObject("SELECT COUNT(*) FROM message_status_event", Integer.class);

        post(statuses(status(sent, "delivered"), status(sent, "read")));

        // no waiting: the 200 came after the statuses were stored, not after a queue took the post
        JsonNode after = message(id);
        assertThat(after.path("status").asText()).isEqualTo("read");
        assertThat(after.path("timestamps").has("delivered")).isTrue();
        assertThat(countEvents()).isEqualTo(queuedBefore + 2);
    }

    @Test
    void aPostTheDatabaseCannotTakeWhileMetaWaitsGoesThroughTheQueueAndIsAppliedOnceTheDatabaseIsBack() {
        JsonNode sent = sentOnly();
        String id = sent.path("id").asText();
        double queuedBefore = postsBy("queued");

        // the status history cannot be written (a database that fails mid-request): the inline path rolls back
        jdbc.execute("ALTER TABLE message_status_event RENAME TO message_status_event_away");
        try {
            post(statuses(status(sent, "delivered")));
            assertThat(jdbc.queryForObject("SELECT status FROM hub_message WHERE id = ?", String.class, id))
                    .as("not applied while the database failed").isEqualTo("sent");
        } finally {
            jdbc.execute("ALTER TABLE message_status_event_away RENAME TO message_status_event");
        }

        // Meta had its 200 once the post was on disk in hub.webhooks; its consumer retries until the database takes it
        assertThat(postsBy("queued")).isEqualTo(queuedBefore + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(message(id).path("status").asText()));
    }

    private double postsBy(String path) {
        return http.get("/actuator/metrics/hub.webhooks.posts?tag=path:" + path, Map.of()).json()
                .path("measurements").path(0).path("value").asDouble();
    }

    @Test
    void failedStatusRecordsMetasErrorAndWhatToDo() {
        JsonNode sent = sentOnly();

        post(statuses(failed(sent, 131049)));

        JsonNode failed = awaitStatus(sent.path("id").asText(), "failed");
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(131049);
        assertThat(failed.path("error").path("title").asText()).isEqualTo("Held back");
        assertThat(failed.path("error").path("action").asText()).contains("24 hours");
    }

    @Test
    void aFailedStatusDeliveredTwiceMakesOneDeadLetterWithMetasCodeAndTheAction() {
        JsonNode sent = sentOnly();
        String id = sent.path("id").asText();

        post(statuses(failed(sent, 131050)));
        post(statuses(failed(sent, 131050)));

        awaitStatus(id, "failed");
        await().atMost(Duration.ofSeconds(5)).until(() -> !deadLetters(id).isEmpty());
        // the second post has been applied too once its history row is there
        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM message_status_event WHERE wamid = ? AND status = 'failed'", Integer.class, sent.path("wamid").asText()) == 2);
        List<JsonNode> letters = deadLetters(id);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).path("code").asInt()).isEqualTo(131050);
        assertThat(letters.get(0).path("action").asText()).contains("opt-out");
        assertThat(letters.get(0).path("wamid").asText()).isEqualTo(sent.path("wamid").asText());
        assertThat(letters.get(0).path("reason").asText()).contains("(#131050) Held back");
    }

    @Test
    void oneBadItemInABatchDoesNotDropTheOthers() {
        JsonNode a = sentOnly();
        JsonNode b = sentOnly();

        post("""
                {"object": "whatsapp_business_account", "entry": [
                  {"id": "200000000000001", "changes": [{"field": "messages", "value": {"statuses": [%s, {"status": "read"},
                    {"id": "wamid.far-future", "status": "read", "timestamp": "99999999999999999"}]}}]},
                  {"id": "200000000000001", "changes": [{"field": "messages", "value": {"statuses": [%s]}}]}]}"""
                .formatted(status(a, "delivered"), status(b, "read")));

        awaitStatus(a.path("id").asText(), "delivered");
        awaitStatus(b.path("id").asText(), "read");
    }

    @Test
    void statusForAWamidNotStoredYetIsAppliedOnceTheWamidIsThere() {
        String id = sendTemplate(newRecipient(), "primary");
        awaitStatus(id, "read");
        String wamid = message(id).path("wamid").asText();
        jdbc.update("UPDATE hub_message SET wamid = NULL, status = 'queued', status_rank = 0 WHERE id = ?", id);

        // no biz_opaque_callback_data: only the wamid links this status to the message
        post(statuses("{\"id\": \"%s\", \"status\": \"delivered\", \"timestamp\": \"1795598577\"}".formatted(wamid)));
        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM message_status_event WHERE wamid = ? AND applied = FALSE", Integer.class, wamid) == 1);
        jdbc.update("UPDATE hub_message SET wamid = ? WHERE id = ?", wamid, id);

        awaitStatus(id, "delivered");
    }

    @Test
    void statusThatArrivesBeforeTheSendCallReturnedIsApplied() throws Exception {
        // stored but not sent yet: the only link is the hub id Meta echoes in biz_opaque_callback_data
        String id = java.util.UUID.randomUUID().toString();
        var message = factory.accept(id, new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"to\": \"%s\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}".formatted(newRecipient())));
        store.insert(message, "sandbox", "h");

        post(statuses("{\"id\": \"wamid.EARLY-%1$s\", \"status\": \"sent\", \"timestamp\": \"1795598577\", \"biz_opaque_callback_data\": \"%1$s\"}"
                .formatted(id)));

        JsonNode sent = awaitStatus(id, "sent");
        assertThat(sent.path("wamid").asText()).isEqualTo("wamid.EARLY-" + id);
        store.recordAccepted(id, "wamid.EARLY-" + id);
        assertThat(message(id).path("status").asText()).isEqualTo("sent");
    }

    @Test
    void postThatIsNotAWebhookIsAcknowledgedAndKeptAside() {
        post("{\"hello\": \"world\"}");
        post("not json at all");
        // both were signed, so they are acknowledged; the hub keeps running and applies the next one
        JsonNode sent = sentOnly();
        post(statuses(status(sent, "delivered")));
        awaitStatus(sent.path("id").asText(), "delivered");
    }

    @Test
    void inboundMessagesReachTheConversationStage() {
        String from = newRecipient().substring(1);

        post("""
                {"object": "whatsapp_business_account", "entry": [{"id": "200000000000001", "changes": [{"field": "messages",
                 "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "100000000000001"},
                 "contacts": [{"profile": {"name": "Ana"}, "wa_id": "%1$s"}],
                 "messages": [{"from": "%1$s", "id": "wamid.IN-%1$s", "timestamp": "1795598600", "type": "text", "text": {"body": "Hi"}}]}}]}]}"""
                .formatted(from));

        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM inbound_message WHERE wamid = ?", Integer.class, "wamid.IN-" + from) == 1);
    }

    /** A template to a number that the sandbox only ever marks "sent". */
    private JsonNode sentOnly() {
        String id = sendTemplate(NEVER_DELIVERED, "primary");
        return awaitStatus(id, "sent");
    }

    private void post(String body) {
        Http.Answer answer = http.post("/webhooks/whatsapp", body, Map.of("Content-Type", "application/json",
                WebhookSignature.HEADER, WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), "sandbox-app-secret")));
        assertThat(answer.status()).isEqualTo(200);
    }

    private static String statuses(String... items) {
        return """
                {"object": "whatsapp_business_account", "entry": [{"id": "200000000000001", "changes": [{"field": "messages",
                 "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "100000000000001"},
                 "statuses": [%s]}}]}]}""".formatted(String.join(",", items));
    }

    private static String status(JsonNode message, String status) {
        return "{\"id\": \"%s\", \"status\": \"%s\", \"timestamp\": \"%d\", \"recipient_id\": \"16505550102\", \"biz_opaque_callback_data\": \"%s\"}"
                .formatted(message.path("wamid").asText(), status, System.currentTimeMillis() / 1000, message.path("id").asText());
    }

    private static String failed(JsonNode message, int code) {
        return ("{\"id\": \"%s\", \"status\": \"failed\", \"timestamp\": \"%d\", \"biz_opaque_callback_data\": \"%s\", \"errors\": "
                + "[{\"code\": %d, \"title\": \"Held back\", \"message\": \"Held back\", \"error_data\": {\"details\": \"d\"}}]}")
                .formatted(message.path("wamid").asText(), System.currentTimeMillis() / 1000, message.path("id").asText(), code);
    }

    private List<JsonNode> deadLetters(String id) {
        List<JsonNode> found = new java.util.ArrayList<>();
        http.get("/api/v1/dead-letters", Map.of("X-API-Key", API_KEY)).json().forEach(l -> {
            if (id.equals(l.path("message_id").asText())) {
                found.add(l);
            }
        });
        return found;
    }

    private int countEvents() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM message_status_event", Integer.class);
    }
}
