package dev.whatsapphub.standin;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** The stand-ins' identities and ports (the sandbox profile and {@code standins.yml} set them; the README lists them). */
@Validated
@ConfigurationProperties("standin")
public record StandInProperties(@Valid @DefaultValue Salesforce salesforce, @Valid @DefaultValue Zendesk zendesk) {

    /**
     * Salesforce: the OAuth client the connector logs in with, the org id its tokens name, where its
     * REST API is served ({@code instance-url}, the hub's port under /standin/salesforce in process)
     * and the local port of its Pub/Sub gRPC server.
     */
    public record Salesforce(@DefaultValue("false") boolean enabled,
                             @NotBlank @DefaultValue("standin-client-id") String clientId,
                             @NotBlank @DefaultValue("standin-client-secret") String clientSecret,
                             @NotBlank @DefaultValue("00D000000000001AAA") String orgId,
                             @NotBlank @DefaultValue("http://localhost:8080/standin/salesforce") String instanceUrl,
                             @NotBlank @DefaultValue("127.0.0.1") String grpcHost,
                             @DefaultValue("7011") int grpcPort) {
    }

    /**
     * Zendesk: the agent email and API token the connector authenticates with, and where and with
     * which signing secret the stand-in posts its webhooks (the hub's
     * {@code /api/v1/connectors/zendesk/webhook} in process).
     */
    public record Zendesk(@DefaultValue("false") boolean enabled,
                          @NotBlank @DefaultValue("agent@standin.example") String email,
                          @NotBlank @DefaultValue("standin-api-token") String token,
                          @NotBlank @DefaultValue("http://localhost:8080/api/v1/connectors/zendesk/webhook") String webhookUrl,
                          @NotBlank @DefaultValue("standin-webhook-secret") String webhookSecret) {
    }
}
