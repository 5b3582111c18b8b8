package dev.whatsapphub.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.contact.Contact;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Customers' messages, written through the sandbox (its customers endpoint, Meta's signed
 * envelope): each type stored once with its contact, and the contact followed through the ids
 * Meta gives it (user id, phone number, username, changes of either).
 */
class InboundMessagesTests extends HubTestSupport {

    private static final String WABA = "200000000000001";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Autowired
    InboundStore inbound;

    @Autowired
    ContactStore contacts;

    @Autowired
    ObjectMapper mapper;

    @Test
    void everyInboundTypeIsStoredWithItsContactProfileNameTimestampAndRawPayload() throws Exception {
        String customer = newRecipient();
        List<String> bodies = List.of(
                "{\"type\": \"text\", \"text\": {\"body\": \"Hola\"}}",
                "{\"type\": \"image\", \"image\": {\"caption\": \"the parcel\"}}",
                "{\"type\": \"video\", \"video\": {}}",
                "{\"type\": \"audio\", \"audio\": {\"voice\": true}}",
                "{\"type\": \"document\", \"document\": {\"filename\": \"invoice.pdf\"}}",
                "{\"type\": \"sticker\", \"sticker\": {\"animated\": false}}",
                "{\"type\": \"location\", \"location\": {\"latitude\": 40.4, \"longitude\": -3.7, \"name\": \"Sol\"}}",
                "{\"type\": \"contacts\", \"contacts\": [{\"name\": {\"formatted_name\": \"Ana\"}, \"phones\": [{\"phone\": \"+34 600 000 000\"}]}]}",
                "{\"type\": \"button\", \"button\": {\"payload\": \"track-42\", \"text\": \"Track\"}}",
                "{\"type\": \"interactive\", \"interactive\": {\"type\": \"button_reply\", \"button_reply\": {\"id\": \"yes\", \"title\": \"Yes\"}}}",
                "{\"type\": \"interactive\", \"interactive\": {\"type\": \"list_reply\", \"list_reply\": {\"id\": \"mon9\", \"title\": \"09:00\"}}}",
                "{\"type\": \"reaction\", \"reaction\": {\"message_id\": \"wamid.X\", \"emoji\": \"\\ud83d\\udc4d\"}}",
                "{\"type\": \"order\", \"order\": {\"catalog_id\": \"c1\", \"product_items\": [{\"product_retailer_id\": \"SKU1\", \"quantity\": 2}]}}",
                "{\"type\": \"system\", \"system\": {\"body\": \"Messages are now secured\", \"type\": \"customer_identity_changed\"}}",
                "{\"type\": \"unsupported\", \"errors\": [{\"code\": 131051, \"title\": \"Message type unknown\"}]}");
        List<String> wamids = bodies.stream().map(body -> write(customer, body).path("wamid").asText()).toList();

        await().atMost(Duration.ofSeconds(20)).until(() -> wamids.stream().allMatch(w -> inbound.find(w).isPresent()));
        Contact contact = contacts.byWaId(WABA, customer.substring(1)).orElseThrow();
        assertThat(contact.userId()).as("Meta's business-scoped user id, learned with the number").matches("ES\\.\\d{20}");
        assertThat(contact.profileName()).startsWith("Sandbox User");
        for (int i = 0; i < bodies.size(); i++) {
            InboundStore.Stored stored = inbound.find(wamids.get(i)).orElseThrow();
            JsonNode sent = mapper.readTree(bodies.get(i));
            JsonNode raw = mapper.readTree(stored.raw());
            assertThat(stored.type()).isEqualTo(sent.path("type").asText());
            assertThat(stored.contactId()).isEqualTo(contact.id());
            assertThat(stored.sender()).isEqualTo("primary");
            assertThat(stored.profileName()).isEqualTo(contact.profileName());
            assertThat(stored.sentAt()).isNotNull();
            assertThat(raw.path("from_user_id").asText()).isEqualTo(contact.userId());
            assertThat(raw.path(stored.type())).as("the raw payload of " + stored.type()).isEqualTo(
                    sent.path(stored.type()).isMissingNode() ? raw.path(stored.type()) : withMedia(sent.path(stored.type()), raw.path(stored.type())));
        }
        assertThat(inbound.ofContact(contact.id())).hasSize(bodies.size());
    }

