package dev.whatsapphub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.HubTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;

/** A Camel YAML DSL route file in routes/: loaded, replaced, kept when a new version is broken, removed with its file. */
class CamelRouteFilesTests extends HubTestSupport {

    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;
    @Autowired
    JdbcTemplate jdbc;

    private static String route(String queue) {
        return """
                # a legacy system's queue, forwarded as CloudEvents to the hub
                - route:
                    id: legacy-orders
                    from:
                      uri: jms:queue:%s
                      steps:
                        - setHeader:
                            name: hubClient
                            constant: sandbox
                        - to: jms:queue:hub.events
                """.formatted(queue);
    }

    @Test
    void aRouteFileIsLoadedReplacedKeptWhenBrokenAndRemovedWithItsFile() throws Exception {
        Path file = ROUTES_DIR.resolve("legacy-orders.yaml");
        Files.writeString(file, route("legacy.orders.v1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> camel.getRoute("legacy-orders") != null);
        assertThat(config("legacy-orders.yaml").path("kind").asText()).isEqualTo("camel-routes");

        String eventId = "legacy-" + UUID.randomUUID();
        jms.convertAndSend("legacy.orders.v1", """
                {"specversion":"1.0","id":"%s","source":"/legacy","type":"com.example.order.shipped","data":{"orderId":"L-1","customer":{"name":"Lu","phone":"%s"},"carrier":"GLS"}}"""
                .formatted(eventId, newRecipient()));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                jdbc.queryForObject("SELECT COUNT(*) FROM hub_event WHERE event_id = ?", Integer.class, eventId) == 1);

        Files.writeString(file, route("legacy.orders.v2"));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                camel.getRoute("legacy-orders") != null && camel.getRoute("legacy-orders").getEndpoint().getEndpointUri().contains("v2"));

        Files.writeString(file, route("legacy.orders.v3").replace("- to: jms:queue:hub.events", "- to:: [broken"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(config("legacy-orders.yaml").path("errors").toString()).contains("legacy-orders.yaml"));
        assertThat(camel.getRoute("legacy-orders").getEndpoint().getEndpointUri()).contains("v2");

        Files.delete(file);
        await().atMost(Duration.ofSeconds(5)).until(() -> camel.getRoute("legacy-orders") == null);
    }

    private JsonNode config(String name) {
        for (JsonNode f : http.get("/api/v1/config", Map.of("X-API-Key", API_KEY)).json().path("files")) {
            if (name.equals(f.path("file").asText())) {
                return f;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
