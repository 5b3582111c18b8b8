package dev.whatsapphub.callback;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.callback.ConnectorCallbacks.Delivery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** One callback POST: JSON, signed with {@link CallbackSignature} when there is a secret; a 2xx answer delivers it. */
@Component
public class SignedPost {

    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SignedPost(HubProperties properties) {
        this.timeout = properties.callbacks().timeout();
    }

    /** Throws InterruptedException when the hub is stopping (the claim runs out and the callback is due again). */
    public Delivery post(String url, String body, String secret) throws InterruptedException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json").header("User-Agent", "whatsapp-hub")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (secret != null) {
                request.header(CallbackSignature.HEADER, CallbackSignature.sign(body, secret, Instant.now().getEpochSecond()));
            }
            HttpResponse<Void> answer = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new Delivery(answer.statusCode() / 100 == 2, "HTTP " + answer.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            return new Delivery(false, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
