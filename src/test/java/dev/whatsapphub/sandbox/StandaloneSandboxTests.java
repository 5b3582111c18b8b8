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
            assertThat(sandbox.containsBean("hubProperties")).isFalse();
            assertThat(sandbox.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();
        }
    }
}
