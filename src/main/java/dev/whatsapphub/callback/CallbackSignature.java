package dev.whatsapphub.callback;

import dev.whatsapphub.Digests;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * {@code X-Hub-Callback-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}, keyed
 * with the client's callback secret: the timestamp inside the signed text lets a receiver refuse
 * an old callback replayed by someone who recorded it.
 */
public final class CallbackSignature {

    public static final String HEADER = "X-Hub-Callback-Signature";

    private CallbackSignature() {
    }

    public static String sign(String body, String secret, long unixSeconds) {
        return "t=" + unixSeconds + ",v1=" + hmac(unixSeconds + "." + body, secret);
    }

    static String hmac(String text, String secret) {
        return HexFormat.of().formatHex(Digests.hmacSha256(secret, text.getBytes(StandardCharsets.UTF_8)));
    }
}
