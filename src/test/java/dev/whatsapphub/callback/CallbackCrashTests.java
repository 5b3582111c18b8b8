package dev.whatsapphub.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hub SIGKILLed while it calls back the statuses of a stream of messages, with the sandbox
 * (Cloud API and callback inbox) in a process of its own that survives: after a restart every
 * message's callbacks reach the receiver, none goes backwards, and each callback that arrived
 * twice (posted when the hub died, before it could note it) has the same event id. Then it is
 * killed again while every customer replies: each reply reaches the origin's callback. Measured
 * from the callback inbox. Small form here; the full form:
 * {@code ./mvnw verify -Dtest=CallbackCrashTests -Dcallback.messages=3000}.
 */
@Tag("fault")
class CallbackCrashTests {

    private static final int MESSAGES = Integer.getInteger("callback.messages", 300);
    private static final Map<String, String> JSON = Map.of("X-API-Key", "sandbox-key", "Content-Type", "application/json");
    private static final Map<String, Integer> RANK = Map.of("sent", 1, "delivered", 2, "read", 3, "failed", 4);

    @Test
    void aKilledHubCallsBackEveryMessageAfterItsRestartAndNeverBackwards() throws Exception {
        int hubPort = ForkedJvm.freePort();
        Path data = Files.createTempDirectory("hub-callback-crash-");
        try (ForkedJvm sandbox = ForkedJvm.sandbox("callback-crash-sandbox", "http://127.0.0.1:" + hubPort + "/webhooks/whatsapp",
                "--sandbox.response-latency=50ms", "--sandbox.webhooks.initial-backoff=200ms", "--sandbox.webhooks.max-backoff=2s").start()) {
            String base = "http://127.0.0.1:" + sandbox.port() + "/sandbox";
            String[] args = {"--hub.clients.sandbox.callback-url=" + base + "/callbacks/crash", "--hub.callbacks.initial-backoff=200ms",
                    "--hub.callbacks.poll-interval=50ms"};
            ForkedJvm hub = ForkedJvm.hub("callback-crash-hub", hubPort, data, base, args).start();
            Map<Integer, String> accepted = new ConcurrentHashMap<>();
            try {
                Http first = hub.http();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> first.get("/actuator/health/templates", Map.of()).status() == 200);
                post(hub.http(), accepted);
                // killed once a third of the callbacks are in, while the rest are being made and posted
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> posts(sandbox.http()).size() >= MESSAGES);
                hub.kill();
                int atKill = posts(sandbox.http()).size();
                hub = ForkedJvm.hub("callback-crash-hub", hubPort, data, base, args).start();

                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    Map<String, List<String>> byMessage = statusesByMessage(sandbox.http());
                    return accepted.values().stream().allMatch(id -> byMessage.getOrDefault(id, List.of()).contains("read"));
                });

                Map<String, List<String>> byMessage = statusesByMessage(sandbox.http());
                long backwards = byMessage.values().stream().filter(CallbackCrashTests::goesBackwards).count();
                long missing = accepted.values().stream().filter(id -> !byMessage.containsKey(id)).count();
                Map<String, Integer> deliveries = new HashMap<>();
                posts(sandbox.http()).stream().filter(p -> p.path("answered").asInt() == 200)
                        .forEach(p -> deliveries.merge(Http.parse(p.path("body").asText()).path("event_id").asText(), 1, Integer::sum));
                long twice = deliveries.values().stream().filter(n -> n > 1).count();
                long statuses = byMessage.values().stream().mapToLong(List::size).sum();
                System.out.printf("callbacks across a SIGKILL: messages=%d callbacks_at_kill=%d status_callbacks=%d (%.2f per message)"
                                + " missing=%d backwards=%d delivered_twice=%d%n",
                        MESSAGES, atKill, statuses, statuses / (double) MESSAGES, missing, backwards, twice);

                assertThat(missing).as("messages without a callback").isZero();
                assertThat(backwards).as("messages whose callbacks went backwards").isZero();

                // then every customer answers, quoting the message, while the hub is killed again mid-stream
                Map<String, String> wamids = new HashMap<>();
                for (String id : accepted.values()) {
                    wamids.put(id, hub.http().get("/api/v1/messages/" + id, JSON).json().path("wamid").asText());
                }
                Map<Integer, String> replies = new ConcurrentHashMap<>();
                Thread customers = new Thread(() -> accepted.forEach((i, id) -> {
                    String body = "{\"type\": \"text\", \"text\": {\"body\": \"reply %d\"}, \"context\": {\"id\": \"%s\"}}"
                            .formatted(i, wamids.get(id));
                    replies.put(i, sandbox.http().post("/sandbox/customers/+34622%06d/messages".formatted(i), body,
                            Map.of("Content-Type", "application/json")).json().path("wamid").asText());
                }));
                customers.start();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> replies.size() >= MESSAGES / 3);
                hub.kill();
                customers.join();
                hub = ForkedJvm.hub("callback-crash-hub", hubPort, data, base, args).start();
                // Meta (the sandbox) delivers the webhooks the dead hub did not answer again
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> replyCallbacks(sandbox.http()).keySet().containsAll(replies.values()));
                Map<String, Integer> replyCallbacks = replyCallbacks(sandbox.http());
                long repliesTwice = replyCallbacks.values().stream().filter(n -> n > 1).count();
                System.out.printf("replies across a SIGKILL: replies=%d reply_callbacks=%d missing=0 delivered_twice=%d%n",
                        replies.size(), replyCallbacks.size(), repliesTwice);
                assertThat(replyCallbacks.keySet()).as("replies whose callback came").containsAll(replies.values());
            } finally {
                hub.close();
            }
        }
    }

    /** The statuses each message's delivered callbacks said, in the order the receiver got them (first delivery of each event). */
    private static Map<String, List<String>> statusesByMessage(Http sandbox) {
        Map<String, List<String>> byMessage = new HashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode post : posts(sandbox)) {
            JsonNode body = Http.parse(post.path("body").asText());
            if (post.path("answered").asInt() == 200 && "message.status".equals(body.path("type").asText()) && seen.add(body.path("event_id").asText())) {
                byMessage.computeIfAbsent(body.path("message").path("id").asText(), k -> new ArrayList<>())
                        .add(body.path("message").path("status").asText());
            }
        }
        return byMessage;
    }

    /** Reply callbacks delivered, by the customer message's wamid: how many times each. */
    private static Map<String, Integer> replyCallbacks(Http sandbox) {
        Map<String, Integer> byWamid = new HashMap<>();
        for (JsonNode post : posts(sandbox)) {
            JsonNode body = Http.parse(post.path("body").asText());
            if (post.path("answered").asInt() == 200 && "message.reply".equals(body.path("type").asText())) {
                byWamid.merge(body.path("reply").path("wamid").asText(), 1, Integer::sum);
            }
        }
        return byWamid;
    }

    private static boolean goesBackwards(List<String> statuses) {
        for (int i = 1; i < statuses.size(); i++) {
            if (RANK.getOrDefault(statuses.get(i), 0) <= RANK.getOrDefault(statuses.get(i - 1), 0)) {
                return true;
            }
        }
        return false;
    }

    private static List<JsonNode> posts(Http sandbox) {
        List<JsonNode> posts = new ArrayList<>();
        sandbox.get("/sandbox/callbacks/crash", Map.of()).json().forEach(posts::add);
        return posts;
    }

    /** Posts the messages from 8 clients, in the background of the test; a post refused while the hub is down is retried. */
    private static void post(Http hub, Map<Integer, String> accepted) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int c = 0; c < 8; c++) {
            clients.execute(() -> {
                for (int i = next.getAndIncrement(); i < MESSAGES; i = next.getAndIncrement()) {
                    String body = """
                            {"to": "+34622%06d", "idempotency_key": "cb-%d", "template": {"name": "hello_world", "language": "en_US"},
                             "metadata": {"n": %d}}""".formatted(i, i, i);
                    Http.Answer answer = hub.post("/api/v1/messages", body, JSON);
                    if (answer.status() == 202) {
                        accepted.put(i, answer.json().path("id").asText());
                    }
                }
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        assertThat(accepted).hasSize(MESSAGES);
    }
}
