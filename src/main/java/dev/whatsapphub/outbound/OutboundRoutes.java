package dev.whatsapphub.outbound;

import dev.whatsapphub.broker.BrokerConfiguration;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.whatsapp.GraphClient;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Per sender: one route per lane, {@code outbound-send-<alias>-<lane>}, consumes its lane in a JMS
 * transaction, one message at a time; {@code cloud-api-call-<alias>} waits for the number's next
 * send slot (shared by all lanes) and posts to the Cloud API. A message that must wait (pair rate,
 * retry, in doubt) goes back on its own lane, scheduled, in the same transaction.
 */
@Component
class OutboundRoutes extends RouteBuilder {

    private final HubProperties properties;
    private final SendSteps steps;

    OutboundRoutes(HubProperties properties, SendSteps steps) {
        this.properties = properties;
        this.steps = steps;
    }

    static List<String> laneRouteIds(String alias, int lanes) {
        return IntStream.range(0, lanes).mapToObj(lane -> "outbound-send-" + alias + "-" + String.format("%03d", lane)).toList();
    }

    @Override
    public void configure() {
        properties.senders().forEach(this::sender);
    }

    private void sender(String alias, Sender sender) {
        List<String> routeIds = laneRouteIds(alias, sender.effectiveShards());
        for (int lane = 0; lane < routeIds.size(); lane++) {
            String queue = OutboundQueues.laneQueue(alias, lane);
            from(BrokerConfiguration.transactedConsumer(queue, 1))
                    .routeId(routeIds.get(lane))
                    .routeConfigurationId(SendErrorHandling.ID)
                    // started by OutboundStarter once messages orphaned by a crash are back on their lanes
                    .autoStartup(false)
                    .process(exchange -> steps.begin(exchange, alias, queue))
                    .choice()
                        .when(exchangeProperty(SendSteps.WAIT).isNotNull())
                            .to("jms:queue:" + queue)
                        .when(exchangeProperty(SendSteps.SKIP).isNull())
                            .to("direct:cloud-api-call-" + alias)
                            .process(steps::accepted)
                    .end();
        }

        // made once per sender, not per send
        String authorization = GraphClient.authorization(sender);
        from("direct:cloud-api-call-" + alias)
                .routeId("cloud-api-call-" + alias)
                .errorHandler(noErrorHandler())
                .process(exchange -> steps.request(exchange, authorization))
                .to(GraphClient.messages(sender)
                        + "?throwExceptionOnFailure=false&httpClientConfigurer=#" + PacedTransport.BEAN
                        + "&connectTimeout=" + properties.outbound().connectTimeout().toMillis()
                        + "&responseTimeout=" + properties.outbound().responseTimeout().toMillis())
                .process(steps::response);
    }
}
