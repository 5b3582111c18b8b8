package dev.whatsapphub.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Customers nobody owns write while the hub puts their messages on Zendesk tickets, and the hub is
 * SIGKILLed mid-stream (the stand-ins and the sandbox each in a process of their own). After the
 * restart the broker delivers again what the kill rolled back: counted on the Zendesk stand-in,
 * every customer has one ticket holding each of their messages exactly once. Small form here;
 * the full form: {@code ./mvnw verify -Dtest=ZendeskConnectorCrashTests -Dzendesk.crash.customers=500}.
 */
@Tag("fault")
class ZendeskConnectorCrashTests {

    private static final int CUSTOMERS = Integer.getInteger("zendesk.crash.customers", 60);
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Test
    void aKilledHubPutsEveryCustomerMessageOnItsTicketExactlyOnce() throws Exception {
        int hubPort = ForkedJvm.freePort();
        Path data = Files.createTempDirectory("hub-zendesk-crash-");
        try (ForkedJvm sandbox = ForkedJvm.sandbox("zendesk-crash-sandbox", "http://127.0.0.1:" + hubPort + "/webhooks/whatsapp").start();
             ForkedJvm standIns = ForkedJvm.standIns("zendesk-crash-standins", ForkedJvm.freePort(),
                     "--standin.zendesk.webhook-url=http://127.0.0.1:" + hubPort + "/api/v1/connectors/zendesk/webhook").start()) {
            String base = "http://127.0.0.1:" + sandbox.port() + "/sandbox";
            Http zendesk = standIns.http();
            String standInsUrl = "http://127.0.0.1:" + standIns.port() + "/standin";
            String[] args = {"--standin.salesforce.enabled=false", "--standin.zendesk.enabled=false",
                    "--ZENDESK_URL=" + standInsUrl + "/zendesk", "--SALESFORCE_LOGIN_URL=" + standInsUrl + "/salesforce"};
            ForkedJvm hub = ForkedJvm.hub("zendesk-crash-hub", hubPort, data, base, args).start();
            try {
                Http first = hub.http();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> first.get("/api/v1/config", Map.of("X-API-Key", "sandbox-key")).text().contains("\"id\":\"zendesk\",\"kind\":\"zendesk\""));
                // each customer writes twice, all before the kill: a backlog on hub.inbound.unassigned
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < CUSTOMERS; i++) {
                        Http.Answer wrote = sandbox.http().post("/sandbox/customers/34655%06d/messages".formatted(i),
                                "{\"type\": \"text\", \"text\": {\"body\": \"message %d of customer %d\"}}".formatted(round + 1, i), JSON);
                        assertThat(wrote.status()).isEqualTo(200);
                    }
                }
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> comments(zendesk) >= CUSTOMERS * 2 / 3);
                hub.kill();
                long atKill = comments(zendesk);
                hub = ForkedJvm.hub("zendesk-crash-hub", hubPort, data, base, args).start();

                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> comments(zendesk) >= CUSTOMERS * 2L);
                Thread.sleep(3_000); // a second comment of a redelivered message would arrive meanwhile
                Map<String, Integer> ticketsPer = new HashMap<>();
                Map<String, Integer> commentsPer = new HashMap<>();
                for (JsonNode t : zendesk.get("/standin/zendesk/tickets", Map.of()).json()) {
                    String phone = t.path("requester").path("phone").asText();
                    if (ticketsPer.merge(phone, 1, Integer::sum) > 1 || t.path("comments").size() != 2) {
                        System.out.println("ticket of " + phone + ": " + t.path("id") + " " + t.path("external_id") + " requester "
                                + t.path("requester_id") + " comments " + t.path("comments").size());
                    }
                    for (JsonNode c : t.path("comments")) {
                        if (c.path("author_id").asLong() == t.path("requester_id").asLong()) {
                            commentsPer.merge(phone + " " + c.path("body").asText(), 1, Integer::sum);
                        }
                    }
                }
                long missing = 0;
                long twice = 0;
                long extraTickets = 0;
                for (int i = 0; i < CUSTOMERS; i++) {
                    String phone = "+34655%06d".formatted(i);
                    extraTickets += Math.max(0, ticketsPer.getOrDefault(phone, 0) - 1);
                    for (int round = 1; round <= 2; round++) {
                        int n = commentsPer.getOrDefault(phone + " message %d of customer %d".formatted(round, i), 0);
                        missing += n == 0 ? 1 : 0;
                        twice += n > 1 ? 1 : 0;
                    }
                }
                System.out.printf("Zendesk connector across a SIGKILL: customers=%d messages=%d comments_at_kill=%d missing=%d"
                        + " commented_twice=%d extra_tickets=%d%n", CUSTOMERS, CUSTOMERS * 2, atKill, missing, twice, extraTickets);
                assertThat(missing).as("messages on no ticket").isZero();
                assertThat(twice).as("messages commented twice").isZero();
                assertThat(extraTickets).as("customers with a second ticket").isZero();
            } finally {
                hub.close();
            }
        }
    }

    /** The customers' comments on the stand-in's tickets. */
    private static long comments(Http zendesk) {
        long n = 0;
        for (JsonNode t : zendesk.get("/standin/zendesk/tickets", Map.of()).json()) {
            for (JsonNode c : t.path("comments")) {
                n += c.path("author_id").asLong() == t.path("requester_id").asLong() ? 1 : 0;
            }
        }
        return n;
    }
}
