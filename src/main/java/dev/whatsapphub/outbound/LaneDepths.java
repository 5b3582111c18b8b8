package dev.whatsapphub.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final String LANES = "{\"field\":\"name\",\"operation\":\"CONTAINS\",\"value\":\"hub.outbound.\"}";

    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final ObjectProvider<BrokerManagement> management;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private volatile Map<String, Long> polled = Map.of();
    private volatile boolean pollFailed;

    LaneDepths(ObjectProvider<EmbeddedActiveMQ> embedded, ObjectProvider<BrokerManagement> management) {
        this.embedded = embedded;
        this.management = management;
    }

    long depth(String lane) {
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        if (broker == null || management.getIfAvailable() != null) {
            return polled.getOrDefault(lane, 0L);
        }
        Queue queue = queues.computeIfAbsent(lane, name -> {
            ActiveMQServer server = broker.getActiveMQServer();
            return server == null ? null : server.locateQueue(SimpleString.of(name));
        });
        return queue == null ? 0 : queue.getMessageCount();
    }

    @Scheduled(fixedDelayString = "${hub.broker.depth-poll-interval:500ms}")
    void pollStandaloneBroker() {
        BrokerManagement broker = management.getIfAvailable();
        if (broker == null) {
            return;
        }
        try {
            Map<String, Long> counts = new java.util.HashMap<>();
            for (JsonNode queue : json.readTree(String.valueOf(broker.invoke("listQueues", LANES, 1, 100_000))).path("data")) {
                counts.put(queue.path("name").asText(), queue.path("messageCount").asLong());
            }
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
