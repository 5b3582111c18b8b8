package dev.whatsapphub.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.folder.OperatorFolders;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/**
 * The shipped zendesk connector against the Zendesk stand-in: a conversation no business system
 * owns becomes a ticket, the agent's reply goes to the customer through the sandbox (once, however
 * often Zendesk posts it), its statuses come back as internal notes; outside the window the
 * fallback template goes; a webhook not signed by Zendesk, or too old, sends nothing.
 */
class ZendeskConnectorTests extends HubTestSupport {

    private static final String STANDIN = "/standin/zendesk";
    private static final String WEBHOOK = "/api/v1/connectors/zendesk/webhook";
    private static final String SECRET = "standin-webhook-secret";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Autowired
    OperatorFolders folders;

    @Autowired
    JmsTemplate jms;

    @Autowired
    org.apache.camel.CamelContext camel;

    @Test
    void anUnknownCustomersMessageOpensATicketAndTheAgentsReplyReachesThemOnceWithItsStatusesAsNotes() {
        String customer = newRecipient().substring(1);
        String first = customerSays(customer, "Hello, my parcel never came");
        JsonNode ticket = awaitTicket(t -> hasComment(t, c -> c.path("body").asText().equals("Hello, my parcel never came"))
                && ("+" + customer).equals(t.path("requester").path("phone").asText()));
        assertThat(first).startsWith("wamid.");
        long id = ticket.path("id").asLong();
        assertThat(ticket.path("tags").toString()).contains("whatsapp");
        assertThat(ticket.path("requester").path("external_id").asText()).startsWith("whatsapp:");
        assertThat(ticket.path("requester").path("role").asText()).isEqualTo("end-user");
        assertThat(ticket.path("subject").asText()).startsWith("WhatsApp conversation with ");
        JsonNode opening = ticket.path("comments").get(0);
        assertThat(opening.path("public").asBoolean()).isTrue();
        assertThat(opening.path("author_id").asLong()).isEqualTo(ticket.path("requester_id").asLong());

        // a second message is a comment on the same open ticket
        customerSays(customer, "It was order SO-77");
        awaitTicket(t -> t.path("id").asLong() == id && hasComment(t, c -> c.path("body").asText().equals("It was order SO-77")));
        assertThat(ticketsOf(customer)).hasSize(1);

        // the agent answers from the desk: the stand-in posts the signed webhook, the customer gets the text
        Http.Answer replied = http.post(STANDIN + "/tickets/" + id + "/agent-reply", "{\"body\": \"We are on it, sorry!\"}", JSON);
        assertThat(replied.status()).as(replied.text()).isEqualTo(201);
        assertThat(replied.json().path("webhook").path("status").asInt()).as(replied.text()).isEqualTo(200);
        String commentId = replied.json().path("comment").path("id").asText();
        assertThat(replied.json().path("webhook").path("body").asText()).contains("\"sent_comments\":[\"" + commentId + "\"]");
        await().atMost(Duration.ofSeconds(20)).until(() -> textsTo(customer).contains("We are on it, sorry!"));

        // its statuses are internal notes on the ticket
        JsonNode noted = awaitTicket(t -> t.path("id").asLong() == id && hasComment(t, c -> !c.path("public").asBoolean()
                && c.path("body").asText().contains("is read")));
        assertThat(noted.path("comments")).filteredOn(c -> !c.path("public").asBoolean())
                .anySatisfy(c -> assertThat(c.path("body").asText()).contains("comment " + commentId, "is delivered"));

        // Zendesk delivers the webhook again: nothing is sent twice
        Http.Answer again = http.post(STANDIN + "/webhooks/last/redeliver", "", Map.of());
        assertThat(again.json().path("status").asInt()).isEqualTo(200);
        assertThat(again.json().path("body").asText()).contains("\"already_sent_comments\":[\"" + commentId + "\"]");
        assertThat(textsTo(customer).stream().filter("We are on it, sorry!"::equals)).hasSize(1);

        // the customer answers the agent: a comment on the same ticket
        customerSays(customer, "Thanks!");
        awaitTicket(t -> t.path("id").asLong() == id && hasComment(t, c -> c.path("body").asText().equals("Thanks!")
                && c.path("public").asBoolean()));
        assertThat(ticketsOf(customer)).hasSize(1);
    }

