package dev.whatsapphub.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.broker.BrokerConfiguration;
import dev.whatsapphub.media.MediaStore;
import java.io.IOException;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code inbound-record}: takes customers' messages and user id changes off {@code hub.inbound} in
 * a JMS transaction and stores them with their contact. A failure rolls the item back onto the
 * queue (the broker's redelivery policy, then {@code hub.inbound.dlq}): nothing Meta delivered is
 * lost because the database was away.
 */
@Component
class InboundRoutes extends RouteBuilder {

    static final String QUEUE = "hub.inbound";

    private final HubProperties properties;
    private final InboundRecorder recorder;
    private final ReadReceipts readReceipts;
    private final ObjectMapper mapper;

    InboundRoutes(HubProperties properties, InboundRecorder recorder, ReadReceipts readReceipts, ObjectMapper mapper) {
        this.properties = properties;
        this.recorder = recorder;
        this.readReceipts = readReceipts;
        this.mapper = mapper;
    }

    @Override
    public void configure() {
        from(BrokerConfiguration.transactedConsumer(QUEUE, properties.conversations().consumers()))
                .routeId("inbound-record")
                .process(recorder)
                // the file's download is queued in the transaction that stored its message
                .filter(header(InboundRecorder.MEDIA).isNotNull())
                    .setBody(header(InboundRecorder.MEDIA))
                    .to("jms:queue:" + MediaStore.DOWNLOADS)
                .end()
                // what belongs to no origin with a callback goes to the default route, in the same transaction
                .filter(header(InboundRecorder.UNASSIGNED).isNotNull())
                    .split(header(InboundRecorder.UNASSIGNED))
                        // a JMS message group per contact: with several hubs on one broker, one consumer at a time takes a
                        // contact's messages, in the order queued (the support desk opens one ticket, not one per instance)
                        .setHeader("JMSXGroupID", method(this, "contactOf"))
                        .to(properties.conversations().defaultRoute())
                    .end()
                .end()
                // blue ticks for the customer, off the transaction: a receipt that fails loses nothing
                .filter(header(ReadReceipts.SENDER).isNotNull())
                    // the first end() closes the wire tap, the second the filter
                    .wireTap("direct:inbound-mark-read").end()
                .end();

        from("direct:inbound-mark-read")
                .routeId("inbound-mark-read")
                .process(readReceipts);
    }

    /** The contact an unassigned item is about: {@code reply.from.contact_id}, or {@code contact.contact_id} of an opt-out. */
    public String contactOf(String unassigned) throws IOException {
        JsonNode item = mapper.readTree(unassigned);
        JsonNode id = item.path("reply").path("from").path("contact_id");
        return (id.isMissingNode() ? item.path("contact").path("contact_id") : id).asText(null);
    }
}
