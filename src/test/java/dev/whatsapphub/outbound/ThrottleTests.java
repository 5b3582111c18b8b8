package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.HubTestSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class ThrottleTests extends HubTestSupport {

    private static final String BURST_NUMBER = "100000000000003";

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void burstOf500NeverExceeds80InAnyOneSecondWindow() throws Exception {
        // submitted from 8 clients at once: one client waits for each 202 (stored, durable), and on a slow disk
        // that alone kept the burst under 40/s, below what the throttle lets through
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                sent.add(clients.submit(() -> sendTemplate(newRecipient(), "burst")));
            }
            for (java.util.concurrent.Future<String> f : sent) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM hub_message WHERE sender = 'burst' AND accepted_at IS NOT NULL", Integer.class) == 500);

        List<Instant> calls = new ArrayList<>();
        for (JsonNode send : http.get("/sandbox/control/sends", Map.of()).json()) {
            if (BURST_NUMBER.equals(send.path("phoneNumberId").asText())) {
                calls.add(Instant.parse(send.path("at").asText()));
            }
        }
        calls.sort(null);
        int busiest = 0;
        for (int first = 0, last = 0; last < calls.size(); last++) {
            while (Duration.between(calls.get(first), calls.get(last)).toNanos() >= 1_000_000_000L) {
                first++;
            }
            busiest = Math.max(busiest, last - first + 1);
        }
        System.out.printf("burst: %d calls, busiest one-second window %d%n", calls.size(), busiest);
        assertThat(calls).hasSize(500);
        assertThat(busiest).isLessThanOrEqualTo(80).isGreaterThan(40);
    }
}
