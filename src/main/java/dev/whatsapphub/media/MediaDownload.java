package dev.whatsapphub.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.whatsapp.CloudApiError;
import dev.whatsapphub.whatsapp.ErrorClass;
import dev.whatsapphub.whatsapp.GraphClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Fetches one customer file: the URL from the webhook when Meta gave one (since November 2025),
 * else from {@code GET /{media-id}}; then the bytes with the sender's token, streamed to disk with
 * the kind's size limit and a SHA-256, compared with the checksum Meta gave. A file of the wrong
 * type, too big or not matching its checksum is refused with the reason; an error that may pass
 * (Meta or the network away) is thrown, so the broker tries again later.
 */
@Component
class MediaDownload implements Processor {

    /** A passing failure: the message goes back on its queue. */
    static final class TryLater extends RuntimeException {
        TryLater(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(MediaDownload.class);

    private final MediaStore store;
    private final ObjectMapper mapper;
    private final Map<String, Sender> senderByNumber;
    private final GraphClient graph = GraphClient.create(Duration.ofSeconds(60));

    MediaDownload(MediaStore store, ObjectMapper mapper, HubProperties properties) {
        this.store = store;
        this.mapper = mapper;
        this.senderByNumber = properties.senders().values().stream()
                .collect(Collectors.toMap(Sender::phoneNumberId, s -> s, (a, b) -> a));
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        String id = exchange.getMessage().getBody(String.class);
        Optional<MediaStore.Media> found = store.find(id).filter(m -> "pending".equals(m.state()));
        if (found.isEmpty()) {
            return; // fetched already (a redelivered copy) or unknown
        }
        MediaStore.Media media = found.get();
        Sender sender = senderByNumber.get(media.phoneNumberId());
        if (sender == null) {
            store.refused(id, "no sender of this hub has phone-number id " + media.phoneNumberId()
                    + ": add it to hub.senders so its token can download the file", media.declaredType(), null);
            return;
        }
        String url = exchange.getMessage().getHeader(MediaStore.URL_HEADER, String.class);
        String checksum = exchange.getMessage().getHeader(MediaStore.SHA256_HEADER, String.class);
        if (url == null) {
            JsonNode object = mediaObject(sender, media);
            if (object == null) {
                return;
            }
            url = object.path("url").asText();
            checksum = checksum != null ? checksum : object.path("sha256").asText(null);
        }
        download(sender, media, URI.create(url), checksum);
    }

    /** {@code GET /{media-id}}; null when Meta refused it for good (the row then says why). */
    private JsonNode mediaObject(Sender sender, MediaStore.Media media) {
        try {
            return graph.get(sender, URI.create(GraphClient.media(sender, media.metaMediaId()))).exchange((request, response) -> {
                String body = new String(response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (response.getStatusCode().is2xxSuccessful()) {
                    return mapper.readTree(body);
                }
                CloudApiError error = CloudApiError.fromGraphBody(parse(body), response.getStatusCode().value(), body);
                if (error.errorClass() == ErrorClass.PERMANENT) {
                    store.refused(media.id(), "the Cloud API refused the media id: " + error.summary(), media.declaredType(), null);
                    return null;
                }
                throw new TryLater("the Cloud API answered " + error.summary() + " for media " + media.metaMediaId(), null);
            });
        } catch (org.springframework.web.client.ResourceAccessException down) {
            throw new TryLater("the Cloud API did not answer for media " + media.metaMediaId(), down);
        }
    }

    private void download(Sender sender, MediaStore.Media media, URI url, String expectedChecksum) throws IOException {
        Path part = store.temporaryFile();
        try {
            long limit = MediaRules.maxBytes(media.kind());
            Fetched fetched;
            try {
                fetched = graph.get(sender, url).exchange((request, response) -> {
                    if (!response.getStatusCode().is2xxSuccessful()) {
                        throw new TryLater("the media URL answered HTTP " + response.getStatusCode().value(), null);
                    }
                    String type = response.getHeaders().getContentType() == null ? null : response.getHeaders().getContentType().toString();
                    return copy(response.getBody(), part, limit, type);
                });
            } catch (org.springframework.web.client.ResourceAccessException down) {
                throw new TryLater("the media URL did not answer", down);
            }
            String mimeType = fetched.mimeType() == null || fetched.mimeType().startsWith("application/octet-stream")
                    ? media.declaredType() : fetched.mimeType();
            Optional<String> wrong = fetched.size() > limit
                    ? Optional.of("a " + media.kind() + " may have at most " + limit + " bytes, this one has more")
                    : MediaRules.check(media.kind(), mimeType, fetched.size());
            if (wrong.isEmpty() && expectedChecksum != null && !matches(expectedChecksum, fetched.sha256())) {
                wrong = Optional.of("the bytes' SHA-256 is " + HexFormat.of().formatHex(fetched.sha256()) + ", Meta said " + expectedChecksum);
            }
            if (wrong.isPresent()) {
                log.warn("Refused media {} of message {}: {}", media.id(), media.wamid(), wrong.get());
                store.refused(media.id(), wrong.get(), mimeType, fetched.size());
                return;
            }
            store.stored(media.id(), part, mimeType, fetched.size(), HexFormat.of().formatHex(fetched.sha256()));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private record Fetched(long size, byte[] sha256, String mimeType) {
    }

    /** Copies at most {@code limit + 1} bytes: enough to know a file is too big without keeping it all. */
    private static Fetched copy(InputStream in, Path to, long limit, String mimeType) throws IOException {
        MessageDigest digest = sha256();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(to)) {
            for (int n; (n = in.read(buffer)) > 0 && size <= limit; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        return new Fetched(size, digest.digest(), mimeType);
    }

    /** Meta gives the checksum as hex in media objects and as base64 in some webhooks. */
    private static boolean matches(String expected, byte[] actual) {
        return expected.equalsIgnoreCase(HexFormat.of().formatHex(actual)) || expected.equals(Base64.getEncoder().encodeToString(actual));
    }

    private JsonNode parse(String body) {
        try {
            return mapper.readTree(body);
        } catch (IOException notJson) {
            return mapper.createObjectNode();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