    @Test
    void theSameWamidTwiceIsStoredOnce() {
        String customer = newRecipient();
        String wamid = "wamid.TWICE" + System.nanoTime();
        write(customer, "{\"type\": \"text\", \"text\": {\"body\": \"once\"}, \"id\": \"%s\"}".formatted(wamid));
        write(customer, "{\"type\": \"text\", \"text\": {\"body\": \"once\"}, \"id\": \"%s\"}".formatted(wamid));
        String later = write(customer, "{\"type\": \"text\", \"text\": {\"body\": \"after\"}}").path("wamid").asText();

        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(later).isPresent());
        Contact contact = contacts.byWaId(WABA, customer.substring(1)).orElseThrow();
        assertThat(inbound.ofContact(contact.id())).extracting(InboundStore.Stored::wamid).containsExactlyInAnyOrder(wamid, later);
    }

    @Test
    void aUsernameUserWithoutPhoneNumberIsStoredUnderTheirUserId() {
        String userId = "US." + System.nanoTime();
        JsonNode answer = write(userId, "{\"type\": \"text\", \"text\": {\"body\": \"no number here\"}}");
        String wamid = answer.path("wamid").asText();

        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(wamid).isPresent());
        Contact contact = contacts.byUserId(WABA, userId).orElseThrow();
        assertThat(contact.waId()).as("Meta left the phone number out").isNull();
        assertThat(contact.username()).isNotBlank();
        assertThat(inbound.find(wamid).orElseThrow().contactId()).isEqualTo(contact.id());
    }

    @Test
    void aPhoneNumberSeenBeforeItsUserIdIsOneContact() {
        String waId = newRecipient().substring(1);
        String userId = "ES." + System.nanoTime();
        String first = "wamid.OLD" + System.nanoTime();
        // a webhook of before 2026: the phone number only
        postWebhook("messages", """
                {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000001", "phone_number_id": "%s"},
                 "contacts": [{"profile": {"name": "Ana"}, "wa_id": "%s"}],
                 "messages": [{"from": "%s", "id": "%s", "timestamp": "1767225600", "type": "text", "text": {"body": "hi"}}]}"""
                .formatted(PRIMARY_NUMBER, waId, waId, first));
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(first).isPresent());
        String second = "wamid.NEW" + System.nanoTime();
        postWebhook("messages", """
                {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000001", "phone_number_id": "%s"},
                 "contacts": [{"profile": {"name": "Ana"}, "wa_id": "%s", "user_id": "%s"}],
                 "messages": [{"from": "%s", "from_user_id": "%s", "id": "%s", "timestamp": "1767225660", "type": "text", "text": {"body": "again"}}]}"""
                .formatted(PRIMARY_NUMBER, waId, userId, waId, userId, second));
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(second).isPresent());

        Contact contact = contacts.byUserId(WABA, userId).orElseThrow();
        assertThat(contact.waId()).isEqualTo(waId);
        assertThat(contacts.byWaId(WABA, waId)).map(Contact::id).contains(contact.id());
        assertThat(inbound.ofContact(contact.id())).extracting(InboundStore.Stored::wamid).containsExactly(first, second);
    }

    @Test
    void aUserIdUpdateAndAUserChangedUserIdSystemMessageMoveTheContactToItsNewId() {
        String userId = "US." + System.nanoTime();
        String wamid = write(userId, "{\"type\": \"text\", \"text\": {\"body\": \"before\"}}").path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(wamid).isPresent());
        String contactId = contacts.byUserId(WABA, userId).orElseThrow().id();

        String renamed = userId + "1";
        postWebhook("user_id_update", """
                {"messaging_product": "whatsapp", "user_id_update": [{"detail": "user id changed",
                 "user_id": {"previous": "%s", "current": "%s"}, "timestamp": "1767225600"}]}""".formatted(userId, renamed));
        await().atMost(Duration.ofSeconds(20)).until(() -> contacts.byUserId(WABA, renamed).isPresent());
        assertThat(contacts.byUserId(WABA, renamed)).map(Contact::id).contains(contactId);
        assertThat(contacts.byUserId(WABA, userId)).isEmpty();

        String again = renamed + "2";
        String system = write(renamed, """
                {"type": "system", "system": {"body": "User changed from %s to %s", "type": "user_changed_user_id", "user_id": "%s"}}"""
                .formatted(renamed, again, again)).path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(system).isPresent());
        assertThat(contacts.byUserId(WABA, again)).map(Contact::id).contains(contactId);
        assertThat(inbound.ofContact(contactId)).extracting(InboundStore.Stored::wamid).containsExactly(wamid, system);
    }

    @Test
    void aSenderWithMarkReadMarksWhatItStoredAndTheOthersDoNot() {
        String toPrimary = write(newRecipient(), "{\"type\": \"text\", \"text\": {\"body\": \"hi\"}}").path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(toPrimary).isPresent());
        String toSecondary = write(newRecipient(), "{\"type\": \"text\", \"text\": {\"body\": \"hi\"}, \"phone_number_id\": \"100000000000002\"}")
                .path("wamid").asText();

        // the primary's message was stored first: a receipt for it would have been sent by now
        await().atMost(Duration.ofSeconds(20)).until(() -> readReceipts().contains("100000000000002/" + toSecondary));
        assertThat(readReceipts()).noneMatch(r -> r.endsWith(toPrimary));
    }

    private List<String> readReceipts() {
        List<String> receipts = new java.util.ArrayList<>();
        http.get("/sandbox/control/read-receipts", Map.of()).json()
                .forEach(r -> receipts.add(r.path("phoneNumberId").asText() + "/" + r.path("messageId").asText()));
        return receipts;
    }

    @Test
    void theSandboxNamesTheFieldItCannotUse() {
        Http.Answer noType = http.post("/sandbox/customers/+34612000999/messages", "{\"text\": {\"body\": \"hi\"}}", JSON);
        Http.Answer noObject = http.post("/sandbox/customers/+34612000999/messages", "{\"type\": \"location\"}", JSON);
        Http.Answer notACustomer = http.post("/sandbox/customers/nobody/messages", "{\"type\": \"text\", \"text\": {\"body\": \"hi\"}}", JSON);

        assertThat(noType.status()).isEqualTo(400);
        assertThat(noType.json().path("field").asText()).isEqualTo("type");
        assertThat(noObject.json().path("field").asText()).isEqualTo("location");
        assertThat(notACustomer.json().path("field").asText()).isEqualTo("customer");
    }

    /** The media object the sandbox filled in (id, type, checksum, direct URL) on top of what the test gave. */
    private static JsonNode withMedia(JsonNode sent, JsonNode received) {
        if (!received.has("sha256")) {
            return sent;
        }
        com.fasterxml.jackson.databind.node.ObjectNode expected = sent.deepCopy();
        expected.set("id", received.get("id"));
        expected.set("mime_type", received.get("mime_type"));
        expected.set("sha256", received.get("sha256"));
        expected.set("url", received.get("url"));
        return expected;
    }

    private JsonNode write(String customer, String body) {
        Http.Answer answer = http.post("/sandbox/customers/" + customer + "/messages", body, JSON);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json();
    }

    private void postWebhook(String field, String value) {
        String body = """
                {"object": "whatsapp_business_account", "entry": [{"id": "%s", "changes": [{"field": "%s", "value": %s}]}]}"""
                .formatted(WABA, field, value);
        Http.Answer answer = http.post("/webhooks/whatsapp", body, Map.of("Content-Type", "application/json",
                WebhookSignature.HEADER, WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), "sandbox-app-secret")));
        assertThat(answer.status()).isEqualTo(200);
    }
}
