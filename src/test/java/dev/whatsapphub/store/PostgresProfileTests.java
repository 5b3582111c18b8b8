package dev.whatsapphub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubProcess;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The postgres profile against the PostgreSQL server on 127.0.0.1:5432 (database test), in a schema of its own. */
class PostgresProfileTests {

    private static final String SCHEMA = "hub_test_" + ProcessHandle.current().pid();
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final Map<String, String> JSON = Map.of("X-API-Key", "sandbox-key", "Content-Type", "application/json");

    @Test
    void messagesAndStatusesWorkOnPostgres() throws Exception {
        try (HubProcess hub = HubProcess.start(Files.createTempDirectory("hub-pg-"), "postgres,sandbox",
                "spring.datasource.url=" + URL + "?currentSchema=" + SCHEMA, "spring.datasource.username=postgres",
                "spring.flyway.schemas=" + SCHEMA)) {
            Http http = hub.http();
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/actuator/health/templates", Map.of()).status() == 200);
            String body = "{\"to\": \"+16505550102\", \"idempotency_key\": \"pg-1\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}";

            String id = http.post("/api/v1/messages", body, JSON).json().path("id").asText();
            assertThat(http.post("/api/v1/messages", body, JSON).json().path("id").asText()).isEqualTo(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status(http, id).path("status").asText()));
            JsonNode sent = status(http, id);
            String webhook = """
                    {"object": "whatsapp_business_account", "entry": [{"id": "200000000000001", "changes": [{"field": "messages",
                     "value": {"statuses": [{"id": "%1$s", "status": "read", "timestamp": "1795598600"},
                                            {"id": "%1$s", "status": "delivered", "timestamp": "1795598599"}]}}]}]}"""
                    .formatted(sent.path("wamid").asText());
            http.post("/webhooks/whatsapp", webhook, Map.of("Content-Type", "application/json", WebhookSignature.HEADER,
                    WebhookSignature.sign(webhook.getBytes(StandardCharsets.UTF_8), "sandbox-app-secret")));

            await().atMost(Duration.ofSeconds(10)).until(() -> "read".equals(status(http, id).path("status").asText()));
            assertThat(status(http, id).path("history")).hasSize(3);
        }
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    private static JsonNode status(Http http, String id) {
        return http.get("/api/v1/messages/" + id, JSON).json();
    }
}
