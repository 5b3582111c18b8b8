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

            // composite: an upsert by external id and a create in one call, each answered as Salesforce does
            Map<String, String> bearer = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token.json().path("access_token").asText());
            Http.Answer composite = http.post("/standin/salesforce/services/data/v62.0/composite", """
                    {"allOrNone": false, "compositeRequest": [
                      {"method": "PATCH", "url": "/services/data/v62.0/sobjects/WhatsApp_Message__c/Hub_Message_Id__c/m-1",
                       "referenceId": "message", "body": {"Status__c": "sent"}},
                      {"method": "POST", "url": "/services/data/v62.0/sobjects/Task", "referenceId": "task", "body": {"Subject": "Hi"}},
                      {"method": "POST", "url": "/services/data/v62.0/sobjects/Task", "referenceId": "bad", "body": {"Nope__c": "x"}}]}""", bearer);
            assertThat(composite.status()).as(composite.text()).isEqualTo(200);
            var answers = composite.json().path("compositeResponse");
            assertThat(answers.get(0).path("httpStatusCode").asInt()).isEqualTo(201);
            assertThat(answers.get(0).path("body").path("created").asBoolean()).isTrue();
            assertThat(answers.get(1).path("body").path("id").asText()).startsWith("00T");
            assertThat(answers.get(2).path("httpStatusCode").asInt()).isEqualTo(400);
            assertThat(answers.get(2).path("body").get(0).path("errorCode").asText()).isEqualTo("INVALID_FIELD");
            assertThat(http.get("/standin/salesforce/records/WhatsApp_Message__c", Map.of()).text()).contains("\"Hub_Message_Id__c\":\"m-1\"");
            assertThat(http.post("/standin/salesforce/services/data/v62.0/composite", "{\"compositeRequest\": []}",
                    Map.of("Content-Type", "application/json")).status()).isEqualTo(401);

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
