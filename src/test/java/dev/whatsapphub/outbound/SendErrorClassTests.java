package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import java.time.Duration;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One Cloud API error code of each class, injected through the sandbox, ends where it should. */
class SendErrorClassTests extends HubTestSupport {

    private static final String SECONDARY_NUMBER = "100000000000002";

    @AfterEach
    void clearFaults() {
        http.delete("/sandbox/control/faults/" + SECONDARY_NUMBER);
    }

    @Test
    void transientErrorIsRetriedThenSent() {
        fault(131000, 2);
        String to = newRecipient();

        JsonNode read = awaitStatus(sendTemplate(to, "secondary"), "read");

        assertThat(read.path("attempts").asInt()).isEqualTo(3);
        assertThat(sandboxSends(to)).extracting(s -> s.path("errorCode").asInt()).containsExactly(131000, 131000, 0);
    }

    @Test
    void throttledErrorBacksOffThenSends() {
        fault(130429, 1);

        JsonNode read = awaitStatus(sendTemplate(newRecipient(), "secondary"), "read");

        assertThat(read.path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void permanentErrorFailsAtOnceAndTheDeadLetterKeepsTheReason() {
        fault(131009, 1);
        String to = newRecipient();

        String id = sendTemplate(to, "secondary");
        JsonNode failed = awaitStatus(id, "failed");

        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(131009);
        assertThat(failed.path("error").path("action").asText()).contains("fix the message");
        JsonNode letter = deadLetter(id);
        assertThat(letter.path("code").asInt()).isEqualTo(131009);
        assertThat(letter.path("reason").asText()).contains("(#131009)", "Parameter value is not valid");
        assertThat(letter.path("sender").asText()).isEqualTo("secondary");
    }

    @Test
    void replayedDeadLetterIsSentAgain() {
        fault(131053, 1);
        String id = sendTemplate(newRecipient(), "secondary");
        awaitStatus(id, "failed");
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetter(id) != null);

        Http.Answer replay = http.post("/api/v1/dead-letters/" + id + "/replay", "", Map.of("X-API-Key", API_KEY));

        assertThat(replay.status()).isEqualTo(200);
        JsonNode read = awaitStatus(id, "read");
        assertThat(read.has("error")).isFalse();
        assertThat(deadLetter(id)).isNull();
    }

    @Test
    void aMessageMetaFailsOutsideTheWindowIsADeadLetterAndIsSentAgainOnceTheCustomerWrote() {
        String to = newRecipient();
        // the client skips the hub's window check (it believes the customer wrote): Meta refuses later
        Http.Answer accepted = send("{\"to\": \"%s\", \"text\": {\"body\": \"Your parcel is at the door\"}, \"window_check\": false}"
                .formatted(to));
        String id = accepted.json().path("id").asText();
        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(131047);
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetter(id) != null);
        assertThat(deadLetter(id).path("code").asInt()).isEqualTo(131047);
        assertThat(deadLetter(id).path("action").asText()).contains("24 hours");
        assertThat(deadLetter(id).path("wamid").asText()).isEqualTo(failed.path("wamid").asText());

        // the cause fixed: the customer writes, the window opens
        customerWrites(to);
        Http.Answer replay = http.post("/api/v1/dead-letters/" + id + "/replay", "", Map.of("X-API-Key", API_KEY));

        assertThat(replay.status()).isEqualTo(200);
        JsonNode read = awaitStatus(id, "read");
        assertThat(read.has("error")).isFalse();
        assertThat(read.path("wamid").asText()).isNotEqualTo(failed.path("wamid").asText());
        assertThat(read.path("history").toString()).contains("\"failed\"", "\"read\"");
        assertThat(deadLetter(id)).isNull();
        assertThat(sandboxSends(to)).hasSize(2);
    }

    @Test
    void transientErrorThatNeverStopsGivesUpAfterTheLastRetry() {
        fault(131016, -1);

        String id = sendTemplate(newRecipient(), "secondary");
        JsonNode failed = awaitStatus(id, "failed");

        assertThat(failed.path("attempts").asInt()).isEqualTo(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetter(id) != null);
        assertThat(deadLetter(id).path("reason").asText()).contains("gave up after 4 attempts");
    }

    @Test
    void replayOfAnUnknownDeadLetterIsNotFound() {
        Http.Answer answer = http.post("/api/v1/dead-letters/nope/replay", "", Map.of("X-API-Key", API_KEY));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    private void fault(int code, int count) {
        assertThat(http.put("/sandbox/control/faults/" + SECONDARY_NUMBER, "{\"code\": %d, \"count\": %d}".formatted(code, count))
                .status()).isEqualTo(204);
    }

    private JsonNode deadLetter(String id) {
        JsonNode letters = http.get("/api/v1/dead-letters", Map.of("X-API-Key", API_KEY)).json();
        return StreamSupport.stream(letters.spliterator(), false)
                .filter(l -> id.equals(l.path("message_id").asText())).findFirst().orElse(null);
    }

    private java.util.List<JsonNode> sandboxSends(String to) {
        JsonNode sends = http.get("/sandbox/control/sends?to=" + to.substring(1), Map.of()).json();
        return StreamSupport.stream(sends.spliterator(), false).toList();
    }
}
