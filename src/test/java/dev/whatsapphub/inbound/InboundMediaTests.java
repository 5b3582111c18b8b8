package dev.whatsapphub.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.media.MediaStore;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A customer's file goes from the sandbox (Meta's way: a media id, a URL, bytes behind the
 * bearer token) into the hub's media store, checked and checksummed, and out to connected
 * systems at {@code GET /api/v1/media/{id}}.
 */
class InboundMediaTests extends HubTestSupport {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final byte[] PDF = "%PDF-1.4\n% a customer's invoice\n%%EOF\n".getBytes();

    @Autowired
    MediaStore media;

    @Autowired
    InboundStore inbound;

    @Autowired
    ContactStore contacts;

    @Test
    void anInboundDocumentIsDownloadedChecksummedAndServedWithTheApiKey() throws Exception {
        MediaStore.Media stored = receive("""
                {"type": "document", "document": {"filename": "invoice.pdf", "mime_type": "application/pdf", "data_base64": "%s"}}"""
                .formatted(Base64.getEncoder().encodeToString(PDF)));

        assertThat(stored.state()).isEqualTo("stored");
        assertThat(stored.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PDF)));
        HttpResponse<byte[]> served = get("/api/v1/media/" + stored.id(), API_KEY);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(PDF);
        assertThat(served.headers().firstValue("Content-Type")).contains("application/pdf");
        assertThat(served.headers().firstValue("Repr-Digest")).contains("sha-256=:"
                + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(PDF)) + ":");
        assertThat(get("/api/v1/media/" + stored.id(), null).statusCode()).as("without the API key").isEqualTo(401);
    }

    @Test
    void withoutADirectUrlTheMediaIdIsLookedUpFirst() {
        MediaStore.Media stored = receive("{\"type\": \"image\", \"image\": {\"caption\": \"the box\"}, \"media_url\": false}");

        assertThat(stored.state()).isEqualTo("stored");
        assertThat(stored.mimeType()).isEqualTo("image/png");
        assertThat(stored.sizeBytes()).isPositive();
    }

    @Test
    void aFileOfATypeMetaDoesNotAllowIsRefusedWithTheRule() throws Exception {
        MediaStore.Media refused = receive("""
                {"type": "image", "image": {"mime_type": "image/gif", "data_base64": "R0lGODlhAQABAAAAACw="}}""");

        assertThat(refused.state()).isEqualTo("refused");
        assertThat(refused.reason()).contains("image/jpeg", "image/png", "image/gif");
        HttpResponse<byte[]> answer = get("/api/v1/media/" + refused.id(), API_KEY);
        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(new String(answer.body())).contains("image/gif");
    }

    @Test
    void aFileWhoseMessageWasStoredJustBeforeACrashIsDownloadedWhenTheWebhookComesAgain() {
        MediaStore.Media first = receive("{\"type\": \"image\", \"image\": {}}");
        // the process stored message and file row, then died before the JMS commit: nothing queued the download
        String wamid = "wamid.CRASH" + System.nanoTime();
        inbound.insert(new InboundStore.Stored(wamid, PRIMARY_NUMBER, "primary", contacts.learn("200000000000001",
                new dev.whatsapphub.contact.Identity(null, null, "34600000042", null, null), java.time.Instant.now()).orElseThrow().id(),
                "image", null, null, null, java.time.Instant.now(), "{}"));
        String pending = media.expect(wamid, "image", first.metaMediaId(), PRIMARY_NUMBER, "image/png");

        // Meta delivers the webhook again
        String body = """
                {"object": "whatsapp_business_account", "entry": [{"id": "200000000000001", "changes": [{"field": "messages",
                 "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "%s"},
                 "contacts": [{"profile": {"name": "Ana"}, "wa_id": "34600000042"}],
                 "messages": [{"from": "34600000042", "id": "%s", "timestamp": "1795598600", "type": "image",
                               "image": {"id": "%s", "mime_type": "image/png"}}]}}]}]}""".formatted(PRIMARY_NUMBER, wamid, first.metaMediaId());
        assertThat(http.post("/webhooks/whatsapp", body, Map.of("Content-Type", "application/json", WebhookSignature.HEADER,
                WebhookSignature.sign(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "sandbox-app-secret"))).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "stored".equals(media.find(pending).orElseThrow().state()));
        assertThat(media.find(pending).orElseThrow().sha256()).isEqualTo(first.sha256());
    }

    /** A customer sends the message; returns its file once the hub has settled it. */
    private MediaStore.Media receive(String body) {
        var answer = http.post("/sandbox/customers/" + newRecipient() + "/messages", body, JSON);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        String wamid = answer.json().path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> media.ofMessage(wamid).filter(m -> !"pending".equals(m.state())).isPresent());
        Optional<MediaStore.Media> file = media.ofMessage(wamid);
        return file.orElseThrow();
    }

    private static HttpResponse<byte[]> get(String path, String apiKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path));
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
