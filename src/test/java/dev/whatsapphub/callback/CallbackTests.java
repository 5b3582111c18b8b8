package dev.whatsapphub.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/**
 * Callbacks as a connected system receives them, in the sandbox's callback inbox: statuses,
 * replies correlated by the quoted message or the tapped button, opt-outs; signed, in order per
 * message, retried until the receiver is back (same event ids), dead-lettered and replayed.
 */
class CallbackTests extends HubTestSupport {

    private static final String SECRET = "sandbox-callback-secret";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Map<String, String> EVENTS = Map.of("X-API-Key", API_KEY, "Content-Type", "application/cloudevents+json");

    @Autowired
    JmsTemplate jms;

    @Test
    void everyStatusReachesTheCallbackSignedInOrderWithTheMetadata() {
        String inbox = inbox("statuses");
        String id = send("""
                {"to": "%s", "template": {"name": "hello_world", "language": "en_US"}, "metadata": {"crm_case": "C-7"},
                 "callback_url": "%s"}""".formatted(newRecipient(), url(inbox))).json().path("id").asText();

        List<JsonNode> received = awaitCallbacks(inbox, 3);

        assertThat(received).extracting(c -> c.path("event_id").asText()).containsExactly(id + ":sent", id + ":delivered", id + ":read");
        assertThat(received).allSatisfy(c -> {
            assertThat(c.path("type").asText()).isEqualTo("message.status");
            assertThat(c.path("message").path("id").asText()).isEqualTo(id);
            assertThat(c.path("metadata").path("crm_case").asText()).isEqualTo("C-7");
        });
        assertThat(received.get(2).path("message").path("wamid").asText()).startsWith("wamid.");
        assertSigned(inbox);
    }

    @Test
    void aReceiverThatFailsThreeTimesStillGetsEveryStatusWithTheSameEventIds() {
        String inbox = inbox("flaky");
        http.put("/sandbox/callbacks/" + inbox + "/failures", "{\"count\": 3, \"status\": 503}");
        String id = send("""
                {"to": "%s", "template": {"name": "hello_world", "language": "en_US"}, "callback_url": "%s"}"""
                .formatted(newRecipient(), url(inbox))).json().path("id").asText();

        List<JsonNode> delivered = awaitCallbacks(inbox, 3);

        assertThat(delivered).extracting(c -> c.path("event_id").asText()).containsExactly(id + ":sent", id + ":delivered", id + ":read");
        List<String> refused = new ArrayList<>();
        posts(inbox).forEach(p -> {
            if (p.path("answered").asInt() != 200) {
                refused.add(Http.parse(p.path("body").asText()).path("event_id").asText());
            }
        });
        // the refused posts were of the first callback, tried again under the same event id
        assertThat(refused).containsExactly(id + ":sent", id + ":sent", id + ":sent");
        assertSigned(inbox);
    }

    @Test
    void aCallbackThatKeepsFailingIsDeadLetteredWithTheReasonAndReplayed() {
        String inbox = inbox("down");
        http.put("/sandbox/callbacks/" + inbox + "/failures", "{\"count\": 1000, \"status\": 500}");
        String id = send("""
                {"to": "%s", "template": {"name": "hello_world", "language": "en_US"}, "callback_url": "%s"}"""
                .formatted(newRecipient(), url(inbox))).json().path("id").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> dead().stream().anyMatch(d -> d.path("event_id").asText().equals(id + ":sent")));
        JsonNode letter = dead().stream().filter(d -> d.path("event_id").asText().equals(id + ":sent")).findFirst().orElseThrow();
        assertThat(letter.path("attempts").asInt()).isEqualTo(5);
        assertThat(letter.path("last_error").asText()).isEqualTo("HTTP 500");
        assertThat(letter.path("target").asText()).isEqualTo(url(inbox));

        http.put("/sandbox/callbacks/" + inbox + "/failures", "{\"count\": 0}");
        Http.Answer replayed = http.post("/api/v1/callbacks/" + id + ":sent/replay", "", Map.of("X-API-Key", API_KEY));
        assertThat(replayed.status()).isEqualTo(200);

