package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubProcess;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A send whose answer never came is in doubt: settled by the status that names it, never sent twice. */
class InDoubtTests {

    private static final Map<String, String> JSON = Map.of("X-API-Key", "sandbox-key", "Content-Type", "application/json");

    @Test
    void aSendWhoseAnswerTimedOutIsSettledByItsStatusAndNotSentAgain() throws Exception {
        // the sandbox takes the message but answers after the hub stopped waiting
        try (HubProcess hub = HubProcess.start(Files.createTempDirectory("hub-doubt-"), "sandbox",
                "sandbox.response-latency=1500ms", "hub.outbound.response-timeout=300ms", "hub.outbound.in-doubt-hold=5s",
                "sandbox.statuses.sent=800ms", "sandbox.statuses.delivered=900ms", "sandbox.statuses.read=1000ms")) {
            Http http = hub.http();
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/actuator/health/templates", Map.of()).status() == 200);

            String id = http.post("/api/v1/messages",
                    "{\"to\": \"+34699000101\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}", JSON)
                    .json().path("id").asText();

            await().atMost(Duration.ofSeconds(15)).until(() -> "read".equals(status(http, id).path("status").asText()));
            JsonNode read = status(http, id);
            assertThat(read.path("in_doubt").path("settled_by").asText()).isEqualTo("status");
            assertThat(read.path("wamid").asText()).startsWith("wamid.");
            // the copy that waited comes back when the hold is over and finds the message settled: nothing was sent
            // again meanwhile, nor after the hold
            MeterRegistry meters = hub.bean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> meters.counter("hub.outbound.in-doubt", "outcome", "status").count() == 1.0);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> http.get("/sandbox/control/sends?to=34699000101", Map.of()).json().size() == 1);
            assertThat(meters.counter("hub.outbound.in-doubt", "outcome", "resent").count()).isZero();
            assertThat(meters.counter("hub.outbound.in-doubt", "outcome", "held").count())
                    .isEqualTo(1.0);
        }
    }

    private static JsonNode status(Http http, String id) {
        return http.get("/api/v1/messages/" + id, JSON).json();
    }
}
