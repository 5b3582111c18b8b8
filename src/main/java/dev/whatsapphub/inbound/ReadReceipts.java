package dev.whatsapphub.inbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.whatsapp.GraphClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Marks a stored customer message as read at Meta, for senders with {@code mark-read: true}. Off
 * the inbound transaction and best effort: a receipt that fails is logged and counted, never a
 * reason to hold the message back.
 */
@Component
class ReadReceipts implements Processor {

    static final String SENDER = "hubMarkReadSender";

    private static final Logger log = LoggerFactory.getLogger(ReadReceipts.class);

    private final Map<String, Sender> senders;
    private final MeterRegistry meters;
    private final GraphClient graph = GraphClient.create(Duration.ofSeconds(10));

    ReadReceipts(HubProperties properties, MeterRegistry meters) {
        this.senders = properties.senders();
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        String alias = exchange.getMessage().getHeader(SENDER, String.class);
        String wamid = exchange.getMessage().getHeader(InboundRecorder.WAMID, String.class);
        Sender sender = senders.get(alias);
        try {
            graph.post(sender, URI.create(GraphClient.messages(sender))).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("messaging_product", "whatsapp", "status", "read", "message_id", wamid))
                    .retrieve().toBodilessEntity();
            meters.counter("hub.inbound.read-receipts", "outcome", "sent").increment();
        } catch (RuntimeException failed) {
            meters.counter("hub.inbound.read-receipts", "outcome", "failed").increment();
            log.warn("Could not mark message {} read for sender {}: {}", wamid, alias, failed.getMessage());
        }
    }
}
