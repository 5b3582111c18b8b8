package dev.whatsapphub.webhook;

import dev.whatsapphub.broker.BrokerConfiguration;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.outbound.DeadLetters;
import dev.whatsapphub.outbound.OutboundQueues;
import java.util.HashMap;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code webhook-dispatch}: takes stored webhook posts off {@code hub.webhooks} in a JMS
 * transaction, applies their statuses, and moves what later stages own (inbound messages,
 * template and account events) to their queues. A post that is not a webhook at all goes to
 * {@code hub.webhooks.dlq}, its reason attached.
 */
@Component
class WebhookRoutes extends RouteBuilder {

    static final String INBOUND = "hub.inbound";
    static final String OTHER_FIELDS = "hub.webhooks.other";

    private final HubProperties properties;
    private final WebhookFanOut fanOut;

    WebhookRoutes(HubProperties properties, WebhookFanOut fanOut) {
        this.properties = properties;
        this.fanOut = fanOut;
    }

    @Override
    public void configure() {
        from(BrokerConfiguration.transactedConsumer(WebhookController.QUEUE, properties.webhook().consumers()))
                .routeId("webhook-dispatch")
                .onException(WebhookFanOut.NotAWebhookException.class)
                    .handled(true)
                    .setHeader("hubFailureReason", simple("${exception.message}"))
                    .to("jms:queue:hub.webhooks.dlq")
                .end()
                .process(fanOut)
                .split(simple("${body.inbound}"))
                    .to("jms:queue:" + INBOUND)
                .end()
                .split(simple("${body.otherFields}"))
                    .to("jms:queue:" + OTHER_FIELDS)
                .end()
                // messages Meta failed after accepting them (131026, 131047, ...) are dead letters like refused sends
                .split(simple("${body.deadLetters}"))
                    .process(exchange -> {
                        DeadLetters.Letter letter = exchange.getMessage().getBody(DeadLetters.Letter.class);
                        exchange.getMessage().setHeaders(new HashMap<>(letter.properties()));
                        exchange.getMessage().setBody(letter.payload());
                    })
                    .to("jms:queue:" + OutboundQueues.DEAD_LETTERS)
                .end();
    }
}
