package dev.whatsapphub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sandbox's webhook delivery against a real HTTP server standing in for the hub. */
class SandboxWebhooksTests {

    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private HttpServer hub;
    private SandboxWebhooks webhooks;

    @AfterEach
    void stop() {
        webhooks.close();
        hub.stop(0);
    }

    @Test
    void postNotAnsweredWith200IsSentAgainWithTheSameSignedBytes() throws Exception {
        start(2);

        webhooks.schedule(item("wamid.A", "sent"), Duration.ZERO);

        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 3);
        assertThat(bodies).containsOnly(bodies.get(0));
        for (int i = 0; i < 3; i++) {
            assertThat(WebhookSignature.matches(bodies.get(i).getBytes(StandardCharsets.UTF_8), signatures.get(i), "sandbox-app-secret")).isTrue();
        }
    }

    @Test
    void aHubThatIsDownForManyAttemptsStillGetsTheWebhookWithinTheRedeliveryWindow() throws Exception {
        start(12, Duration.ofSeconds(30));

        webhooks.schedule(item("wamid.D", "sent"), Duration.ZERO);

        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 13);
        assertThat(bodies).containsOnly(bodies.get(0));
    }

    @Test
    void redeliveryStopsOnceTheWindowHasPassed() throws Exception {
        start(1000, Duration.ofSeconds(1));

        webhooks.schedule(item("wamid.B", "sent"), Duration.ZERO);

        long start = System.nanoTime();
        // retries come at most 200 ms apart; two looks 700 ms apart that see the same count mean it gave up
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(700))
                .until(() -> seen.getAndSet(bodies.size()) == bodies.size());
        assertThat(bodies.size()).isGreaterThan(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));
    }

    @Test
    void withSeveralUrlsPostsTakeTurnsAndWhatADeadHubRefusesReachesTheOther() throws Exception {
        // the first URL is a hub that is down (nothing listens there): its turns fail and are retried on the next
        start(0, Duration.ofSeconds(30), List.of(URI.create("http://127.0.0.1:" + closedPort() + "/webhooks/whatsapp")));

        for (int i = 0; i < 4; i++) {
            webhooks.schedule(item("wamid.T" + i, "sent"), Duration.ofMillis(i * 100L));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 4);
        for (int i = 0; i < 4; i++) {
            int n = i;
            assertThat(bodies).anyMatch(b -> b.contains("wamid.T" + n));
        }
    }

    @Test
    void bodyIsMetasEnvelopeWithNonAsciiAndSlashesEscaped() throws Exception {
        start(0);
        ObjectNode status = item("wamid.C/é", "read").item();

        webhooks.schedule(new SandboxWebhooks.Item(number(), "statuses", status, CUSTOMER), Duration.ZERO);

        await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() == 1);
        String body = bodies.get(0);
        assertThat(body).contains("\"object\":\"whatsapp_business_account\"", "\"phone_number_id\":\"100000000000001\"",
                "wamid.C\\/\\u00e9", "\"field\":\"messages\"").doesNotContain("é");
    }

    private void start(int failures) throws Exception {
        start(failures, Duration.ofSeconds(30));
    }

    private void start(int failures, Duration redeliveryWindow) throws Exception {
        start(failures, redeliveryWindow, List.of());
    }

    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void start(int failures, Duration redeliveryWindow, List<URI> before) throws Exception {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/webhooks/whatsapp", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            signatures.add(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER));
            exchange.sendResponseHeaders(bodies.size() <= failures ? 500 : 200, -1);
            exchange.close();
        });
        hub.start();
        URI url = URI.create("http://127.0.0.1:" + hub.getAddress().getPort() + "/webhooks/whatsapp");
        List<URI> urls = new java.util.ArrayList<>(before);
        urls.add(url);
        webhooks = new SandboxWebhooks(new SandboxProperties(true, List.of(number()), "sandbox-app-secret", urls, Duration.ZERO,
                new SandboxProperties.Statuses(Duration.ZERO, Duration.ZERO, Duration.ZERO, true),
                new SandboxProperties.Webhooks(50, 4, redeliveryWindow, Duration.ofMillis(50), Duration.ofMillis(200)), 80,
                new SandboxProperties.PairRate(45, Duration.ofSeconds(6)), Duration.ofSeconds(2)));
    }

    private static final SandboxCustomers.Customer CUSTOMER = new SandboxCustomers().byPhone("200000000000001", "34612000000");

    private static SandboxProperties.PhoneNumber number() {
        return new SandboxProperties.PhoneNumber("100000000000001", "200000000000001", "+1 555 000 0001", "t", "Sandbox");
    }

    private static SandboxWebhooks.Item item(String wamid, String status) {
        ObjectNode item = JsonNodeFactory.instance.objectNode().put("id", wamid).put("status", status).put("timestamp", "1");
        return new SandboxWebhooks.Item(number(), "statuses", item, CUSTOMER);
    }
}
