package dev.whatsapphub.contact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.regex.Pattern;

/**
 * What one webhook says of a customer: any of the ids may be missing (Meta omits a missing value
 * rather than sending an empty string, and leaves the phone number out for users with a username).
 */
public record Identity(String userId, String parentUserId, String waId, String username, String profileName) {

    /** Meta's business-scoped user id: ISO 3166 alpha-2, a period, up to 128 alphanumerics ({@code ENT.} for a parent id). */
    public static final Pattern USER_ID = Pattern.compile("[A-Z]{2}\\.(ENT\\.)?[A-Za-z0-9]{1,128}");

    /** Whether the webhook said nothing that identifies the customer. */
    public boolean anonymous() {
        return userId == null && waId == null;
    }

    /** From a {@code contacts[]} entry, with the message's {@code from}/{@code from_user_id} where the entry lacks them. */
    public static Identity of(JsonNode contactOrNull, JsonNode message) {
        JsonNode contact = contactOrNull == null ? MissingNode.getInstance() : contactOrNull;
        return new Identity(
                text(contact, "user_id", text(message, "from_user_id", null)),
                text(contact, "parent_user_id", text(message, "from_parent_user_id", null)),
                text(contact, "wa_id", text(message, "from", null)),
                text(contact.path("profile"), "username", null),
                text(contact.path("profile"), "name", null));
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : otherwise;
    }
}
