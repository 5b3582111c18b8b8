package dev.whatsapphub.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.HubTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sandbox's documented recipients drive the status machine end to end. */
class DeliveryStatusTests extends HubTestSupport {

    @Test
    void outOfOrderWebhooksEndInRead() {
        String id = sendTemplate("+16505550105", "primary");

        await().atMost(Duration.ofSeconds(10)).until(() -> message(id).path("history").size() == 3);
        JsonNode m = message(id);
        assertThat(m.path("status").asText()).isEqualTo("read");
        assertThat(m.path("history")).extracting(h -> h.path("status").asText()).containsExactly("read", "delivered", "sent");
    }

    @Test
    void duplicateWebhooksAreKeptInTheHistoryButChangeNothing() {
        String id = sendTemplate("+16505550104", "primary");

        await().atMost(Duration.ofSeconds(10)).until(() -> message(id).path("history").size() == 6);
        assertThat(message(id).path("status").asText()).isEqualTo("read");
    }

    @Test
    void readWithoutDeliveredMarksItDelivered() {
        String id = sendTemplate("+16505550103", "primary");

        JsonNode m = awaitStatus(id, "read");
        assertThat(m.path("timestamps").has("delivered")).isTrue();
    }

    @Test
    void recipientNotOnWhatsAppFailsWith131026() {
        String id = sendTemplate("+16505550101", "primary");

        JsonNode m = awaitStatus(id, "failed");
        assertThat(m.path("error").path("code").asInt()).isEqualTo(131026);
        assertThat(m.path("error").path("action").asText()).contains("another way");
    }

    @Test
    void freeFormTextOutsideTheWindowFailsWith131047() {
        // the client skips the hub's own window check: Meta's answer decides
        String id = send("{\"to\": \"%s\", \"text\": {\"body\": \"Hello\"}, \"window_check\": false}".formatted(newRecipient()))
                .json().path("id").asText();

        JsonNode m = awaitStatus(id, "failed");
        assertThat(m.path("error").path("code").asInt()).isEqualTo(131047);
        assertThat(m.path("error").path("action").asText()).contains("template");
    }

    @Test
    void freeFormTextInsideTheWindowIsRead() {
        String to = newRecipient();
        customerWrites(to);

        String id = send("{\"to\": \"%s\", \"text\": {\"body\": \"Hello back\"}}".formatted(to)).json().path("id").asText();

        awaitStatus(id, "read");
    }
}