    @Test
    void aWebhookWithABadSignatureOrAnOldTimestampIs401AndSendsNothing() {
        String customer = newRecipient().substring(1);
        customerSays(customer, "Anyone there?");
        long id = awaitTicket(t -> ("+" + customer).equals(t.path("requester").path("phone").asText())).path("id").asLong();
        // the agent's comment is on the ticket; only a webhook Zendesk signed may send it
        String body = "{\"ticket\": {\"id\": \"" + id + "\"}}";
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

        Http.Answer wrong = http.post(WEBHOOK, body, Map.of("Content-Type", "application/json",
                "X-Zendesk-Webhook-Signature", sign("not-the-secret", now, body), "X-Zendesk-Webhook-Signature-Timestamp", now));
        String old = Instant.now().minus(Duration.ofMinutes(6)).truncatedTo(ChronoUnit.SECONDS).toString();
        Http.Answer stale = http.post(WEBHOOK, body, Map.of("Content-Type", "application/json",
                "X-Zendesk-Webhook-Signature", sign(SECRET, old, body), "X-Zendesk-Webhook-Signature-Timestamp", old));
        Http.Answer unsigned = http.post(WEBHOOK, body, JSON);

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.contentType()).contains("application/problem+json");
        assertThat(wrong.json().path("detail").asText()).contains("X-Zendesk-Webhook-Signature does not match");
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.json().path("detail").asText()).contains("more than 5 minutes");
        assertThat(unsigned.status()).isEqualTo(401);

        // signed right and fresh it is taken: there is nothing new to send (no agent has answered yet)
        Http.Answer good = http.post(WEBHOOK, body, Map.of("Content-Type", "application/json",
                "X-Zendesk-Webhook-Signature", sign(SECRET, now, body), "X-Zendesk-Webhook-Signature-Timestamp", now));
        assertThat(good.status()).as(good.text()).isEqualTo(200);
        assertThat(good.json().path("status").asText()).isEqualTo("nothing new");
        assertThat(textsTo(customer)).isEmpty();
        Http.Answer missing = http.post(WEBHOOK, "{}", Map.of("Content-Type", "application/json",
                "X-Zendesk-Webhook-Signature", sign(SECRET, now, "{}"), "X-Zendesk-Webhook-Signature-Timestamp", now));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("detail").asText()).contains("ticket.id");
    }

    @Test
    void anAgentReplyOutsideTheCustomersWindowGoesAsTheFallbackTemplateAndTheTicketSaysSo() {
        String customer = newRecipient().substring(1);
        // the customer wrote 25 hours ago (Meta's timestamp): the window is closed
        long then = Instant.now().minus(Duration.ofHours(25)).getEpochSecond();
        String wamid = "wamid.zendesk-window-" + customer;
        String webhook = """
                {"object": "whatsapp_business_account", "entry": [{"id": "200000000000001", "changes": [{"field": "messages", "value": {
                 "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000001", "phone_number_id": "%s"},
                 "contacts": [{"profile": {"name": "Olga"}, "wa_id": "%s"}],
                 "messages": [{"from": "%s", "id": "%s", "timestamp": "%d", "type": "text", "text": {"body": "Is anyone reading this?"}}]}}]}]}"""
                .formatted(PRIMARY_NUMBER, customer, customer, wamid, then);
        assertThat(http.post("/webhooks/whatsapp", webhook, Map.of("Content-Type", "application/json", WebhookSignature.HEADER,
                WebhookSignature.sign(webhook.getBytes(StandardCharsets.UTF_8), "sandbox-app-secret"))).status()).isEqualTo(200);
        long id = awaitTicket(t -> ("+" + customer).equals(t.path("requester").path("phone").asText())).path("id").asLong();
        assertThat(awaitTicket(t -> t.path("id").asLong() == id).path("requester").path("name").asText()).isEqualTo("Olga");

        Http.Answer replied = http.post(STANDIN + "/tickets/" + id + "/agent-reply", "{\"body\": \"Yes! How can we help?\"}", JSON);
        assertThat(replied.json().path("webhook").path("status").asInt()).as(replied.text()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !sendsTo(customer).isEmpty());
        JsonNode sent = sendsTo(customer).get(0);
        assertThat(sent.path("type").asText()).isEqualTo("template");
        assertThat(sent.path("template").path("name").asText()).isEqualTo("case_updated");
        assertThat(sent.toString()).contains(String.valueOf(id)).doesNotContain("How can we help");
        JsonNode noted = awaitTicket(t -> t.path("id").asLong() == id && hasComment(t, c -> !c.path("public").asBoolean()
                && c.path("body").asText().contains("24-hour window is closed")));
        assertThat(noted.path("comments")).filteredOn(c -> c.path("body").asText().contains("24-hour window"))
                .singleElement().satisfies(c -> assertThat(c.path("body").asText()).contains("case_updated"));
    }

    @Test
    void aMessageTheDeskRefusesGoesToTheConnectorsDeadLettersWithZendesksError() {
        http.post(STANDIN + "/refusals", """
                {"count": 1, "status": 422, "error": "RecordInvalid", "description": "Phone: is not valid for this account"}""", JSON);
        String customer = newRecipient().substring(1);
        String wamid = customerSays(customer, "Refused by the desk");
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetter(wamid) != null);
        String reason = deadLetter(wamid);
        assertThat(reason).contains("HTTP 422", "RecordInvalid", "Phone: is not valid for this account");
        assertThat(ticketsOf(customer)).isEmpty();
        // the consumer went on: the customer's next message opens the ticket
        customerSays(customer, "Second try");
        awaitTicket(t -> ("+" + customer).equals(t.path("requester").path("phone").asText()));
    }

    @Test
    void aTicketDeletedOnTheDeskOrATokenRefusedForAMomentLosesNoMessage() {
        String customer = newRecipient().substring(1);
        customerSays(customer, "About my order");
        long first = awaitTicket(t -> ("+" + customer).equals(t.path("requester").path("phone").asText())).path("id").asLong();
        assertThat(http.delete(STANDIN + "/tickets/" + first).status()).isEqualTo(204);
        // the desk refuses the token once (a token being rotated): tried again, not a dead letter
        http.post(STANDIN + "/refusals", """
                {"count": 1, "status": 401, "error": "Couldn't authenticate you", "description": "token rotated"}""", JSON);
        String wamid = customerSays(customer, "Hello again?");
        JsonNode second = awaitTicket(t -> ("+" + customer).equals(t.path("requester").path("phone").asText())
                && hasComment(t, c -> c.path("body").asText().equals("Hello again?")));
        assertThat(second.path("id").asLong()).isNotEqualTo(first);
        assertThat(deadLetter(wamid)).isNull();
    }

    @Test
    void aBrokenEditIsRejectedWithItsLineAndRuleWhileTheLastGoodVersionKeepsOpeningTickets() throws Exception {
        Path file = CONNECTORS_DIR.resolve("zendesk.yaml");
        String shipped = Files.readString(file);
        try {
            Files.writeString(file, shipped.replace("media: link", "media: fax").replace("token: ${env:ZENDESK_API_TOKEN}", "token: abc123")
                    + "queue: legacy.orders\n");
            folders.scan();
            List<String> errors = new ArrayList<>();
            for (JsonNode f : http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).json().path("connector_files")) {
                if ("zendesk.yaml".equals(f.path("file").asText())) {
                    f.path("errors").forEach(e -> errors.add(e.path("line").asInt() + " " + e.path("field").asText() + ": " + e.path("rule").asText()));
                }
            }
            assertThat(errors).anySatisfy(e -> assertThat(e).matches("\\d+ tickets\\.media: .*"));
            assertThat(errors).anySatisfy(e -> assertThat(e).matches("\\d+ zendesk\\.token: .*"));
            // a setting of another kind, named with the kind that takes it
            assertThat(errors).anySatisfy(e -> assertThat(e).matches("\\d+ queue: is a setting of kind jms, not zendesk: .*"));
            String customer = newRecipient().substring(1);
            customerSays(customer, "Still working?");
            awaitTicket(t -> ("+" + customer).equals(t.path("requester").path("phone").asText()));
        } finally {
            Files.writeString(file, shipped);
            folders.scan();
        }
    }

    @Test
    void aCustomersPhotoArrivesAsALinkToTheHubsMediaStoreOrAttachedWhenTheFileSaysUpload() throws Exception {
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        String linked = newRecipient().substring(1);
        http.post("/sandbox/customers/" + linked + "/messages", """
                {"type": "image", "image": {"mime_type": "image/png", "caption": "the dent", "data_base64": "%s"}}""".formatted(png), JSON);
        JsonNode ticket = awaitTicket(t -> ("+" + linked).equals(t.path("requester").path("phone").asText()));
        assertThat(ticket.path("comments").get(0).path("body").asText()).contains("the dent").containsPattern("\\(image\\) http://\\S+/api/v1/media/\\S+");

        Path file = CONNECTORS_DIR.resolve("zendesk.yaml");
        String shipped = Files.readString(file);
        try {
            Files.writeString(file, shipped.replace("media: link", "media: upload"));
            folders.scan();
            String attached = newRecipient().substring(1);
            http.post("/sandbox/customers/" + attached + "/messages", """
                    {"type": "image", "image": {"mime_type": "image/png", "caption": "the box", "data_base64": "%s"}}""".formatted(png), JSON);
            JsonNode withFile = awaitTicket(t -> ("+" + attached).equals(t.path("requester").path("phone").asText()));
            JsonNode comment = withFile.path("comments").get(0);
            assertThat(comment.path("body").asText()).contains("the box", "image attached");
            assertThat(comment.path("attachments")).singleElement().satisfies(a -> {
                assertThat(a.path("content_type").asText()).isEqualTo("image/png");
                assertThat(a.path("size").asInt()).isEqualTo(Base64.getDecoder().decode(png).length);
            });
        } finally {
            Files.writeString(file, shipped);
            folders.scan();
        }
    }

    @Test
    void aContactsUnownedMessagesFormOneJmsMessageGroupSoOneConsumerOfSeveralHubsTakesThem() throws Exception {
        // the desk's consumer paused, to look at what the default route put on the queue
        camel.getRouteController().stopRoute("connector-zendesk");
        String customer = newRecipient().substring(1);
        List<String> groups;
        try {
            customerSays(customer, "first");
            customerSays(customer, "second");
            await().atMost(Duration.ofSeconds(20)).until(() -> groupsOnTheQueue(customer).size() == 2);
            groups = groupsOnTheQueue(customer);
        } finally {
            camel.getRouteController().startRoute("connector-zendesk");
        }
        assertThat(groups).doesNotContainNull().containsOnly(groups.get(0));
        assertThat(groups.get(0)).isNotBlank();
        // taken once the consumer is back: one ticket with both (in the order they were queued: the hub records
        // customers' messages with several consumers, so two sent a moment apart may be queued either way)
        JsonNode ticket = awaitTicket(t -> ("+" + customer).equals(t.path("requester").path("phone").asText()) && t.path("comments").size() == 2);
        assertThat(ticket.path("comments")).extracting(c -> c.path("body").asText()).containsExactlyInAnyOrder("first", "second");
        assertThat(ticketsOf(customer)).hasSize(1);
    }

    private List<String> groupsOnTheQueue(String customer) {
        return jms.browse("hub.inbound.unassigned", (session, browser) -> {
            List<String> groups = new ArrayList<>();
            for (var e = browser.getEnumeration(); e.hasMoreElements(); ) {
                jakarta.jms.TextMessage m = (jakarta.jms.TextMessage) e.nextElement();
                if (m.getText().contains("+" + customer)) {
                    groups.add(m.getStringProperty("JMSXGroupID"));
                }
            }
            return groups;
        });
    }

    // --- helpers --------------------------------------------------------------------------------

    private String customerSays(String customer, String text) {
        Http.Answer wrote = http.post("/sandbox/customers/" + customer + "/messages", "{\"type\": \"text\", \"text\": {\"body\": \"" + text + "\"}}", JSON);
        assertThat(wrote.status()).as(wrote.text()).isEqualTo(200);
        return wrote.json().path("wamid").asText();
    }

    private List<JsonNode> tickets() {
        List<JsonNode> all = new ArrayList<>();
        http.get(STANDIN + "/tickets", Map.of()).json().forEach(all::add);
        return all;
    }

    private List<JsonNode> ticketsOf(String customer) {
        return tickets().stream().filter(t -> ("+" + customer).equals(t.path("requester").path("phone").asText())).toList();
    }

    private JsonNode awaitTicket(Predicate<JsonNode> which) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> tickets().stream().anyMatch(which));
        return tickets().stream().filter(which).findFirst().orElseThrow();
    }

    private static boolean hasComment(JsonNode ticket, Predicate<JsonNode> which) {
        for (JsonNode c : ticket.path("comments")) {
            if (which.test(c)) {
                return true;
            }
        }
        return false;
    }

    /** What the sandbox received for this customer (the Cloud API request bodies). */
    private List<JsonNode> sendsTo(String customer) {
        List<JsonNode> sends = new ArrayList<>();
        for (JsonNode send : http.get("/sandbox/control/sends", Map.of()).json()) {
            JsonNode body = Http.parse(send.path("body").asText());
            if (("+" + customer).equals(body.path("to").asText()) && send.path("errorCode").asInt() == 0) {
                sends.add(body);
            }
        }
        return sends;
    }

    private List<String> textsTo(String customer) {
        return sendsTo(customer).stream().filter(b -> "text".equals(b.path("type").asText())).map(b -> b.path("text").path("body").asText()).toList();
    }

    /** The reason the connector's dead letter for this customer message gives, or null. */
    private String deadLetter(String wamid) {
        return jms.browse("hub.connectors.zendesk.dlq", (session, browser) -> {
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                jakarta.jms.TextMessage m = (jakarta.jms.TextMessage) messages.nextElement();
                if (m.getText().contains(wamid)) {
                    return m.getStringProperty("hubReason");
                }
            }
            return null;
        });
    }

    private static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((timestamp + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
