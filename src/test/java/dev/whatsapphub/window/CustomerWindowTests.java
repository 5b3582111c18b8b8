package dev.whatsapphub.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.inbound.InboundStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The 24-hour customer service window, judged by the hub from what customers send (Meta's
 * timestamps) and by Meta's 131047: a free-form send outside it is refused before anything is
 * queued, or its fallback template goes instead.
 */
class CustomerWindowTests extends HubTestSupport {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final String FALLBACK = """
            "fallback_template": {"name": "order_confirmation", "language": "en_US", "parameters": ["Ana", "A-1001"]}""";

    @Autowired
    InboundStore inbound;

    @Test
    void aFreeFormSendToACustomerWhoNeverWroteIsRefusedAndNothingIsQueued() {
        String to = newRecipient();

        Http.Answer refused = send("{\"to\": \"%s\", \"text\": {\"body\": \"Hello\"}}".formatted(to));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(refused.json().path("detail").asText()).contains("has not written to sender 'primary'", "template",
                "fallback_template", "window_check");
        assertThat(http.get("/sandbox/control/sends?to=" + to.substring(1), Map.of()).json()).isEmpty();
    }

    @Test
    void aCustomerWhoWroteYesterdayHasAClosedWindowThatSaysWhen() {
        String to = newRecipient();
        // the customer's message as Meta stamped it, 25 hours ago
        customerWrites(to, Instant.now().minus(Duration.ofHours(25)));

        Http.Answer refused = send("{\"to\": \"%s\", \"text\": {\"body\": \"Sorry for the delay\"}}".formatted(to));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("window_closed_at").asText()).isNotBlank();
        assertThat(Instant.parse(refused.json().path("window_closed_at").asText())).isBefore(Instant.now());
        assertThat(refused.json().path("detail").asText()).contains("closed at", "last wrote at");
    }

    @Test
    void theSafetyMarginClosesTheWindowBeforeMetaDoes() {
        String to = newRecipient();
        // 23 h 55 min ago: Meta would still take it for 5 minutes, the hub's 10-minute margin does not
        customerWrites(to, Instant.now().minus(Duration.ofHours(23)).minus(Duration.ofMinutes(55)));

        assertThat(send("{\"to\": \"%s\", \"text\": {\"body\": \"Last minute\"}}".formatted(to)).status()).isEqualTo(409);
    }

    @Test
    void insideTheWindowAFreeFormMessageGoesOut() {
        String to = newRecipient();
        customerWrites(to, Instant.now());

        String id = send("{\"to\": \"%s\", \"text\": {\"body\": \"It left this morning\"}}".formatted(to)).json().path("id").asText();

        JsonNode read = awaitStatus(id, "read");
        assertThat(read.path("content").path("excerpt").asText()).isEqualTo("It left this morning");
    }

    @Test
    void withAClosedWindowTheFallbackTemplateGoesInsteadAndTheMessageSaysSo() {
        String to = newRecipient();

        Http.Answer accepted = send("{\"to\": \"%s\", \"text\": {\"body\": \"Your order shipped\"}, %s}".formatted(to, FALLBACK));

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        JsonNode read = awaitStatus(accepted.json().path("id").asText(), "read");
        assertThat(read.path("type").asText()).isEqualTo("template");
        assertThat(read.path("fallback_of").path("reason").asText()).isEqualTo("window_closed");
        assertThat(read.path("content").path("template").asText()).isEqualTo("order_confirmation");
        assertThat(read.path("content").path("parameters").toString()).contains("Ana", "A-1001");
        JsonNode sent = Http.parse(http.get("/sandbox/control/sends?to=" + to.substring(1), Map.of()).json().get(0).path("body").asText());
        assertThat(sent.path("type").asText()).isEqualTo("template");
    }

    @Test
    void whenMetaAnswers131047TheWindowClosesAndTheFallbackIsSentInsteadOfFailing() {
        String to = newRecipient();

        // the client knows better: no check, so Meta decides (the sandbox: never wrote, 131047)
        String id = send("{\"to\": \"%s\", \"text\": {\"body\": \"Welcome back\"}, \"window_check\": false, %s}".formatted(to, FALLBACK))
                .json().path("id").asText();

        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(131047);
        await().atMost(Duration.ofSeconds(20)).until(() -> message(id).hasNonNull("replaced_by"));
        String fallbackId = message(id).path("replaced_by").asText();
        JsonNode fallback = awaitStatus(fallbackId, "read");
        assertThat(fallback.path("fallback_of").path("reason").asText()).isEqualTo("131047");
        assertThat(fallback.path("fallback_of").path("replaces").asText()).isEqualTo(id);
        assertThat(http.get("/api/v1/dead-letters", Map.of("X-API-Key", API_KEY)).json().toString()).doesNotContain(id);
        // the window is now known closed: the next free-form send is refused at once
        assertThat(send("{\"to\": \"%s\", \"text\": {\"body\": \"Hello?\"}}".formatted(to)).status()).isEqualTo(409);
    }

    @Test
    void windowCheckAndFallbackTemplateAreChecked() {
        String to = newRecipient();

        Http.Answer notBoolean = send("{\"to\": \"%s\", \"text\": {\"body\": \"x\"}, \"window_check\": \"no\"}".formatted(to));
        Http.Answer onATemplate = send("""
                {"to": "%s", "template": {"name": "hello_world", "language": "en_US"}, %s}""".formatted(to, FALLBACK));
        Http.Answer unknownTemplate = send("""
                {"to": "%s", "text": {"body": "x"}, "fallback_template": {"name": "no_such", "language": "en_US"}}""".formatted(to));

        assertThat(notBoolean.json().path("errors").get(0).path("field").asText()).isEqualTo("window_check");
        assertThat(onATemplate.json().path("errors").get(0).path("field").asText()).isEqualTo("fallback_template");
        assertThat(unknownTemplate.status()).isEqualTo(400);
        assertThat(unknownTemplate.json().path("errors").get(0).path("field").asText()).startsWith("fallback_template");
    }

    /** The customer writes with Meta's timestamp {@code at}; returns once the hub has stored it. */
    private void customerWrites(String customer, Instant at) {
        Http.Answer wrote = http.post("/sandbox/customers/" + customer + "/messages",
                "{\"type\": \"text\", \"text\": {\"body\": \"hi\"}, \"timestamp\": \"%d\"}".formatted(at.getEpochSecond()), JSON);
        String wamid = wrote.json().path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(wamid).isPresent());
    }
}
