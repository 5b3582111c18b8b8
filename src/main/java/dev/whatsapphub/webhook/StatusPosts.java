package dev.whatsapphub.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.contact.ContactLinks;
import dev.whatsapphub.status.StatusRecorder;
import dev.whatsapphub.status.StatusUpdate;
import dev.whatsapphub.store.Durability;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Most webhook posts hold delivery statuses and nothing else. Such a post is applied while Meta
 * waits for its answer: the statuses are on disk in the database before the 200, which is the
 * durable step, so it needs no trip through {@code hub.webhooks} (a persistent send, a consumer,
 * a commit: with it the broker's threads took 30 % of the hub's CPU in a benchmark, and statuses
 * fell 10 s behind the sends). Everything else
 * (inbound messages, template and account events, failed statuses that become dead letters, a
 * post the hub cannot read, a database that does not answer) goes through the queue as before.
 */
@Component
class StatusPosts {

    private static final Logger log = LoggerFactory.getLogger(StatusPosts.class);

    private final ObjectMapper mapper;
    private final StatusRecorder statuses;
    private final ContactLinks links;
    private final Durability durability;
    private final Counter inline;
    private final Counter queued;

    StatusPosts(ObjectMapper mapper, StatusRecorder statuses, Durability durability, MeterRegistry meters, ContactLinks links) {
        this.links = links;
        this.mapper = mapper;
        this.statuses = statuses;
        this.durability = durability;
        this.inline = meters.counter("hub.webhooks.posts", "path", "inline");
        this.queued = meters.counter("hub.webhooks.posts", "path", "queued");
    }

    /**
     * Applies the post if it holds only statuses that are not failures, and returns true once they
     * are on disk; false (nothing needs undoing: applying a status twice changes nothing) when the
     * post must go through the queue.
     */
    boolean applyIfOnlyStatuses(byte[] body) {
        List<StatusUpdate> updates;
        List<JsonNode> entries = new ArrayList<>();
        try {
            updates = onlyStatuses(body, entries);
        } catch (RuntimeException unreadable) {
            // a bad item, or anything else: the queue's route deals with it, and Meta gets its 200 once the post is on disk there
            updates = null;
        }
        if (updates == null) {
            queued.increment();
            return false;
        }
        try {
            statuses.record(updates);
            durability.await();
        } catch (RuntimeException e) {
            log.warn("Could not apply {} statuses while answering the webhook ({}); they go through {} instead",
                    updates.size(), e.getMessage(), WebhookController.QUEUE);
            queued.increment();
            return false;
        }
        inline.increment();
        entries.forEach(entry -> entry.path("changes").forEach(change -> links.noted(entry.path("id").asText(),
                change.path("value").path("contacts"))));
        return true;
    }

    /** The statuses of a post that holds nothing else, or null; its entries are added to {@code entries}. */
    private List<StatusUpdate> onlyStatuses(byte[] body, List<JsonNode> entries) {
        JsonNode post;
        try {
            post = mapper.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
        if (post == null || !post.path("entry").isArray()) {
            return null;
        }
        List<StatusUpdate> updates = new ArrayList<>();
        for (JsonNode entry : post.path("entry")) {
            entries.add(entry);
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                if (!"messages".equals(change.path("field").asText()) || value.has("messages") || value.has("errors")) {
                    return null;
                }
                for (JsonNode item : value.path("statuses")) {
                    // a bad item throws: the queue's route logs and counts it and applies the others
                    StatusUpdate update = StatusUpdate.from(item);
                    if ("failed".equals(update.status())) {
                        // a failure becomes a dead letter in the same JMS transaction as the post
                        return null;
                    }
                    updates.add(update);
                }
            }
        }
        return updates.isEmpty() ? null : updates;
    }
}
