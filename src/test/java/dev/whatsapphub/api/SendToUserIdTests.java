package dev.whatsapphub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.inbound.InboundStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Replying to a customer known by Meta's business-scoped user id: a username user, whose phone
 * number webhooks leave out, is reached through Meta's {@code recipient} field; a user id whose
 * phone number the hub has learned goes as {@code to}; authentication templates cannot go to one.
 */
class SendToUserIdTests extends HubTestSupport {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Autowired
    InboundStore inbound;

    @Autowired
    ContactStore contacts;

    @Test
    void aUsernameUserIsAnsweredThroughRecipientAndTheStatusesComeBack() {
        String userId = "US." + System.nanoTime();
        customerWrites(userId, ", \"username_user\": true");

        String id = send("{\"to\": \"%s\", \"text\": {\"body\": \"Thanks for writing\"}}".formatted(userId)).json().path("id").asText();

        awaitStatus(id, "read");
        JsonNode payload = sentTo(userId);
        assertThat(payload.path("recipient").asText()).isEqualTo(userId);
        assertThat(payload.has("to")).as("no phone number known").isFalse();
        assertThat(message(id).path("to").asText()).isEqualTo(userId);
    }

    @Test
    void aUserIdWhosePhoneNumberIsKnownGoesToThePhoneNumber() {
        String phone = newRecipient();
        String userId = customerWrites(phone, "");

        String id = send("{\"to\": \"%s\", \"text\": {\"body\": \"Hello again\"}}".formatted(userId)).json().path("id").asText();

        awaitStatus(id, "read");
        assertThat(sentTo(phone.substring(1)).path("to").asText()).isEqualTo(phone);
    }

    @Test
    void theStatusesOfASendTeachTheHubTheCustomersUserId() {
        String phone = newRecipient();
        String id = send("{\"to\": \"%s\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}".formatted(phone))
                .json().path("id").asText();
        awaitStatus(id, "read");

        // the sandbox's statuses carry contacts[] with wa_id and user_id, as Meta's do since 2026
        await().atMost(Duration.ofSeconds(10)).until(() -> contacts.byWaId("200000000000001", phone.substring(1))
                .map(c -> c.userId() != null).orElse(false));
        String userId = contacts.byWaId("200000000000001", phone.substring(1)).orElseThrow().userId();
        assertThat(userId).startsWith("ES.");
    }

    @Test
    void anAuthenticationTemplateToAUserIdIsRefusedAtAcceptance() {
        Http.Answer refused = send("""
                {"to": "US.13491208655302741918", "template": {"name": "login_code", "language": "en_US", "parameters": ["123456"]}}""");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(refused.json().path("errors").toString()).contains("\"field\":\"to\"", "131062");
    }

    @Test
    void aMalformedUserIdIsNotAPhoneNumberEither() {
        Http.Answer refused = send("{\"to\": \"us.123\", \"text\": {\"body\": \"hi\"}}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("errors").get(0).path("field").asText()).isEqualTo("to");
    }

    /** The customer writes (opening the window); returns their user id once the hub has stored the message. */
    private String customerWrites(String customer, String extra) {
        Http.Answer wrote = http.post("/sandbox/customers/" + customer + "/messages",
                "{\"type\": \"text\", \"text\": {\"body\": \"hi\"}%s}".formatted(extra), JSON);
        assertThat(wrote.status()).as(wrote.text()).isEqualTo(200);
        String wamid = wrote.json().path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(wamid).isPresent());
        return wrote.json().path("user_id").asText();
    }

    /** The body of the last send the sandbox received for {@code to} (digits or user id). */
    private JsonNode sentTo(String to) {
        JsonNode sends = http.get("/sandbox/control/sends?to=" + to, Map.of()).json();
        if (sends.isEmpty()) {
            // the filter matches digits: a user id is found by scanning
            for (JsonNode s : http.get("/sandbox/control/sends", Map.of()).json()) {
                if (to.equals(s.path("to").asText())) {
                    return Http.parse(s.path("body").asText());
                }
            }
            throw new AssertionError("the sandbox received nothing for " + to);
        }
        return Http.parse(sends.get(sends.size() - 1).path("body").asText());
    }
}
