package dev.whatsapphub.sandbox;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** The sandbox's fixed identities and how it behaves (all documented in the README). */
@Validated
@ConfigurationProperties("sandbox")
public record SandboxProperties(
        @DefaultValue("false") boolean enabled,
        @Valid List<PhoneNumber> phoneNumbers,
        @NotBlank @DefaultValue("sandbox-app-secret") String appSecret,
        // several, comma-separated: posts take turns among them, like a load balancer in front of several hubs
        List<URI> webhookUrl,
        @DefaultValue("0ms") Duration responseLatency,
        @Valid @DefaultValue Statuses statuses,
        @Valid @DefaultValue Webhooks webhooks,
        @Min(1) @DefaultValue("80") int messagesPerSecond,
        @Valid @DefaultValue PairRate pairRate,
        // a new template is reviewed (approved, or rejected by name) this long after it was created
        @DefaultValue("2s") Duration templateReview) {

    /** A business phone number the sandbox serves, with the token that may use it. */
    public record PhoneNumber(@NotBlank String id, @NotBlank String wabaId, @NotBlank String displayNumber,
                              @NotBlank String accessToken, @DefaultValue("Sandbox Business") String verifiedName) {
    }

    /** Delays, after the send was accepted, of the status webhooks. */
    public record Statuses(@DefaultValue("300ms") Duration sent, @DefaultValue("800ms") Duration delivered,
                           @DefaultValue("1500ms") Duration read, @DefaultValue("true") boolean includeContacts) {
    }

    /**
     * Delivery of webhooks to the hub: batching of items due together, retries when the hub does
     * not answer 200. Meta keeps retrying for up to 7 days; the sandbox for {@code redeliveryWindow},
     * longer than a hub restart takes, so statuses sent while the hub was down still arrive.
     */
    public record Webhooks(@Min(1) @DefaultValue("50") int maxBatch, @Min(1) @DefaultValue("16") int maxInFlight,
                           @DefaultValue("1h") Duration redeliveryWindow, @DefaultValue("1s") Duration initialBackoff,
                           @DefaultValue("30s") Duration maxBackoff) {
    }

    /** Meta's pair rate limit: a burst, then one message per interval to the same user. */
    public record PairRate(@Min(1) @DefaultValue("45") int burst, @DefaultValue("6s") Duration refillEvery) {
    }
}
