package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.store.MessageStore;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Before any sender consumes, puts back on its queue every message the database holds as
 * queued but the broker does not: the hub crashed between storing it and enqueueing it.
 * A copy that turns out to be a duplicate is harmless, the send route checks re-queued copies against the database.
 */
@Component
class OutboundStarter {

    private static final Logger log = LoggerFactory.getLogger(OutboundStarter.class);

    private final HubProperties properties;
    private final MessageStore store;
    private final OutboundQueues queues;
    private final SenderControl senders;
    private final OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);

    OutboundStarter(HubProperties properties, MessageStore store, OutboundQueues queues, SenderControl senders) {
        this.properties = properties;
        this.store = store;
        this.queues = queues;
        this.senders = senders;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        for (var entry : properties.senders().entrySet()) {
            String alias = entry.getKey();
            requeueOrphans(alias);
            if (properties.outbound().autoStart()) {
                senders.start(alias);
                log.info("Sender '{}' sending from phone-number id {} to {} at up to {} messages/s ({} recipient lanes)", alias,
                        entry.getValue().phoneNumberId(), entry.getValue().baseUrl(),
                        entry.getValue().messagesPerSecond(), entry.getValue().effectiveShards());
            }
        }
    }

    private void requeueOrphans(String alias) {
        Set<String> waiting = queues.waitingIds(alias);
        int requeued = 0;
        OffsetDateTime from = startedAt.minus(properties.outbound().recoveryLookback());
        for (MessageStore.Queued q : store.queuedBetween(alias, from, startedAt)) {
            if (!waiting.contains(q.id())) {
                queues.requeue(alias, q.id(), q.recipient(), q.payload());
                requeued++;
            }
        }
        if (requeued > 0) {
            log.warn("Put {} accepted message(s) of sender '{}' back on its lanes: they were stored but not queued",
                    requeued, alias);
        }
    }
}
