package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Meta's error envelope and the HTTP status Meta answers each code with (contract section 3). */
final class GraphErrors {

    record Kind(int httpStatus, String type, String title) {
    }

    private static final Kind DEFAULT = new Kind(400, "OAuthException", "Error");
    private static final Map<Integer, Kind> KINDS = Map.ofEntries(
            Map.entry(0, new Kind(401, "OAuthException", "AuthException")),
            Map.entry(1, new Kind(400, "OAuthException", "API Unknown")),
            Map.entry(2, new Kind(503, "OAuthException", "API Service")),
            Map.entry(4, new Kind(400, "OAuthException", "API Too Many Calls")),
            Map.entry(100, new Kind(400, "OAuthException", "Invalid parameter")),
            Map.entry(190, new Kind(401, "OAuthException", "Invalid OAuth access token - Cannot parse access token")),
            Map.entry(200, new Kind(403, "OAuthException", "Permissions error")),
            Map.entry(368, new Kind(403, "OAuthException", "Temporarily blocked for policies violations")),
            Map.entry(130429, new Kind(400, "OAuthException", "Rate limit hit")),
            Map.entry(131000, new Kind(500, "OAuthException", "Something went wrong")),
            Map.entry(131008, new Kind(400, "OAuthException", "Required parameter is missing")),
            Map.entry(131009, new Kind(400, "OAuthException", "Parameter value is not valid")),
            Map.entry(131016, new Kind(500, "OAuthException", "Service unavailable")),
            Map.entry(131021, new Kind(400, "OAuthException", "Recipient cannot be sender")),
            Map.entry(131026, new Kind(400, "OAuthException", "Message undeliverable")),
            Map.entry(131031, new Kind(403, "OAuthException", "Account has been locked")),
            Map.entry(131047, new Kind(400, "OAuthException", "Re-engagement message")),
            Map.entry(131050, new Kind(400, "OAuthException", "Unable to deliver the message: the recipient stopped marketing messages")),
            Map.entry(131056, new Kind(400, "OAuthException", "(Business Account, Consumer Account) pair rate limit hit")),
            Map.entry(131062, new Kind(400, "OAuthException", "Business-scoped User ID (BSUID) recipients are not supported for this message")),
            Map.entry(131057, new Kind(500, "OAuthException", "Account in maintenance mode")),
            Map.entry(132000, new Kind(400, "OAuthException", "Number of parameters does not match the expected number of params")),
            Map.entry(132001, new Kind(404, "OAuthException", "Template name does not exist in the translation")),
            Map.entry(132012, new Kind(400, "OAuthException", "Parameter format does not match format in the created template")),
            Map.entry(132015, new Kind(400, "OAuthException", "Template is Paused")),
            Map.entry(132016, new Kind(400, "OAuthException", "Template is Disabled")),
            Map.entry(133010, new Kind(400, "OAuthException", "Phone number Not Registered")));

    private GraphErrors() {
    }

    static Kind kind(int code) {
        return KINDS.getOrDefault(code, DEFAULT);
    }

    static ResponseEntity<ObjectNode> of(int code, String details) {
        Kind kind = kind(code);
        return body(kind.httpStatus(), code, kind.type(), kind.title(), details);
    }

    /** Unknown object id (a wrong phone-number id or WABA id), as Meta answers it. */
    static ResponseEntity<ObjectNode> unknownObject(String method, String id) {
        ResponseEntity<ObjectNode> response = body(400, 100, "GraphMethodException",
                "Unsupported " + method + " request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
                null);
        ((ObjectNode) response.getBody().get("error")).put("error_subcode", 33);
        return response;
    }

    static ResponseEntity<ObjectNode> body(int httpStatus, int code, String type, String title, String details) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", code == 100 && "GraphMethodException".equals(type) ? title : "(#" + code + ") " + title);
        error.put("type", type);
        error.put("code", code);
        if (details != null) {
            error.putObject("error_data").put("messaging_product", "whatsapp").put("details", details);
        }
        error.put("fbtrace_id", "A" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        return ResponseEntity.status(httpStatus).contentType(MediaType.APPLICATION_JSON).body(root);
    }

    /** The shape of an error inside {@code statuses[].errors[]}. */
    static ObjectNode webhookError(int code, String details) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        String title = kind(code).title();
        error.put("code", code).put("title", title).put("message", title);
        error.putObject("error_data").put("details", details);
        error.put("href", "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
        return error;
    }
}
