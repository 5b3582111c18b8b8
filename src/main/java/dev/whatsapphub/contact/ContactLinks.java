package dev.whatsapphub.contact;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Learns the link between a customer's user id and phone number from status webhooks, which carry
 * a {@code contacts[]} block since 2026. Statuses are on the hub's busiest path (three per message),
 * so a link already known is recognised in memory and a new one is written later, in the
 * background: a link lost in a crash is learned again from the next webhook that carries it.
 */
@Component
public class ContactLinks {

    private static final Logger log = LoggerFactory.getLogger(ContactLinks.class);
    private static final int KNOWN_MAX = 100_000;
    private static final int WAITING_MAX = 10_000;

    private record Link(String wabaId, Identity who) {
    }

    private final ContactStore contacts;
    private final Map<String, Boolean> known = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > KNOWN_MAX;
        }
    };
    private final ConcurrentLinkedQueue<Link> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();

    ContactLinks(ContactStore contacts) {
        this.contacts = contacts;
    }

    /** The {@code contacts[]} of a status post of {@code wabaId}'s numbers. */
    public void noted(String wabaId, JsonNode contactsBlock) {
        for (JsonNode contact : contactsBlock) {
            Identity who = Identity.of(contact, com.fasterxml.jackson.databind.node.MissingNode.getInstance());
            if (who.userId() == null || who.waId() == null) {
                continue; // nothing to link
            }
            String key = wabaId + ":" + who.userId() + ":" + who.waId();
            synchronized (known) {
                if (known.put(key, Boolean.TRUE) != null) {
                    continue;
                }
            }
            if (waitingCount.incrementAndGet() > WAITING_MAX) {
                waitingCount.decrementAndGet();
                forget(key); // a burst of new customers: learned from a later webhook
                continue;
            }
            waiting.add(new Link(wabaId, who));
        }
    }

    @Scheduled(fixedDelayString = "${hub.conversations.contact-links-interval:1s}")
    void learnWaiting() {
        for (Link link; (link = waiting.poll()) != null; ) {
            waitingCount.decrementAndGet();
            try {
                contacts.learn(link.wabaId(), link.who(), Instant.now());
            } catch (RuntimeException e) {
                forget(link.wabaId() + ":" + link.who().userId() + ":" + link.who().waId());
                log.debug("Could not learn a contact link now; a later webhook brings it again", e);
            }
        }
    }

    private void forget(String key) {
        synchronized (known) {
            known.remove(key);
        }
    }
}
