package dev.whatsapphub.whatsapp;

import dev.whatsapphub.Digests;
import java.security.MessageDigest;
import java.util.HexFormat;

/** {@code X-Hub-Signature-256}: HMAC-SHA256 of the exact body bytes, keyed with the app secret. */
public final class WebhookSignature {

    public static final String HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    public static String sign(byte[] body, String appSecret) {
        return PREFIX + HexFormat.of().formatHex(Digests.hmacSha256(appSecret, body));
    }

    /** Constant-time comparison, so the check does not leak how much of a forged signature was right. */
    public static boolean matches(byte[] body, String header, String appSecret) {
        if (header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()).toLowerCase());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(Digests.hmacSha256(appSecret, body), given);
    }
}
