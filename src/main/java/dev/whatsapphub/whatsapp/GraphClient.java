package dev.whatsapphub.whatsapp;

import dev.whatsapphub.HubProperties.Sender;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The hub's one way to the Graph API: every URL ({base-url}/{api-version}/{node}{edge}) and the
 * sender's bearer token are made here, for the send route as for the side calls (template sync
 * and submission, the sender probe, media download); Meta's error bodies are read by {@link CloudApiError}.
 * Side calls go through a client that never waits forever.
 */
public final class GraphClient {

    private final RestClient http;

    private GraphClient(RestClient http) {
        this.http = http;
    }

    /** A client for side calls whose answer is awaited for at most {@code timeout}. */
    public static GraphClient create(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(timeout);
        return new GraphClient(RestClient.builder().requestFactory(factory).build());
    }

    /** A GET with the sender's token. */
    public RestClient.RequestHeadersSpec<?> get(Sender sender, URI uri) {
        return http.get().uri(uri).header(HttpHeaders.AUTHORIZATION, authorization(sender));
    }

    /** A POST with the sender's token. */
    public RestClient.RequestBodySpec post(Sender sender, URI uri) {
        return http.post().uri(uri).header(HttpHeaders.AUTHORIZATION, authorization(sender));
    }

    /** {@code Authorization} header value for the sender's calls. */
    public static String authorization(Sender sender) {
        return "Bearer " + sender.accessToken();
    }

    /** The sender's phone number: sends go to its {@code /messages} edge, the probe reads the node itself. */
    public static String phoneNumber(Sender sender) {
        return node(sender, sender.phoneNumberId());
    }

    /** Where the sender's messages are sent. */
    public static String messages(Sender sender) {
        return phoneNumber(sender) + "/messages";
    }

    /** The templates of the sender's WhatsApp Business Account. */
    public static String templates(Sender sender) {
        return node(sender, sender.wabaId()) + "/message_templates";
    }

    /** A media object (a customer's image, say): its URL, type, checksum and size. */
    public static String media(Sender sender, String mediaId) {
        return node(sender, mediaId);
    }

    private static String node(Sender sender, String id) {
        // "https://graph.facebook.com/" as an operator may write it: one slash before the version, not two
        String base = sender.baseUrl().toString().replaceAll("/+$", "");
        return base + "/" + sender.apiVersion() + "/" + id;
    }
}
