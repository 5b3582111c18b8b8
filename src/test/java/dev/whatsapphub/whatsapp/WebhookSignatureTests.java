package dev.whatsapphub.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTests {

    private static final byte[] BODY = "{\"object\":\"whatsapp_business_account\",\"name\":\"\\u00e9\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signatureIsLowercaseHexHmacOfTheExactBytes() {
        // openssl: printf '%s' "$BODY" | openssl dgst -sha256 -hmac sandbox-app-secret
        String signature = WebhookSignature.sign(BODY, "sandbox-app-secret");

        assertThat(signature).isEqualTo("sha256=6778a1d0d02c21cf0b998856e93abb8b1ff07affc2f6baa12239c7d3adb4cdbd");
        assertThat(WebhookSignature.matches(BODY, signature, "sandbox-app-secret")).isTrue();
        assertThat(WebhookSignature.matches(BODY, signature.toUpperCase().replace("SHA256=", "sha256="), "sandbox-app-secret")).isTrue();
    }

    @Test
    void anyChangeToBodySecretOrHeaderFails() {
        String signature = WebhookSignature.sign(BODY, "sandbox-app-secret");
        byte[] reserialised = "{\"object\":\"whatsapp_business_account\",\"name\":\"é\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(WebhookSignature.matches(reserialised, signature, "sandbox-app-secret")).isFalse();
        assertThat(WebhookSignature.matches(BODY, signature, "other-secret")).isFalse();
        assertThat(WebhookSignature.matches(BODY, null, "sandbox-app-secret")).isFalse();
        assertThat(WebhookSignature.matches(BODY, "sha256=zz", "sandbox-app-secret")).isFalse();
        assertThat(WebhookSignature.matches(BODY, signature.substring(7), "sandbox-app-secret")).isFalse();
    }
}
