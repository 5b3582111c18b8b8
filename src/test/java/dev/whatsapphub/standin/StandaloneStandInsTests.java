package dev.whatsapphub.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whatsapphub.Http;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The stand-ins as their own process (the documented command): no hub, no broker, no database; both stand-ins answer. */
class StandaloneStandInsTests {

    @Test
    void theStandInsRunAloneWithTheirOwnConfiguration() throws Exception {
        int port = free();
        int grpc = free();
        try (ConfigurableApplicationContext standIns = new SpringApplicationBuilder(StandaloneStandIns.class)
                .properties("spring.config.name=standins").run("--server.port=" + port, "--standin.salesforce.grpc-port=" + grpc)) {
            Http http = new Http(port);
            Http.Answer token = http.post("/standin/salesforce/services/oauth2/token",
                    "grant_type=client_credentials&client_id=standin-client-id&client_secret=standin-client-secret",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"));
            assertThat(token.status()).as(token.text()).isEqualTo(200);
            assertThat(token.json().path("instance_url").asText()).isEqualTo("http://localhost:" + port + "/standin/salesforce");
            Http.Answer wrongSecret = http.post("/standin/salesforce/services/oauth2/token",
                    "grant_type=client_credentials&client_id=standin-client-id&client_secret=nope",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"));
            assertThat(wrongSecret.status()).isEqualTo(400);
            assertThat(wrongSecret.json().path("error").asText()).isEqualTo("invalid_client");
            // the Pub/Sub API listens on its own port
            try (Socket s = new Socket("127.0.0.1", grpc)) {
                assertThat(s.isConnected()).isTrue();
            }
            assertThat(http.post("/standin/salesforce/events/Order_Shipped__e", "{\"Order_Number__c\": \"SO-1\"}",
                    Map.of("Content-Type", "application/json")).status()).isEqualTo(201);

            String basic = "Basic " + Base64.getEncoder().encodeToString("agent@standin.example/token:standin-api-token".getBytes(StandardCharsets.UTF_8));
            Http.Answer user = http.post("/standin/zendesk/api/v2/users/create_or_update.json",
                    "{\"user\": {\"external_id\": \"whatsapp:+34600000001\", \"name\": \"Ana\"}}",
                    Map.of("Content-Type", "application/json", "Authorization", basic));
            assertThat(user.status()).as(user.text()).isEqualTo(200);
            assertThat(user.json().path("user").path("role").asText()).isEqualTo("end-user");
            Http.Answer unauthenticated = http.post("/standin/zendesk/api/v2/users/create_or_update.json", "{\"user\": {}}",
                    Map.of("Content-Type", "application/json"));
            assertThat(unauthenticated.status()).isEqualTo(401);
            assertThat(standIns.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();
        }
    }

    private static int free() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
