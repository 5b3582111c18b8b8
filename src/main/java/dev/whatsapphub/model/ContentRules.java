package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;

/**
 * Meta's content limits for free-form messages (contract section 2.3), checked before a
 * message is queued. Each method returns the Cloud API object for its type.
 */
final class ContentRules {

    static final Set<String> MEDIA_KINDS = Set.of("image", "video", "audio", "document", "sticker");
    private static final Set<String> CAPTIONED = Set.of("image", "video", "document");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ContentRules() {
    }

    static ObjectNode text(JsonNode text, Checks checks) {
        ObjectNode out = JSON.objectNode();
        out.put("body", checks.text(text, "body", "text.body", 4096, true));
        JsonNode preview = text.get("preview_url");
        if (preview != null && !preview.isNull()) {
            if (preview.isBoolean()) {
                out.put("preview_url", preview.asBoolean());
            } else {
                checks.add("text.preview_url", "must be true or false");
            }
        }
        return out;
    }

    /** Returns the media object; the message type is the media kind. */
    static ObjectNode media(JsonNode media, Checks checks) {
        ObjectNode out = JSON.objectNode();
        String kind = checks.text(media, "kind", "media.kind", 16, true);
        if (kind != null && !MEDIA_KINDS.contains(kind)) {
            checks.add("media.kind", "must be one of image, video, audio, document, sticker");
        }
        String link = checks.text(media, "link", "media.link", 2048, false);
        String id = checks.text(media, "id", "media.id", 128, false);
        if ((link == null) == (id == null)) {
            checks.add("media", "give exactly one of 'link' (a public https URL) or 'id' (an uploaded media id)");
        } else if (link != null) {
            if (!isHttpUrl(link)) {
                checks.add("media.link", "must be an http(s) URL Meta can download");
            }
            out.put("link", link);
        } else {
            out.put("id", id);
        }
        String caption = checks.text(media, "caption", "media.caption", 1024, false);
        if (caption != null) {
            if (kind != null && !CAPTIONED.contains(kind)) {
                checks.add("media.caption", "only image, video and document messages take a caption");
            }
            out.put("caption", caption);
        }
        String filename = checks.text(media, "filename", "media.filename", 240, false);
        if (filename != null) {
            if (!"document".equals(kind)) {
                checks.add("media.filename", "only document messages take a filename");
            }
            out.put("filename", filename);
        }
        return out;
    }

    static ObjectNode reaction(JsonNode reaction, Checks checks) {
        ObjectNode out = JSON.objectNode();
        out.put("message_id", checks.text(reaction, "message_id", "reaction.message_id", 512, true));
        JsonNode emoji = reaction.get("emoji");
        if (emoji == null || !emoji.isTextual()) {
            checks.add("reaction.emoji", "is required: one emoji, or \"\" to remove a reaction");
        } else if (emoji.asText().codePointCount(0, emoji.asText().length()) > 8) {
            checks.add("reaction.emoji", "must be a single emoji");
        } else {
            out.put("emoji", emoji.asText());
        }
        return out;
    }

    static ObjectNode location(JsonNode location, Checks checks) {
        ObjectNode out = JSON.objectNode();
        coordinate(location, "latitude", 90, checks, out);
        coordinate(location, "longitude", 180, checks, out);
        String name = checks.text(location, "name", "location.name", 1000, false);
        if (name != null) {
            out.put("name", name);
        }
        String address = checks.text(location, "address", "location.address", 1000, false);
        if (address != null) {
            out.put("address", address);
        }
        return out;
    }

    static ObjectNode interactive(JsonNode interactive, Checks checks) {
        String type = checks.text(interactive, "type", "interactive.type", 64, true);
        JsonNode body = interactive.path("body");
        if (!"product".equals(type) && !body.path("text").isTextual()) {
            checks.add("interactive.body.text", "is required");
        }
        checks.maxLength(body.get("text"), "interactive.body.text", 1024);
        checks.maxLength(interactive.path("header").get("text"), "interactive.header.text", 60);
        checks.maxLength(interactive.path("footer").get("text"), "interactive.footer.text", 60);
        JsonNode action = interactive.path("action");
        if ("button".equals(type)) {
            replyButtons(action.path("buttons"), checks);
        } else if ("list".equals(type)) {
            InteractiveList.check(action, checks);
        }
        return interactive.deepCopy();
    }

    private static void replyButtons(JsonNode buttons, Checks checks) {
        if (!buttons.isArray() || buttons.isEmpty() || buttons.size() > 3) {
            checks.add("interactive.action.buttons", "must hold 1 to 3 reply buttons");
            return;
        }
        Set<String> titles = new HashSet<>();
        for (int i = 0; i < buttons.size(); i++) {
            JsonNode reply = buttons.get(i).path("reply");
            String field = "interactive.action.buttons[" + i + "].reply";
            String id = checks.text(reply, "id", field + ".id", 256, true);
            if (id != null && !id.equals(id.strip())) {
                checks.add(field + ".id", "must not start or end with spaces");
            }
            String title = checks.text(reply, "title", field + ".title", 20, true);
            if (title != null && !titles.add(title)) {
                checks.add(field + ".title", "must be unique among the buttons");
            }
        }
    }

    private static void coordinate(JsonNode location, String name, double bound, Checks checks, ObjectNode out) {
        JsonNode value = location.get(name);
        if (value == null || !value.isNumber()) {
            checks.add("location." + name, "is required and must be a number");
        } else if (Math.abs(value.asDouble()) > bound) {
            checks.add("location." + name, "must be between -" + (int) bound + " and " + (int) bound);
        } else {
            out.put(name, value.asDouble());
        }
    }

    private static boolean isHttpUrl(String link) {
        try {
            URI uri = URI.create(link);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
