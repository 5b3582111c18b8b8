package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.Http;
import dev.whatsapphub.SandboxLog;
import dev.whatsapphub.StandaloneArtemis;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Two hub processes on one standalone Artemis (Maven Central's distribution) and one PostgreSQL
 * database share a sender: together they stay under its rate, every message is sent once, and
 * when one is SIGKILLed mid-stream the other finishes the backlog. Measured from the sandbox's
 * receive log (its own process, 150 ms latency; its webhooks take turns between the two hubs,
 * as a load balancer would). Small form here; the full form:
 * {@code ./mvnw verify -Dtest=TwoInstanceTests -Dtwo.messages=20000 -Dtwo.recipients=20000 -Dtwo.rate=1000}.
 */
class TwoInstanceTests {

    private static final int MESSAGES = Integer.getInteger("two.messages", 2000);
    private static final int RECIPIENTS = Integer.getInteger("two.recipients", 1000);
    private static final int RATE = Integer.getInteger("two.rate", 80);
    private static final String NUMBER = "100000000000001";
    private static final String SCHEMA = "hub_two_" + ProcessHandle.current().pid();
    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final Map<String, String> JSON = Map.of("X-API-Key", "sandbox-key", "Content-Type", "application/json");

    @Test
    void twoHubsShareTheRateSendEachMessageOnceAndTheSurvivorFinishesTheBacklog() throws Exception {
        int portA = ForkedJvm.freePort();
        int portB = ForkedJvm.freePort();
        try (StandaloneArtemis broker = StandaloneArtemis.create("two").start();
             ForkedJvm sandbox = ForkedJvm.sandbox("two-sandbox",
                     "http://127.0.0.1:" + portA + "/webhooks/whatsapp,http://127.0.0.1:" + portB + "/webhooks/whatsapp",
                     "--sandbox.response-latency=150ms", "--sandbox.messages-per-second=" + RATE,
                     "--sandbox.webhooks.initial-backoff=200ms", "--sandbox.webhooks.max-backoff=2s").start()) {
            String base = "http://127.0.0.1:" + sandbox.port() + "/sandbox";
            List<String> args = new ArrayList<>(List.of(broker.hubProperties("hub")));
            args.addAll(List.of("--spring.profiles.active=sandbox,postgres", "--spring.datasource.url=" + PG_URL + "?currentSchema=" + SCHEMA,
                    "--spring.datasource.username=postgres", "--spring.flyway.schemas=" + SCHEMA,
                    "--hub.senders.primary.messages-per-second=" + RATE, "--hub.outbound.auto-start=false",
                    "--hub.outbound.probe-interval=1h", "--hub.outbound.in-doubt-hold=10s"));
            // the first creates the schema; the second joins it
            try (ForkedJvm a = ready(ForkedJvm.hub("two-hub-a", portA, Files.createTempDirectory("hub-two-a-"), base, args.toArray(String[]::new)));
                 ForkedJvm b = ready(ForkedJvm.hub("two-hub-b", portB, Files.createTempDirectory("hub-two-b-"), base, args.toArray(String[]::new)))) {
                List<Http> hubs = List.of(a.http(), b.http());

                // a backlog waits on the shared lanes, taken in by both hubs (a client retries on the other when one fails)
                Map<Integer, String> accepted = post(hubs, MESSAGES);
                Instant resumed = Instant.now();
                // resumed together, the hubs' lanes attach in a race and each hub owns some of them
                // (a lane's first consumer owns it; a hub that joins later stands by until its owner stops)
                hubs.parallelStream().forEach(hub -> hub.post("/api/v1/senders/primary/resume", "", JSON));
                // both send for a while, then one of them dies mid-stream
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> SandboxLog.sendsPerHubId(sandbox.http()).size() >= MESSAGES * 2 / 5);
                double acceptedByA = accepted(a.http());
                double acceptedByB = accepted(b.http());
                Instant killedAt = Instant.now();
                a.kill();

                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> SandboxLog.sendsPerHubId(sandbox.http()).size() >= MESSAGES);
                List<String> notRead = new ArrayList<>(accepted.values());
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    notRead.removeIf(id -> "read".equals(b.http().get("/api/v1/messages/" + id, JSON).json().path("status").asText()));
                    return notRead.isEmpty();
                });

                Map<String, Integer> sends = SandboxLog.sendsPerHubId(sandbox.http());
                long twice = accepted.values().stream().filter(id -> sends.getOrDefault(id, 0) > 1).count();
                long never = accepted.values().stream().filter(id -> sends.getOrDefault(id, 0) == 0).count();
                long missing = accepted.values().stream().filter(id -> b.http().get("/api/v1/messages/" + id, JSON).status() == 404).count();
                SendRateTests.Drain whole = SendRateTests.drain(sandbox.http(), MESSAGES, resumed, RATE);
                double meanBeforeKill = meanBetween(sandbox.http(), resumed, killedAt);
                System.out.printf("two instances at %d/s: messages=%d accepted_before_kill a=%.0f b=%.0f mean_before_kill=%.1f/s "
                                + "whole_run: %s missing=%d not_read=%d sent_twice=%d never_sent=%d first_seconds=%s killed_at=%dms%n",
                        RATE, MESSAGES, acceptedByA, acceptedByB, meanBeforeKill, whole, missing, notRead.size(), twice, never,
                        perSecond(sandbox.http(), resumed, 12), Duration.between(resumed, killedAt).toMillis());

                assertThat(acceptedByA).as("hub A sent").isPositive();
                assertThat(acceptedByB).as("hub B sent").isPositive();
                assertThat(whole.busiestSecond()).as("sends in the busiest rolling second, both hubs together").isLessThanOrEqualTo(RATE);
                assertThat(whole.refused130429()).as("sends answered 130429").isZero();
                assertThat(missing).as("ids answered 202 that return 404").isZero();
                assertThat(never).as("accepted messages the sandbox never received").isZero();
                assertThat(twice).as("messages the sandbox received twice").isZero();
            }
        }
    }

    /** Posts template messages alternately to the hubs; a refused or failed post goes to the other one, with the same key. */
    private static Map<Integer, String> post(List<Http> hubs, int count) throws InterruptedException {
        Map<Integer, String> accepted = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        for (int c = 0; c < 16; c++) {
            clients.execute(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String body = """
                            {"to": "+34615%06d", "idempotency_key": "two-%d", "template": {"name": "hello_world", "language": "en_US"}}"""
                            .formatted(i % RECIPIENTS, i);
                    for (int attempt = 0; !accepted.containsKey(i); attempt++) {
                        try {
                            Http.Answer answer = hubs.get((i + attempt) % hubs.size()).post("/api/v1/messages", body, JSON);
                            if (answer.status() == 202) {
                                accepted.put(i, answer.json().path("id").asText());
                            }
                        } catch (RuntimeException down) {
                            // the other hub takes it
                        }
                    }
                }
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
        assertThat(accepted).hasSize(count);
        return accepted;
    }

    private static double accepted(Http hub) {
        JsonNode metric = hub.get("/actuator/metrics/hub.outbound.accepted", Map.of()).json();
        return metric.path("measurements").path(0).path("value").asDouble();
    }

    /** Successful sends from the number in each of the first seconds after {@code from}. */
    private static List<Integer> perSecond(Http sandbox, Instant from, int seconds) {
        int[] counts = new int[seconds];
        sandbox.get("/sandbox/control/sends", Map.of()).json().forEach(s -> {
            long second = Duration.between(from, Instant.parse(s.path("at").asText())).toSeconds();
            if (NUMBER.equals(s.path("phoneNumberId").asText()) && s.path("errorCode").asInt() == 0 && second >= 0 && second < seconds) {
                counts[(int) second]++;
            }
        });
        return java.util.Arrays.stream(counts).boxed().toList();
    }

    /** The sandbox's mean receive rate from the number between two instants. */
    private static double meanBetween(Http sandbox, Instant from, Instant to) {
        List<Instant> at = new ArrayList<>();
        sandbox.get("/sandbox/control/sends", Map.of()).json().forEach(s -> {
            Instant when = Instant.parse(s.path("at").asText());
            if (NUMBER.equals(s.path("phoneNumberId").asText()) && s.path("errorCode").asInt() == 0 && when.isAfter(from) && when.isBefore(to)) {
                at.add(when);
            }
        });
        at.sort(null);
        return at.size() < 2 ? 0 : (at.size() - 1) / (Duration.between(at.get(0), at.get(at.size() - 1)).toNanos() / 1e9);
    }

    /** Starts the hub and waits until it has its templates (its sender is not started: the test resumes it). */
    private static ForkedJvm ready(ForkedJvm hub) {
        try {
            hub.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> hub.http().get("/actuator/health/templates", Map.of()).status() == 200);
            return hub;
        } catch (RuntimeException notReady) {
            // not yet in a try-with-resources: stop it here
            hub.close();
            throw notReady;
        }
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "")) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }
}
