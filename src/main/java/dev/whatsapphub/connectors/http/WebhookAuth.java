package dev.whatsapphub.connectors.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.Digests;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.ConnectorFile.Auth;
import dev.whatsapphub.events.InvalidEventException;
import dev.whatsapphub.model.FieldError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Who may post to an http connector: the HMAC-SHA256 of the raw body in the file's header, or the connector's API key. */
@Component
class WebhookAuth {

    static final String API_KEY_HEADER = "X-API-Key";

    /** The payload is not from the connected system: answered 401, nothing stored. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final ObjectMapper mapper;

    WebhookAuth(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void verify(Connector connector, Exchange exchange) {
        Auth auth = connector.file().auth();
        byte[] body = exchange.getMessage().getBody(byte[].class);
        String signature = auth.signatureHeader() == null ? null : exchange.getMessage().getHeader(auth.signatureHeader(), String.class);
        String key = exchange.getMessage().getHeader(API_KEY_HEADER, String.class);
        if (signature != null && auth.signatureSecret() != null) {
            if (!signature.startsWith(auth.signaturePrefix()) || !equal(signature.substring(auth.signaturePrefix().length()),
                    hmac(auth.signatureSecret(), body))) {
                throw new Refused(auth.signatureHeader() + " is not the HMAC-SHA256 of the body with the connector's secret");
            }
            return;
        }
        if (key != null && auth.apiKey() != null) {
            if (!MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), auth.apiKey().getBytes(StandardCharsets.UTF_8))) {
                throw new Refused(API_KEY_HEADER + " is not the connector's key");
            }
            return;
        }
        throw new Refused(auth.signatureHeader() != null
                ? "sign the body: " + auth.signatureHeader() + ": " + auth.signaturePrefix() + "<hex HMAC-SHA256>"
                : "give the connector's key in " + API_KEY_HEADER);
    }

    void readJson(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        try {
            exchange.getMessage().setBody(mapper.readValue(body, Map.class));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(new FieldError("$", "not a JSON object: " + e.getOriginalMessage())));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmac(String secret, byte[] body) {
        return HexFormat.of().formatHex(Digests.hmacSha256(secret, body));
    }

    private static boolean equal(String given, String expected) {
        return MessageDigest.isEqual(given.trim().toLowerCase().getBytes(StandardCharsets.UTF_8),
                expected.toLowerCase().getBytes(StandardCharsets.UTF_8));
    }
}
