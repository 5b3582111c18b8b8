package dev.whatsapphub.outbound;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * How many messages a lane still holds, so the number's slots go to the deepest lanes first. Read
 * from the embedded broker's queue itself (no I/O); with a broker in another process there is no
 * count here and lanes take their turns in arrival order.
 */
@Component
class LaneDepths {

    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    LaneDepths(ObjectProvider<EmbeddedActiveMQ> embedded) {
        this.embedded = embedded;
    }

    long depth(String lane) {
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
}
