package dev.whatsapphub.callback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is in every JVM", e);
        }
    }
}
