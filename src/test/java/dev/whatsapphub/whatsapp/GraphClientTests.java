package dev.whatsapphub.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whatsapphub.HubProperties.Sender;
import java.net.URI;
import org.junit.jupiter.api.Test;

class GraphClientTests {

    private static Sender sender(String baseUrl) {
        return new Sender("100000000000001", "200000000000001", "+1 555 000 0001", "EAAG-token", URI.create(baseUrl), "v23.0", 80, 0, false);
    }

    @Test
    void everyGraphUrlIsBaseVersionAndNode() {
        Sender s = sender("https://graph.facebook.com");

        assertThat(GraphClient.messages(s)).isEqualTo("https://graph.facebook.com/v23.0/100000000000001/messages");
        assertThat(GraphClient.phoneNumber(s)).isEqualTo("https://graph.facebook.com/v23.0/100000000000001");
        assertThat(GraphClient.templates(s)).isEqualTo("https://graph.facebook.com/v23.0/200000000000001/message_templates");
        assertThat(GraphClient.authorization(s)).isEqualTo("Bearer EAAG-token");
    }

    @Test
    void aBaseUrlWrittenWithATrailingSlashGivesOneSlashBeforeTheVersion() {
        assertThat(GraphClient.messages(sender("http://localhost:9090/sandbox/")))
                .isEqualTo("http://localhost:9090/sandbox/v23.0/100000000000001/messages");
    }
}
