package dev.whatsapphub;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Without the sandbox profile there are no defaults: a hub with no API key or webhook secret does not start. */
class StartupConfigurationTests {

    @Test
    void hubWithoutTheSandboxRefusesToStartWithoutApiKeysNamingTheProperty() {
        assertThatThrownBy(() -> HubProcess.start(Files.createTempDirectory("hub-prod-"), "production").close())
                .hasStackTraceContaining("hub.clients")
                .hasStackTraceContaining("api-key");
    }

    @Test
    void aSenderWithoutTokenStopsStartUpNamingTheProperty() {
        assertThatThrownBy(() -> HubProcess.start(Files.createTempDirectory("hub-prod-"), "production",
                "hub.clients.erp.api-key=k", "hub.webhook.app-secret=s", "hub.webhook.verify-token=v",
                "hub.senders.main.phone-number-id=1", "hub.senders.main.waba-id=2",
                "hub.senders.main.base-url=https://graph.facebook.com").close())
                .hasStackTraceContaining("senders[main].accessToken");
    }
}
