package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubProcess;
import dev.whatsapphub.model.MessageFactory;
import dev.whatsapphub.store.MessageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Accepted means sent, once, even when the hub stops in between. */
class RestartTests {

    private static final Map<String, String> JSON = Map.of("X-API-Key", "sandbox-key", "Content-Type", "application/json");

    @Test
    void messageAcceptedBeforeTheHubStoppedIsSentExactlyOnceAfterRestart() throws Exception {
        Path data = Files.createTempDirectory("hub-restart-");
        String queuedId;
        String orphanId = UUID.randomUUID().toString();
        try (HubProcess hub = HubProcess.start(data, "sandbox", "hub.outbound.auto-start=false")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.http().get("/actuator/health/templates", Map.of()).status() == 200);
            Http.Answer accepted = hub.http().post("/api/v1/messages",
                    "{\"to\": \"+34699000001\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}", JSON);
            assertThat(accepted.status()).isEqualTo(202);
            queuedId = accepted.json().path("id").asText();
            // the crash window between storing and queueing: a message the database holds and the broker does not
            var message = hub.bean(MessageFactory.class).accept(orphanId, new ObjectMapper().readTree(
                    "{\"to\": \"+34699000002\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}"));
            hub.bean(MessageStore.class).insert(message, "sandbox", "hash");
            Thread.sleep(300);
            assertThat(hub.http().get("/sandbox/control/sends", Map.of()).json()).isEmpty();
        }

        try (HubProcess hub = HubProcess.start(data, "sandbox")) {
            for (String id : new String[] {queuedId, orphanId}) {
                await().atMost(Duration.ofSeconds(20)).until(() -> "read".equals(
                        hub.http().get("/api/v1/messages/" + id, JSON).json().path("status").asText()));
            }
            assertThat(hub.http().get("/sandbox/control/sends?to=34699000001", Map.of()).json()).hasSize(1);
            assertThat(hub.http().get("/sandbox/control/sends?to=34699000002", Map.of()).json()).hasSize(1);
        }
    }
}
