package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The lane count is set from the rate (rate ÷ 2 covers answers up to 250 ms); a Cloud API that
 * answers slower needs more lanes, and the hub says how many, from the answer time it sees.
 */
@ExtendWith(OutputCaptureExtension.class)
class LaneAdviceTests {

    private static final Map<String, String> JSON = Map.of("X-API-Key", "sandbox-key", "Content-Type", "application/json");

    @Test
    void aSlowCloudApiGetsAdviceNamingTheLanesItsAnswerTimeNeeds(CapturedOutput output) throws Exception {
        // 80/s on the default 40 lanes; the sandbox answers in 400 ms: 2 x 80 x 0.4 = 64 lanes needed
        try (HubProcess hub = HubProcess.start(Files.createTempDirectory("hub-lanes-"), "sandbox",
                "sandbox.response-latency=400ms", "hub.senders.primary.messages-per-second=80")) {
            Http api = hub.http();
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/actuator/health/templates", Map.of()).status() == 200);
            JsonNode before = api.get("/actuator/health/senders", Map.of()).json().path("details").path("primary");
            assertThat(before.path("lanes").asInt()).isEqualTo(40);
            assertThat(before.has("cloud_api_answer_ms")).as("no answer seen yet").isFalse();

            for (int i = 0; i < 220; i++) {
                String body = "{\"to\": \"+34616%06d\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}".formatted(i);
                assertThat(api.post("/api/v1/messages", body, JSON).status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> output.getOut().contains("need about"));

            JsonNode after = api.get("/actuator/health/senders", Map.of()).json().path("details").path("primary");
            assertThat(after.path("cloud_api_answer_ms").asLong()).isBetween(380L, 600L);
            assertThat(after.path("lanes_needed").asInt()).isBetween(61, 96);
            assertThat(output.getOut()).contains("Sender 'primary': the Cloud API answers in about")
                    .contains("80 messages/s need about").contains("Set hub.senders.primary.shards=");
        }
    }
}
