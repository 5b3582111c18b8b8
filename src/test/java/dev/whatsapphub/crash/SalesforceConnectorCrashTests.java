package dev.whatsapphub.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.Http;
import dev.whatsapphub.SandboxLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Salesforce publishes a backlog of Order_Shipped__e while the hub reads them through the Pub/Sub
 * API, and the hub is SIGKILLed mid-stream (the Salesforce stand-ins and the sandbox, answering in
 * 150 ms, each in a process of its own, so they survive). After the restart the connector resumes
 * from its stored replay id: every event makes exactly one WhatsApp message, counted from the
 * sandbox's receive log, and the stand-in shows the resumed stream asked for what followed the
 * stored id. Small form here; the full form:
 * {@code ./mvnw verify -Dtest=SalesforceConnectorCrashTests -Dsalesforce.crash.events=2000}.
 */
@Tag("fault")
class SalesforceConnectorCrashTests {

    private static final int EVENTS = Integer.getInteger("salesforce.crash.events", 300);
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    /**
     * How long a send the kill left unanswered waits for a status before it goes again. At 5 s, in
     * the 2000-event form, 2 of them got no status in time (the sandbox's webhooks to the dead hub
     * had backed off) and one went twice; the hub's default is 60 s.
     */
    private static final Duration HOLD = Duration.ofSeconds(20);

    @Test
    void aKilledHubResumesFromTheStoredReplayIdWithOneMessagePerEvent() throws Exception {
        int hubPort = ForkedJvm.freePort();
        int grpcPort = ForkedJvm.freePort();
        Path data = Files.createTempDirectory("hub-salesforce-crash-");
        try (ForkedJvm sandbox = ForkedJvm.sandbox("salesforce-crash-sandbox", "http://127.0.0.1:" + hubPort + "/webhooks/whatsapp",
                "--sandbox.response-latency=150ms").start();
             ForkedJvm standIns = ForkedJvm.standIns("salesforce-crash-standins", grpcPort).start()) {
            String base = "http://127.0.0.1:" + sandbox.port() + "/sandbox";
            Http salesforce = standIns.http();
            String[] args = {"--standin.salesforce.enabled=false", "--hub.outbound.in-doubt-hold=" + HOLD.toSeconds() + "s",
                    "--SALESFORCE_LOGIN_URL=http://127.0.0.1:" + standIns.port() + "/standin/salesforce",
                    "--SALESFORCE_PUBSUB_HOST=127.0.0.1", "--SALESFORCE_PUBSUB_PORT=" + grpcPort};
            ForkedJvm hub = ForkedJvm.hub("salesforce-crash-hub", hubPort, data, base, args).start();
            try {
                // subscribed (the shipped file starts at latest on a first start): then the org publishes
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> salesforce.get("/standin/salesforce/subscriptions", Map.of()).json().size() > 0);
                for (int i = 0; i < EVENTS; i++) {
                    Http.Answer published = salesforce.post("/standin/salesforce/events/Order_Shipped__e", """
                            {"Order_Number__c": "SF-%05d", "Contact_Name__c": "Marta", "Mobile__c": "+34644%06d", "Language__c": "es",
                             "Carrier__c": "DHL", "Record_Id__c": "801%015d"}""".formatted(i, i, i), JSON);
                    assertThat(published.status()).isEqualTo(201);
                }
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> SandboxLog.sendsPerRecipient(sandbox.http()).size() >= EVENTS / 3);
                hub.kill();
                int atKill = SandboxLog.sendsPerRecipient(sandbox.http()).size();
                int streams = salesforce.get("/standin/salesforce/subscriptions", Map.of()).json().size();
                hub = ForkedJvm.hub("salesforce-crash-hub", hubPort, data, base, args).start();
                long restarted = System.nanoTime();

                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> SandboxLog.sendsPerRecipient(sandbox.http()).size() >= EVENTS);
                // what was in doubt at the kill is settled or sent again after the hold: wait past it
                Thread.sleep(Math.max(0, HOLD.plusSeconds(3).toMillis() - (System.nanoTime() - restarted) / 1_000_000));
                Map<String, Integer> sends = SandboxLog.sendsPerRecipient(sandbox.http());
                long missing = 0;
                long twice = 0;
                for (int i = 0; i < EVENTS; i++) {
                    int n = sends.getOrDefault("+34644%06d".formatted(i), 0);
                    missing += n == 0 ? 1 : 0;
                    twice += n > 1 ? 1 : 0;
                }
                JsonNode resumed = salesforce.get("/standin/salesforce/subscriptions", Map.of()).json().get(streams);
                JsonNode events = salesforce.get("/standin/salesforce/events/Order_Shipped__e", Map.of()).json();
                int resumedAfter = -1;
                for (int i = 0; i < events.size(); i++) {
                    if (events.get(i).path("replay_id").asText().equals(resumed.path("replay_id").asText())) {
                        resumedAfter = i + 1;
                    }
                }
                System.out.printf("Salesforce connector across a SIGKILL: events=%d recipients_sent_at_kill=%d resumed_after_event=%d"
                        + " sent_on_the_resumed_stream=%d missing=%d sent_twice=%d%n", EVENTS, atKill, resumedAfter,
                        resumed.path("events_sent").asLong(), missing, twice);
                assertThat(resumed.path("replay_preset").asText()).isEqualTo("CUSTOM");
                assertThat(resumedAfter).as("the resumed stream starts after a stored event").isPositive();
                assertThat(resumed.path("events_sent").asLong()).isEqualTo(EVENTS - resumedAfter);
                assertThat(missing).as("events without a message").isZero();
                assertThat(twice).as("events with a second message").isZero();
            } finally {
                hub.close();
            }
        }
    }
}
