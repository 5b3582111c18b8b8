package dev.whatsapphub.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Media that simulated customers send, served as Meta serves it: a numeric media id, whose Graph
 * object gives a short-lived URL, whose bytes need the business's bearer token.
 */
class SandboxMedia {

    /** One file: {@code sha256} as Meta gives it in webhooks (base64) and in the media object (hex). */
    record File(String id, String wabaId, String mimeType, byte[] bytes) {
        String sha256Hex() {
            return HexFormat.of().formatHex(digest(bytes));
        }

        String sha256Base64() {
            return Base64.getEncoder().encodeToString(digest(bytes));
        }
    }

    /** What the sandbox sends when the customer's message names no content: a tiny file of the type. */
    static final Map<String, String> DEFAULT_TYPES = Map.of("image", "image/png", "video", "video/mp4", "audio", "audio/ogg",
            "document", "application/pdf", "sticker", "image/webp");

    // a 1x1 transparent PNG
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(System.currentTimeMillis() * 1000);

    /** Stores bytes for {@code wabaId}'s numbers; null bytes make a small sample of the MIME type. */
    File store(String wabaId, String mimeType, byte[] bytes) {
        byte[] content = bytes != null ? bytes
                : "image/png".equals(mimeType) ? PNG
                : ("sandbox sample " + mimeType + " " + next.get()).getBytes(StandardCharsets.UTF_8);
        File file = new File(Long.toString(next.incrementAndGet()), wabaId, mimeType, content);
        files.put(file.id(), file);
        return file;
    }

    Optional<File> find(String id) {
        return Optional.ofNullable(files.get(id));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
