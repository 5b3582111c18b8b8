package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sender-fatal errors stop the sender, burn no message, show in health, and sending resumes when fixed. */
class SenderPauseTests extends HubTestSupport {

    private static final String SECONDARY_NUMBER = "100000000000002";

    @AfterEach
    void clearFaults() {
        http.delete("/sandbox/control/faults/" + SECONDARY_NUMBER);
        http.post("/api/v1/senders/secondary/resume", "", Map.of("X-API-Key", API_KEY));
    }

    @Test
    void revokedTokenPausesTheSenderUntilTheProbeSucceeds() {
        fault(190);

        List<String> ids = IntStream.range(0, 3).mapToObj(i -> sendTemplate(newRecipient(), "secondary")).toList();

        await().atMost(Duration.ofSeconds(10)).until(() -> "PAUSED".equals(senderHealth().path("state").asText()));
        JsonNode health = http.get("/actuator/health", Map.of()).json();
        assertThat(health.path("status").asText()).isEqualTo("DOWN");
        assertThat(senderHealth().path("code").asInt()).isEqualTo(190);
        assertThat(senderHealth().path("action").asText()).contains("token");
        // nothing burned: the messages wait, queued
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> ids.stream().allMatch(id -> "queued".equals(message(id).path("status").asText())));
        assertThat(http.get("/api/v1/senders", Map.of("X-API-Key", API_KEY)).json().findValuesAsText("state")).contains("paused");

        http.delete("/sandbox/control/faults/" + SECONDARY_NUMBER);

        ids.forEach(id -> awaitStatus(id, "read"));
        assertThat(senderHealth().path("state").asText()).isEqualTo("SENDING");
    }

    @Test
    void lockedAccountPausesTheSenderAndAnOperatorResumesIt() {
        fault(131031);
        String id = sendTemplate(newRecipient(), "secondary");
        await().atMost(Duration.ofSeconds(10)).until(() -> "PAUSED".equals(senderHealth().path("state").asText()));
        http.delete("/sandbox/control/faults/" + SECONDARY_NUMBER);

        Http.Answer resumed = http.post("/api/v1/senders/secondary/resume", "", Map.of("X-API-Key", API_KEY));

        assertThat(resumed.status()).isEqualTo(200);
        awaitStatus(id, "read");
    }

    @Test
    void otherSendersKeepSendingWhileOneIsPaused() {
        fault(368);
        sendTemplate(newRecipient(), "secondary");
        await().atMost(Duration.ofSeconds(10)).until(() -> "PAUSED".equals(senderHealth().path("state").asText()));

        awaitStatus(sendTemplate(newRecipient(), "primary"), "read");
    }

    private void fault(int code) {
        http.put("/sandbox/control/faults/" + SECONDARY_NUMBER, "{\"code\": %d}".formatted(code));
    }

    private JsonNode senderHealth() {
        return http.get("/actuator/health", Map.of()).json().path("components").path("senders").path("details").path("secondary");
    }
}
