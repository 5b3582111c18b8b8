package dev.whatsapphub.outbound;

import dev.whatsapphub.BrokerConfiguration;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Per sender: {@code outbound-send-<alias>} consumes the sender's queue in a JMS transaction and
 * {@code cloud-api-call-<alias>} throttles and posts to the Cloud API. The call is its own route
 * so that a retry goes through the throttle again.
 */
@Component
class OutboundRoutes extends RouteBuilder {

    private final HubProperties properties;
    private final SendSteps steps;

    OutboundRoutes(HubProperties properties, SendSteps steps) {
        this.properties = properties;
        this.steps = steps;
    }

    static String sendRouteId(String alias) {
        return "outbound-send-" + alias;
    }

    @Override
    public void configure() {
        properties.senders().forEach(this::sender);
    }

    private void sender(String alias, Sender sender) {
        // one consumer per shard; the dead-letter send joins the consumer's transaction
        from(BrokerConfiguration.transactedConsumer(OutboundQueues.queueOf(alias), sender.effectiveShards()))
                .routeId(sendRouteId(alias))
                .routeConfigurationId(SendErrorHandling.ID)
                // started by OutboundStarter once messages orphaned by a crash are back on the queue
                .autoStartup(false)
                .process(exchange -> steps.begin(exchange, alias))
                .filter(exchangeProperty(SendSteps.SKIP).isNull())
                    .to("direct:cloud-api-call-" + alias)
                    .process(steps::accepted)
                .end();

        long period = 1000 + properties.outbound().throttleGuard().toMillis();
        from("direct:cloud-api-call-" + alias)
                .routeId("cloud-api-call-" + alias)
                .errorHandler(noErrorHandler())
                // each recipient shard gets rate/shards per period: the sum never exceeds the sender's rate
                .throttle(sender.perShardRate()).totalRequestsMode().timePeriodMillis(period)
                    .correlationExpression(exchangeProperty(OutboundQueues.GROUP))
                .process(exchange -> steps.request(exchange, sender))
                .to(sender.baseUrl() + "/" + sender.apiVersion() + "/" + sender.phoneNumberId() + "/messages"
                        + "?throwExceptionOnFailure=false"
                        + "&connectTimeout=" + properties.outbound().connectTimeout().toMillis()
                        + "&responseTimeout=" + properties.outbound().responseTimeout().toMillis())
                .process(steps::response);
    }
}