        // the dead callback goes first, then the statuses that waited behind it, in order
        List<JsonNode> delivered = awaitCallbacks(inbox, 3);
        assertThat(delivered).extracting(c -> c.path("event_id").asText()).containsExactly(id + ":sent", id + ":delivered", id + ":read");
    }

    @Test
    void aReplyToTheMessageAnEventSentReachesTheEventsSystemWithItsMetadata() {
        String phone = newRecipient();
        String messageId = postEvent(phone);
        String wamid = awaitStatus(messageId, "read").path("wamid").asText();

        // the customer quotes the shipping notice
        customerSends(phone, "{\"type\": \"text\", \"text\": {\"body\": \"Can you leave it with the neighbour?\"}, \"context\": {\"id\": \"%s\"}}"
                .formatted(wamid));

        JsonNode reply = awaitOfType("sandbox", "message.reply", messageId);
        assertThat(reply.path("reply").path("text").asText()).isEqualTo("Can you leave it with the neighbour?");
        assertThat(reply.path("reply").path("linked").asBoolean()).isTrue();
        assertThat(reply.path("reply").path("from").path("phone").asText()).isEqualTo(phone);
        assertThat(reply.path("metadata").path("order_id").asText()).isEqualTo("A-" + phone.substring(8));
        assertThat(reply.path("message").path("wamid").asText()).isEqualTo(wamid);
        assertSigned("sandbox");
    }

    @Test
    void aButtonTapIsCorrelatedByItsPayloadAndTheClientGetsItsOwnPayloadBack() {
        String phone = newRecipient();
        String id = send("""
                {"to": "%s", "template": {"name": "case_updated", "language": "en_US",
                  "parameters": {"first_name": "Ana", "case_number": "00001026", "case_status": "Waiting on you"}}}"""
                .formatted(phone)).json().path("id").asText();
        awaitStatus(id, "read");
        JsonNode sent = Http.parse(http.get("/sandbox/control/sends?to=" + phone.substring(1), Map.of()).json().get(0).path("body").asText());
        String payload = "";
        for (JsonNode c : sent.path("template").path("components")) {
            if ("quick_reply".equals(c.path("sub_type").asText())) {
                payload = c.path("parameters").get(0).path("payload").asText();
            }
        }
        assertThat(payload).startsWith("h1." + id + ".");

        // a tap without Meta's context: the payload alone says which message it answers
        customerSends(phone, "{\"type\": \"button\", \"button\": {\"payload\": \"%s\", \"text\": \"Reply to the case\"}}".formatted(payload));

        JsonNode reply = awaitOfType("sandbox", "message.reply", id);
        assertThat(reply.path("reply").path("linked").asBoolean()).isTrue();
        assertThat(reply.path("reply").path("button").path("text").asText()).isEqualTo("Reply to the case");
        assertThat(reply.path("reply").path("button").path("payload").isNull()).isTrue();
    }

    @Test
    void aMessageWithoutContextGoesToTheContactsLatestOriginAndAStrangersToTheDefaultRoute() {
        String phone = newRecipient();
        String id = send("{\"to\": \"%s\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}".formatted(phone))
                .json().path("id").asText();
        awaitStatus(id, "read");

        customerSends(phone, "{\"type\": \"text\", \"text\": {\"body\": \"Who is this?\"}}");
        JsonNode reply = awaitOfType("sandbox", "message.reply", id);
        assertThat(reply.path("reply").path("linked").asBoolean()).as("not quoted: routed by recency").isFalse();

        String stranger = newRecipient();
        String wamid = customerSends(stranger, "{\"type\": \"text\", \"text\": {\"body\": \"Hello, I saw your ad\"}}");
        // the default route (hub.inbound.unassigned) is the support desk's: the stranger's words open a ticket
        assertThat(wamid).startsWith("wamid.");
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/standin/zendesk/tickets", Map.of()).text().contains("Hello, I saw your ad"));
    }

    @Test
    void aUsernameUsersReplyIsStoredAndRouted() {
        String userId = "US." + System.nanoTime();
        customerSends(userId, "{\"type\": \"text\", \"text\": {\"body\": \"hi\"}, \"username_user\": true}");
        // once the hub has stored the customer's message, the window is open
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Http.Answer answer = send("{\"to\": \"%s\", \"text\": {\"body\": \"How can we help?\"}}".formatted(userId));
            id[0] = answer.json().path("id").asText();
            return answer.status() == 202;
        });
        String wamid = awaitStatus(id[0], "read").path("wamid").asText();

        customerSends(userId, "{\"type\": \"text\", \"text\": {\"body\": \"My order\"}, \"context\": {\"id\": \"%s\"}, \"username_user\": true}"
                .formatted(wamid));

        JsonNode reply = awaitOfType("sandbox", "message.reply", id[0]);
        assertThat(reply.path("reply").path("from").path("user_id").asText()).isEqualTo(userId);
        assertThat(reply.path("reply").path("from").has("phone")).isFalse();
    }

    @Test
    void anOptOutGoesToTheSystemThatLastWroteToTheCustomer() {
        String phone = newRecipient();
        String id = send("{\"to\": \"%s\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}".formatted(phone))
                .json().path("id").asText();
        awaitStatus(id, "read");

        customerSends(phone, "{\"type\": \"text\", \"text\": {\"body\": \"STOP\"}}");

        JsonNode out = awaitOfType("sandbox", "contact.opt_out", id);
        assertThat(out.path("contact").path("phone").asText()).isEqualTo(phone);
        assertThat(out.path("contact").path("source").asText()).isEqualTo("keyword");
        assertThat(out.path("contact").path("category").asText()).isEqualTo("marketing");
    }

    @Test
    void theTimelineOfAFailedMessageShowsTheAttemptMetasErrorAndTheCallback() {
        String inbox = inbox("timeline");
        // not on WhatsApp: Meta accepts the send, then fails it with 131026
        String id = send("""
                {"to": "+16505550101", "template": {"name": "hello_world", "language": "en_US"}, "callback_url": "%s"}"""
                .formatted(url(inbox))).json().path("id").asText();
        awaitStatus(id, "failed");
        awaitCallbacks(inbox, 1);

        JsonNode timeline = http.get("/api/v1/messages/" + id + "/timeline", Map.of("X-API-Key", API_KEY)).json();

        List<String> steps = new ArrayList<>();
        timeline.path("steps").forEach(s -> steps.add(s.path("step").asText()));
        assertThat(steps).containsSubsequence("accepted", "sent_to_meta", "status_failed", "callback_message.status", "callback_delivered");
        JsonNode failed = null;
        for (JsonNode s : timeline.path("steps")) {
            if (s.path("step").asText().equals("status_failed")) {
                failed = s;
            }
        }
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(131026);
        assertThat(failed.path("error").path("action").asText()).contains("another way");
        assertThat(timeline.path("steps").get(0).path("content").path("template").asText()).isEqualTo("hello_world");
    }

    @Test
    void theTimelineShowsARefusedAttemptAndTheReplyLinkedToTheMessage() {
        // one send refused by a transient error first, then sent; the customer replies to it
        // on the burst sender's number, which no other test uses meanwhile
        http.put("/sandbox/control/faults/100000000000003", "{\"code\": 131000, \"count\": 1}");
        String phone = newRecipient();
        String id = send("{\"to\": \"%s\", \"from\": \"burst\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}"
                .formatted(phone)).json().path("id").asText();
        String wamid = awaitStatus(id, "read").path("wamid").asText();
        customerSends(phone, "{\"type\": \"text\", \"text\": {\"body\": \"thanks\"}, \"context\": {\"id\": \"%s\"}, \"phone_number_id\": \"100000000000003\"}"
                .formatted(wamid));
        awaitOfType("sandbox", "message.reply", id);

        JsonNode timeline = http.get("/api/v1/messages/" + id + "/timeline", Map.of("X-API-Key", API_KEY)).json();

        List<String> steps = new ArrayList<>();
        timeline.path("steps").forEach(s -> steps.add(s.path("step").asText()));
        assertThat(steps).containsSubsequence("accepted", "attempt_failed", "sent_to_meta", "status_read", "reply");
        assertThat(timeline.toString()).contains("131000");
    }

    @Test
    void aClientWithACallbackQueueGetsItsCallbacksThereWithTheCorrelationId() {
        String correlation = "ORD-" + System.nanoTime();
        Http.Answer sent = http.post("/api/v1/messages", """
                {"to": "%s", "template": {"name": "hello_world", "language": "en_US"}, "metadata": {"correlation_id": "%s"}}"""
                .formatted(newRecipient(), correlation), Map.of("X-API-Key", "other-key", "Content-Type", "application/json"));
        String id = sent.json().path("id").asText();

        jms.setReceiveTimeout(20_000);
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var message = jms.receiveSelected("erp.whatsapp.callbacks", "JMSCorrelationID = '" + correlation + "'");
            assertThat(message).as("callback " + (i + 1) + " on the queue").isNotNull();
            JsonNode body = Http.parse((String) convert(message));
            assertThat(body.path("message").path("id").asText()).isEqualTo(id);
            statuses.add(body.path("message").path("status").asText());
        }
        assertThat(statuses).containsExactly("sent", "delivered", "read");
    }

    @Test
    void aMappingsCallbackTakesTheStatusesAndRepliesOfItsMessages() throws Exception {
        String inbox = inbox("mapping");
        java.nio.file.Path file = ROUTES_DIR.resolve("zz-callback-test.yaml");
        java.nio.file.Files.writeString(file, """
                mapping: callback-test
                on: com.example.callback.test
                to: ${body[phone]}
                template:
                  name: hello_world
                  language: en_US
                callback: %s
                """.formatted(url(inbox)));
        String phone = newRecipient();
        String event = """
                {"specversion":"1.0","id":"cb-%s","source":"/test","type":"com.example.callback.test","data":{"phone":"%s"}}"""
                .formatted(phone.substring(1), phone);
        // the file is loaded (its version listed) before the event is posted: an event posted earlier would stay unrouted
        String version = dev.whatsapphub.Digests.sha256(java.nio.file.Files.readString(file)).substring(0, 12);
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).json().path("files")
                .findValuesAsText("version").contains(version));
        Http.Answer posted = http.post("/api/v1/events", event, EVENTS);
        assertThat(posted.json().path("status").asText()).as(posted.text()).isEqualTo("routed");

        try {
            List<JsonNode> delivered = awaitCallbacks(inbox, 3);

            assertThat(delivered).extracting(c -> c.path("message").path("status").asText()).containsExactly("sent", "delivered", "read");
            assertThat(delivered.get(0).path("metadata").path("event").path("id").asText()).isEqualTo("cb-" + phone.substring(1));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    private Object convert(jakarta.jms.Message message) {
        try {
            return ((jakarta.jms.TextMessage) message).getText();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private String postEvent(String phone) {
        String event = """
                {"specversion":"1.0","id":"evt-%s","source":"/erp/orders","type":"com.example.order.shipped","subject":"A-%s",
                 "datacontenttype":"application/json","data":{"orderId":"A-%s","customer":{"name":"Ana","phone":"%s","language":"en"},
                 "carrier":"DHL"}}""".formatted(phone.substring(1), phone.substring(8), phone.substring(8), phone);
        Http.Answer answer = http.post("/api/v1/events", event, EVENTS);
        assertThat(answer.status()).as(answer.text()).isLessThan(300);
        return answer.json().path("messages").get(0).path("id").asText();
    }

    private String customerSends(String customer, String body) {
        Http.Answer wrote = http.post("/sandbox/customers/" + customer + "/messages", body, JSON);
        assertThat(wrote.status()).as(wrote.text()).isEqualTo(200);
        return wrote.json().path("wamid").asText();
    }

    private static int inboxes;

    private static synchronized String inbox(String name) {
        return name + "-" + (++inboxes) + "-" + System.nanoTime();
    }

    private static String url(String inbox) {
        return "http://localhost:" + port() + "/sandbox/callbacks/" + inbox;
    }

    private List<JsonNode> posts(String inbox) {
        List<JsonNode> posts = new ArrayList<>();
        http.get("/sandbox/callbacks/" + inbox, Map.of()).json().forEach(posts::add);
        return posts;
    }

    /** The bodies the inbox answered 200, once each. */
    private List<JsonNode> accepted(String inbox) {
        Map<String, JsonNode> byEvent = new LinkedHashMap<>();
        for (JsonNode p : posts(inbox)) {
            if (p.path("answered").asInt() == 200) {
                JsonNode body = Http.parse(p.path("body").asText());
                byEvent.putIfAbsent(body.path("event_id").asText(), body);
            }
        }
        return new ArrayList<>(byEvent.values());
    }

    private List<JsonNode> awaitCallbacks(String inbox, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted(inbox).size() >= count);
        return accepted(inbox);
    }

    private JsonNode awaitOfType(String inbox, String type, String messageId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted(inbox).stream()
                .anyMatch(c -> c.path("type").asText().equals(type) && c.path("message").path("id").asText().equals(messageId)));
        return accepted(inbox).stream().filter(c -> c.path("type").asText().equals(type)
                && c.path("message").path("id").asText().equals(messageId)).findFirst().orElseThrow();
    }

    /** Every post to the inbox carries a valid signature over its exact body, made in the last minutes. */
    private void assertSigned(String inbox) {
        for (JsonNode post : posts(inbox)) {
            String header = post.path("headers").path("x-hub-callback-signature").asText();
            assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
            long t = Long.parseLong(header.substring(2, header.indexOf(',')));
            assertThat(t).isBetween(Instant.now().minusSeconds(600).getEpochSecond(), Instant.now().getEpochSecond() + 5);
            assertThat(header.substring(header.indexOf("v1=") + 3)).isEqualTo(CallbackSignature.hmac(t + "." + post.path("body").asText(), SECRET));
        }
    }

    private List<JsonNode> dead() {
        List<JsonNode> dead = new ArrayList<>();
        http.get("/api/v1/callbacks?state=dead", Map.of("X-API-Key", API_KEY)).json().forEach(dead::add);
        return dead;
    }
}
