package dev.whatsapphub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/conversations/{customer}}: both directions, the window and the opt-outs of one contact. */
class ConversationsTests extends HubTestSupport {

    private static final Map<String, String> KEY = Map.of("X-API-Key", API_KEY);

    @Test
    void aConversationShowsBothWaysTheWindowAndTheOptOut() {
        String phone = newRecipient();
        customerWrites(phone);
        String id = send("{\"to\": \"%s\", \"text\": {\"body\": \"How can we help?\"}}".formatted(phone)).json().path("id").asText();
        awaitStatus(id, "read");
        http.post("/sandbox/customers/" + phone + "/messages", "{\"type\": \"text\", \"text\": {\"body\": \"STOP\"}}",
                Map.of("Content-Type", "application/json"));

        // any format the send API takes: here the national one with spaces
        String customer = "+34 " + phone.substring(3, 6) + " " + phone.substring(6);
        await().atMost(Duration.ofSeconds(20)).until(() -> conversation(customer).path("messages").size() == 3);
        JsonNode view = conversation(customer);

        List<String> directions = new ArrayList<>();
        view.path("messages").forEach(m -> directions.add(m.path("direction").asText()));
        assertThat(directions).containsExactly("in", "out", "in");
        assertThat(view.path("messages").get(1).path("content").path("excerpt").asText()).isEqualTo("How can we help?");
        assertThat(view.path("messages").get(2).path("text").asText()).isEqualTo("STOP");
        assertThat(view.path("window").path("open").asBoolean()).isTrue();
        assertThat(Instant.parse(view.path("window").path("closes_at").asText())).isAfter(Instant.now().plus(Duration.ofHours(23)));
        assertThat(view.path("opt_outs").get(0).path("category").asText()).isEqualTo("marketing");
        assertThat(view.path("opt_outs").get(0).path("opted_out").asBoolean()).isTrue();
        assertThat(view.path("contact").path("user_id").asText()).startsWith("ES.");
    }

    @Test
    void aCustomerThatIsNeitherANumberNorAUserIdIsAProblemNamingIt() {
        Http.Answer answer = http.get("/api/v1/conversations/12", KEY);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).contains("application/problem+json");
        assertThat(answer.json().path("detail").asText()).startsWith("customer:");
    }

    private JsonNode conversation(String customer) {
        return http.get("/api/v1/conversations/" + customer.replace(" ", "%20").replace("+", "%2B"), KEY).json();
    }
}
