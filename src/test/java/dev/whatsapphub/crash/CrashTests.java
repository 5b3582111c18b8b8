package dev.whatsapphub.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.Http;
import dev.whatsapphub.SandboxLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hub SIGKILLed several times while a client streams messages at it, with the sandbox in a
 * process of its own that survives: every message that got a 202 is readable, reaches read, and
 * reached the sandbox exactly once (counted from the sandbox's receive log). Small form here; the
 * full form: {@code ./mvnw verify -Dtest=CrashTests -Dcrash.messages=20000 -Dcrash.kills=5 -Dcrash.hold=60s}.
 */
@Tag("fault")
class CrashTests {

    private static final int MESSAGES = Integer.getInteger("crash.messages", 1200);
    private static final int KILLS = Integer.getInteger("crash.kills", 2);
    // after a restart the sandbox's redelivered webhooks queue behind thousands of others: the hold must outlast that
    private static final String HOLD = System.getProperty("crash.hold", "30s");
    private static final String SCHEMA = "hub_crash_" + ProcessHandle.current().pid();
    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final Map<String, String> JSON = Map.of("X-API-Key", "sandbox-key", "Content-Type", "application/json");

    @Test
    void killedHubOnTheEmbeddedDatabaseLosesNothingAndSendsNothingTwice() throws Exception {
        run("h2");
    }

    @Test
    void killedHubOnPostgresLosesNothingAndSendsNothingTwice() throws Exception {
        run("postgres", "--spring.profiles.active=sandbox,postgres", "--spring.datasource.url=" + PG_URL + "?currentSchema=" + SCHEMA,
                "--spring.datasource.username=postgres", "--spring.flyway.schemas=" + SCHEMA);
    }

    private void run(String name, String... extra) throws Exception {
        int hubPort = ForkedJvm.freePort();
        Path data = Files.createTempDirectory("hub-crash-" + name + "-");
        List<String> hubArgs = new ArrayList<>(List.of("--hub.senders.primary.messages-per-second=300",
                "--hub.outbound.in-doubt-hold=" + HOLD));
        hubArgs.addAll(List.of(extra));
        try (ForkedJvm sandbox = ForkedJvm.sandbox("crash-" + name + "-sandbox", "http://127.0.0.1:" + hubPort + "/webhooks/whatsapp",
                "--sandbox.response-latency=50ms", "--sandbox.messages-per-second=1000", "--sandbox.statuses.sent=100ms",
                "--sandbox.statuses.delivered=200ms", "--sandbox.statuses.read=300ms",
                "--sandbox.webhooks.initial-backoff=200ms", "--sandbox.webhooks.max-backoff=2s").start()) {
            String base = "http://127.0.0.1:" + sandbox.port() + "/sandbox";
            ForkedJvm hub = ForkedJvm.hub("crash-" + name + "-hub", hubPort, data, base, hubArgs.toArray(String[]::new)).start();
            Http http = hub.http();
            awaitReady(http);

            Map<Integer, String> accepted = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            for (int c = 0; c < 8; c++) {
                clients.execute(() -> {
                    for (int i = next.getAndIncrement(); i < MESSAGES; i = next.getAndIncrement()) {
                        accepted.put(i, sendUntilAccepted(http, i));
                    }
                });
            }
            clients.shutdown();
            for (int k = 1; k <= KILLS; k++) {
                int at = MESSAGES * k / (KILLS + 1);
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> accepted.size() >= at);
                hub.kill();
                hub = ForkedJvm.hub("crash-" + name + "-hub", hubPort, data, base, hubArgs.toArray(String[]::new)).start();
            }
            assertThat(clients.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
            assertThat(accepted).hasSize(MESSAGES);

            // every message reached the sandbox and every read status came back to the hub
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> SandboxLog.sendsPerHubId(sandbox.http()).size() >= MESSAGES);
            List<String> notRead = new ArrayList<>(accepted.values());
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                notRead.removeIf(id -> "read".equals(http.get("/api/v1/messages/" + id, JSON).json().path("status").asText()));
                return notRead.isEmpty();
            });

            Map<String, Integer> sends = SandboxLog.sendsPerHubId(sandbox.http());
            int missing = 0;
            int inDoubtByStatus = 0;
            int inDoubtResent = 0;
            for (String id : accepted.values()) {
                Http.Answer answer = http.get("/api/v1/messages/" + id, JSON);
                missing += answer.status() == 404 ? 1 : 0;
                String settled = answer.json().path("in_doubt").path("settled_by").asText("");
                inDoubtByStatus += "status".equals(settled) ? 1 : 0;
                inDoubtResent += "resent".equals(settled) ? 1 : 0;
            }
            long twice = accepted.values().stream().filter(id -> sends.getOrDefault(id, 0) > 1).count();
            long never = accepted.values().stream().filter(id -> sends.getOrDefault(id, 0) == 0).count();
            System.out.printf("crash %s: messages=%d kills=%d missing=%d not_read=%d sent_twice=%d never_sent=%d "
                    + "in_doubt_settled_by_status=%d in_doubt_resent=%d%n", name, MESSAGES, KILLS, missing, notRead.size(), twice,
                    never, inDoubtByStatus, inDoubtResent);
            hub.close();
            assertThat(missing).as("ids answered 202 that return 404").isZero();
            assertThat(never).as("accepted messages the sandbox never received").isZero();
            assertThat(twice).as("messages the sandbox received twice").isZero();
        }
    }

    private static String sendUntilAccepted(Http http, int i) {
        String body = """
                {"to": "+34613%06d", "idempotency_key": "crash-%d", "template": {"name": "hello_world", "language": "en_US"}}"""
                .formatted(i, i);
        while (true) {
            try {
                Http.Answer answer = http.post("/api/v1/messages", body, JSON);
                if (answer.status() == 202) {
                    return answer.json().path("id").asText();
                }
            } catch (RuntimeException hubDown) {
                // killed or starting: the client retries with the same idempotency key, as a real one would
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void awaitReady(Http http) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                return http.get("/actuator/health", Map.of()).json().path("status").asText().equals("UP");
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "")) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }
}
