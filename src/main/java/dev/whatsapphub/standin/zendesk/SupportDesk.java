package dev.whatsapphub.standin.zendesk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Zendesk stand-in's account, in memory: users (the API's agent, a second agent who answers,
 * end users by external id), tickets with their comments, uploads. Kept as Zendesk's JSON shapes
 * (snake_case maps) so the REST side answers them as they are.
 */
public class SupportDesk {

    /** The API user (the hub's email/token): its comments are the hub's internal notes. */
    public static final long API_AGENT = 900;
    /** The agent who answers customers. */
    public static final long AGENT = 901;
    static final Set<String> STATUSES = Set.of("new", "open", "pending", "hold", "solved", "closed");

    private final Map<Long, Map<String, Object>> users = new LinkedHashMap<>();
    private final Map<Long, Map<String, Object>> tickets = new LinkedHashMap<>();
    private final Map<Long, List<Map<String, Object>>> comments = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> uploads = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong(1000);

    public SupportDesk() {
        users.put(API_AGENT, user(API_AGENT, "Hub integration", "agent", null, null));
        users.put(AGENT, user(AGENT, "Sam from Support", "agent", null, null));
    }

    private static Map<String, Object> user(long id, String name, String role, String externalId, String phone) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", id);
        user.put("name", name);
        user.put("role", role);
        user.put("external_id", externalId);
        user.put("phone", phone);
        user.put("created_at", Instant.now().toString());
        return user;
    }

    /** Zendesk's create_or_update: the user with the same external id is updated, else one is created. */
    public synchronized Map<String, Object> createOrUpdateUser(Map<String, Object> fields) {
        Object externalId = fields.get("external_id");
        Map<String, Object> user = externalId == null ? null
                : users.values().stream().filter(u -> externalId.equals(u.get("external_id"))).findFirst().orElse(null);
        if (user == null) {
            long id = ids.incrementAndGet();
            user = user(id, String.valueOf(fields.getOrDefault("name", "Unknown")), "end-user", (String) externalId, (String) fields.get("phone"));
            users.put(id, user);
        } else {
            if (fields.get("name") != null) {
                user.put("name", fields.get("name"));
            }
            if (fields.get("phone") != null) {
                user.put("phone", fields.get("phone"));
            }
        }
        return copy(user);
    }

    public synchronized List<Map<String, Object>> usersByExternalId(String externalId) {
        return users.values().stream().filter(u -> externalId.equals(u.get("external_id"))).map(SupportDesk::copy).toList();
    }

    public synchronized Map<String, Object> user(long id) {
        return copy(users.get(id));
    }

    public synchronized Map<String, Object> createTicket(Map<String, Object> fields, long apiUser) {
        long id = ids.incrementAndGet();
        Map<String, Object> ticket = new LinkedHashMap<>();
        ticket.put("id", id);
        ticket.put("subject", fields.get("subject"));
        ticket.put("status", "new");
        ticket.put("requester_id", fields.get("requester_id"));
        ticket.put("submitter_id", apiUser);
        ticket.put("external_id", fields.get("external_id"));
        ticket.put("tags", fields.getOrDefault("tags", List.of()));
        ticket.put("created_at", Instant.now().toString());
        ticket.put("updated_at", Instant.now().toString());
        tickets.put(id, ticket);
        comments.put(id, new ArrayList<>());
        if (fields.get("comment") instanceof Map<?, ?> comment) {
            addComment(id, comment, apiUser);
            ticket.put("description", comment.get("body"));
        }
        return copy(ticket);
    }

    public synchronized Map<String, Object> ticket(long id) {
        return copy(tickets.get(id));
    }

    public synchronized List<Map<String, Object>> ticketsByExternalId(String externalId) {
        return tickets.values().stream().filter(t -> externalId.equals(t.get("external_id"))).map(SupportDesk::copy).toList();
    }

    /** A comment on ticket {@code id}: by {@code author_id} if given, else the API user; public unless said otherwise. */
    public synchronized Map<String, Object> addComment(long ticketId, Map<?, ?> fields, long apiUser) {
        Map<String, Object> ticket = tickets.get(ticketId);
        long author = fields.get("author_id") instanceof Number n ? n.longValue() : apiUser;
        Map<String, Object> comment = new LinkedHashMap<>();
        comment.put("id", ids.incrementAndGet());
        comment.put("type", "Comment");
        comment.put("author_id", author);
        String body = String.valueOf(fields.get("body") == null ? "" : fields.get("body"));
        comment.put("body", body);
        comment.put("plain_body", body);
        comment.put("html_body", "<p>" + body.replace("&", "&amp;").replace("<", "&lt;") + "</p>");
        comment.put("public", !(fields.get("public") instanceof Boolean b) || b);
        List<Map<String, Object>> attachments = new ArrayList<>();
        if (fields.get("uploads") instanceof List<?> tokens) {
            for (Object token : tokens) {
                Map<String, Object> upload = uploads.get(String.valueOf(token));
                if (upload != null) {
                    attachments.add(upload);
                }
            }
        }
        comment.put("attachments", attachments);
        comment.put("created_at", Instant.now().toString());
        comments.get(ticketId).add(comment);
        ticket.put("updated_at", Instant.now().toString());
        // an agent's public answer puts the ticket to pending (awaiting the requester), the requester's words open it
        if (Boolean.TRUE.equals(comment.get("public")) && !"closed".equals(ticket.get("status"))) {
            ticket.put("status", Long.valueOf(author).equals(toLong(ticket.get("requester_id"))) ? "open" : "pending");
        }
        return copy(comment);
    }

    public synchronized List<Map<String, Object>> comments(long ticketId) {
        return comments.getOrDefault(ticketId, List.of()).stream().map(SupportDesk::copy).toList();
    }

    /** A ticket deleted by an agent: Zendesk answers 404 for it from then on. */
    public synchronized boolean delete(long ticketId) {
        comments.remove(ticketId);
        return tickets.remove(ticketId) != null;
    }

    public synchronized void status(long ticketId, String status) {
        tickets.get(ticketId).put("status", status);
    }

    public synchronized Map<String, Object> upload(String fileName, String contentType, byte[] content, String baseUrl) {
        String token = "upload-" + ids.incrementAndGet();
        Map<String, Object> attachment = new LinkedHashMap<>();
        long id = ids.incrementAndGet();
        attachment.put("id", id);
        attachment.put("file_name", fileName);
        attachment.put("content_type", contentType);
        attachment.put("size", content.length);
        attachment.put("content_url", baseUrl + "/attachments/" + id + "/" + fileName);
        uploads.put(token, attachment);
        return Map.of("token", token, "attachment", attachment);
    }

    public synchronized List<Map<String, Object>> tickets() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map<String, Object> t : tickets.values()) {
            Map<String, Object> view = new LinkedHashMap<>(t);
            view.put("requester", copy(users.get(toLong(t.get("requester_id")))));
            List<Map<String, Object>> withRoles = new ArrayList<>();
            for (Map<String, Object> c : comments.get(toLong(t.get("id")))) {
                Map<String, Object> cv = new LinkedHashMap<>(c);
                Map<String, Object> author = users.get(toLong(c.get("author_id")));
                cv.put("author_role", author == null ? null : author.get("role"));
                withRoles.add(cv);
            }
            view.put("comments", withRoles);
            all.add(view);
        }
        return all;
    }

    /** What leaves the desk is a copy: the controller serialises it outside the desk's lock. */
    private static Map<String, Object> copy(Map<String, Object> live) {
        return live == null ? null : new LinkedHashMap<>(live);
    }

    static Long toLong(Object o) {
        return o instanceof Number n ? n.longValue() : o == null ? null : Long.valueOf(String.valueOf(o));
    }
}
