package dev.whatsapphub;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one Spring context most tests share: the hub on its embedded defaults (embedded Artemis,
 * H2 file database, in-process sandbox), on a free port, with shorter delays and a few extra
 * sandbox numbers and senders so tests do not disturb each other.
 */
@SpringBootTest(classes = WhatsappHubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "sandbox.statuses.sent=50ms", "sandbox.statuses.delivered=100ms", "sandbox.statuses.read=150ms",
        "sandbox.webhooks.initial-backoff=200ms",
        "sandbox.phone-numbers[0].id=100000000000001", "sandbox.phone-numbers[0].waba-id=200000000000001",
        "sandbox.phone-numbers[0].display-number=+1 555 000 0001", "sandbox.phone-numbers[0].access-token=sandbox-token",
        "sandbox.phone-numbers[1].id=100000000000002", "sandbox.phone-numbers[1].waba-id=200000000000001",
        "sandbox.phone-numbers[1].display-number=+1 555 000 0002", "sandbox.phone-numbers[1].access-token=sandbox-token-2",
        "sandbox.phone-numbers[2].id=100000000000003", "sandbox.phone-numbers[2].waba-id=200000000000001",
        "sandbox.phone-numbers[2].display-number=+1 555 000 0003", "sandbox.phone-numbers[2].access-token=sandbox-token-3",
        "sandbox.phone-numbers[3].id=100000000000004", "sandbox.phone-numbers[3].waba-id=200000000000001",
        "sandbox.phone-numbers[3].display-number=+1 555 000 0004", "sandbox.phone-numbers[3].access-token=sandbox-token-4",
        "hub.clients.other.api-key=other-key", "hub.clients.other.callback-queue=erp.whatsapp.callbacks", "hub.default-sender=primary",
        "hub.senders.secondary.phone-number-id=100000000000002", "hub.senders.secondary.waba-id=200000000000001",
        "hub.senders.secondary.access-token=sandbox-token-2", "hub.senders.secondary.base-url=http://localhost:${server.port}/sandbox",
        "hub.senders.secondary.mark-read=true",
        "hub.senders.burst.phone-number-id=100000000000003", "hub.senders.burst.waba-id=200000000000001",
        "hub.senders.burst.access-token=sandbox-token-3", "hub.senders.burst.base-url=http://localhost:${server.port}/sandbox",
        "hub.outbound.transient-retry.initial-delay=50ms", "hub.outbound.transient-retry.max-retries=3",
        "hub.outbound.throttled-retry.initial-delay=100ms", "hub.outbound.throttled-retry.max-retries=3",
        "hub.outbound.probe-interval=1s",
        // the sandbox stamps arrivals in this JVM, beside the hub and the threads of every cached context: a lane
        // descheduled between its slot and its write reached it more than the default guard's 19 ms late, and a
        // burst counted 81 in one second (1 run of 4); an operator sets the guard to the jitter of their host
        "hub.outbound.throttle-guard=50ms", "hub.callbacks.max-attempts=5", "hub.callbacks.initial-backoff=100ms",
        "hub.callbacks.poll-interval=50ms"})
public abstract class HubTestSupport {

    protected static final String API_KEY = "sandbox-key";
    protected static final String PRIMARY_NUMBER = "100000000000001";
    private static final int PORT = freePort();
    /** The embedded broker's TCP port, for legacy JMS clients outside the hub. */
    protected static final int BROKER_PORT = freePort();
    /** The Salesforce stand-in's gRPC (Pub/Sub API) port. */
    protected static final int SALESFORCE_GRPC_PORT = freePort();
    private static final Path DATA_DIR = tempDir();
    /** A copy of the shipped routes/ folder: tests edit mapping files there, never the repository's. */
    protected static final Path ROUTES_DIR = copyOf("routes");
    /** A copy of the shipped connectors/ folder, edited by connector tests. */
    protected static final Path CONNECTORS_DIR = copyOf("connectors");
    private static final AtomicInteger RECIPIENTS = new AtomicInteger();

    protected final Http http = new Http(PORT);

    @DynamicPropertySource
    static void hubOnFreePort(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("hub.data-dir", DATA_DIR::toString);
        registry.add("hub.routes-dir", ROUTES_DIR::toString);
        registry.add("hub.connectors-dir", CONNECTORS_DIR::toString);
        registry.add("hub.broker.tcp-port", () -> BROKER_PORT);
        registry.add("standin.salesforce.grpc-port", () -> SALESFORCE_GRPC_PORT);
        registry.add("hub.routes-poll-interval", () -> "200ms");
    }

    protected static int port() {
        return PORT;
    }

    /** A fresh, valid Spanish mobile number per call, so tests never share a recipient. */
    protected static String newRecipient() {
        return "+34612" + String.format("%06d", RECIPIENTS.incrementAndGet());
    }

    @org.springframework.beans.factory.annotation.Autowired
    private dev.whatsapphub.inbound.InboundStore inboundStore;

    /** The customer writes a text to the primary number (the sandbox's customer endpoint); returns once the hub stored it. */
    protected String customerWrites(String customer) {
        Http.Answer wrote = http.post("/sandbox/customers/" + customer + "/messages", "{\"type\": \"text\", \"text\": {\"body\": \"hi\"}}",
                Map.of("Content-Type", "application/json"));
        String wamid = wrote.json().path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> inboundStore.find(wamid).isPresent());
        return wamid;
    }

    protected Http.Answer send(String json) {
        return http.post("/api/v1/messages", json, Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"));
    }

    protected JsonNode message(String id) {
        return http.get("/api/v1/messages/" + id, Map.of("X-API-Key", API_KEY)).json();
    }

    protected JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(message(id).path("status").asText()));
        return message(id);
    }

    protected String sendTemplate(String to, String sender) {
        Http.Answer answer = send("""
                {"to": "%s", "from": "%s", "template": {"name": "hello_world", "language": "en_US"}}""".formatted(to, sender));
        if (answer.status() != 202) {
            throw new AssertionError("expected 202, got " + answer.status() + ": " + answer.text());
        }
        return answer.json().path("id").asText();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path copyOf(String folder) {
        try {
            Path dir = Files.createTempDirectory("hub-" + folder + "-");
            try (var files = Files.list(Path.of(folder))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hub-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
