package dev.whatsapphub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whatsapphub.Http;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The sandbox as its own process: no broker, no database, the same Graph endpoints. */
class StandaloneSandboxTests {

    @Test
    void standaloneSandboxAcceptsATemplateSend() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (ConfigurableApplicationContext sandbox = new SpringApplicationBuilder(StandaloneSandbox.class)
                .properties("spring.config.name=sandbox").run("--server.port=" + port, "--sandbox.webhook-url=")) {
            Http http = new Http(port);

            Http.Answer answer = http.post("/sandbox/v23.0/100000000000001/messages", """
                    {"messaging_product": "whatsapp", "to": "34612000123", "type": "template",
                     "template": {"name": "hello_world", "language": {"code": "en_US"}}}""",
                    Map.of("Authorization", "Bearer sandbox-token", "Content-Type", "application/json"));

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("messages").get(0).path("id").asText()).startsWith("wamid.");

            // the template endpoints, as in the in-process sandbox
            Map<String, String> token = Map.of("Authorization", "Bearer sandbox-token", "Content-Type", "application/json");
            assertThat(http.get("/sandbox/v23.0/200000000000001/message_templates?limit=100", token).json().path("data").toString())
                    .contains("order_shipped");
            Http.Answer created = http.post("/sandbox/v23.0/200000000000001/message_templates", """
                    {"name": "standalone_check", "language": "en_US", "category": "UTILITY",
                     "components": [{"type": "BODY", "text": "Hello"}]}""", token);
            assertThat(created.status()).as(created.text()).isEqualTo(200);
            assertThat(created.json().path("status").asText()).isEqualTo("PENDING");

            // the controls the README documents: a fault for the next send, and the receive log with at and errorCode
            assertThat(http.put("/sandbox/control/faults/100000000000001", "{\"code\": 131000, \"count\": 1}").status()).isEqualTo(204);
            assertThat(http.post("/sandbox/v23.0/100000000000001/messages", """
                    {"messaging_product": "whatsapp", "to": "34612000124", "type": "template",
                     "template": {"name": "hello_world", "language": {"code": "en_US"}}}""", token).status()).isEqualTo(500);
            var sends = http.get("/sandbox/control/sends", Map.of()).json();
            assertThat(sends).hasSize(2);
            assertThat(sends.get(1).path("errorCode").asInt()).isEqualTo(131000);
            assertThat(sends.get(1).path("at").asText()).isNotBlank();
            assertThat(sandbox.containsBean("hubProperties")).isFalse();
            assertThat(sandbox.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();
        }
    }
}
