package dev.whatsapphub.outbound;

import dev.whatsapphub.broker.BrokerManagement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * How many messages a lane still holds, so the number's slots go to the deepest lanes first.
 * Read from the embedded broker's queue itself (no I/O); from a standalone broker, every lane's
 * count comes from one management call every {@code hub.broker.depth-poll-interval}.
 */
@Component
class LaneDepths {

    private static final Logger log = LoggerFactory.getLogger(LaneDepths.class);

    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final ObjectProvider<BrokerManagement> management;
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private volatile Map<String, Long> polled = Map.of();
    private volatile boolean pollFailed;
    private volatile Boolean standalone;

    LaneDepths(ObjectProvider<EmbeddedActiveMQ> embedded, ObjectProvider<BrokerManagement> management) {
        this.embedded = embedded;
        this.management = management;
    }

    long depth(String lane) {
        if (standalone()) {
            return polled.getOrDefault(lane, 0L);
        }
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        if (broker == null) {
            return 0;
        }
        Queue queue = queues.computeIfAbsent(lane, name -> {
            ActiveMQServer server = broker.getActiveMQServer();
            return server == null ? null : server.locateQueue(SimpleString.of(name));
        });
        return queue == null ? 0 : queue.getMessageCount();
    }

    /** Asked before every slot: the bean factory is asked once. */
    private boolean standalone() {
        Boolean known = standalone;
        if (known == null) {
            known = management.getIfAvailable() != null;
            standalone = known;
        }
        return known;
    }

    @Scheduled(fixedDelayString = "${hub.broker.depth-poll-interval:500ms}")
    void pollStandaloneBroker() {
        BrokerManagement broker = management.getIfAvailable();
        if (broker == null) {
            return;
        }
        try {
            Map<String, Long> counts = new java.util.HashMap<>();
            broker.queues("hub.outbound.").forEach((name, queue) -> counts.put(name, queue.path("messageCount").asLong()));
            polled = counts;
            pollFailed = false;
        } catch (Exception e) {
            // lanes then take their turns in arrival order until the next poll works
            if (!pollFailed) {
                log.warn("Could not read lane depths from the broker ({}); lanes take turns in arrival order meanwhile", e.getMessage());
            }
            pollFailed = true;
        }
    }
}
