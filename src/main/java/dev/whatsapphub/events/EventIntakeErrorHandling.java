package dev.whatsapphub.events;

import dev.whatsapphub.model.TemplatesNotLoadedException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code event-intake}: what happens to a payload that cannot become an event the hub takes in
 * (not a CloudEvent, not convertible, data its mapping cannot use). It goes, as it arrived, to the
 * dead-letter queue the route names in {@link #DEAD_LETTERS} ({@code hub.events.dlq} if none) with
 * the reason in {@link EventIntake#REASON}, in the consumer's transaction, and the consumer goes
 * on; a route that answers its sender names the endpoint that makes the rejection in
 * {@link #ON_REJECTED}. While the account's templates are not synced the payload waits in place
 * and is tried again. Any other failure (database, broker) is not handled here: a transacted
 * consumer rolls back and the broker delivers the payload again. Routes opt in by id: the hub's
 * own, connector routes and operators' YAML routes ({@code routeConfigurationId: event-intake}).
 */
@Component
public class EventIntakeErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "event-intake";
    /** Exchange property: the queue for payloads that cannot be taken in. */
    public static final String DEAD_LETTERS = "hubDeadLetters";
    /** Exchange property: an endpoint called after the dead letter is written, to answer the sender. */
    public static final String ON_REJECTED = "hubOnRejected";

    private static final Logger log = LoggerFactory.getLogger(EventIntakeErrorHandling.class);

    @Override
    public void configuration() {
        var config = routeConfiguration(ID);
        // the account's templates are not synced yet (a start-up, Meta away): the payload is fine and
        // waits in place, tried again with backoff, rather than rolled back through the broker's
        // attempts into a dead letter or, on a queue the hub has no address settings for, dropped
        config.onException(TemplatesNotLoadedException.class)
                // about half an hour, then the broker's redelivery takes over
                .maximumRedeliveries(70).redeliveryDelay(500).useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(30_000)
                .retryAttemptedLogLevel(LoggingLevel.INFO);
        config.onException(InvalidEventException.class)
                    .handled(true)
                    .useOriginalMessage()
                    .process(EventIntakeErrorHandling::reason)
                    // kept, never answered: a request's JMSReplyTo is for the rejection below
                    .toD("jms:queue:${exchangeProperty." + DEAD_LETTERS + "}?exchangePattern=InOnly&disableReplyTo=true")
                    .choice()
                        .when(exchangeProperty(ON_REJECTED).isNotNull())
                            .toD("${exchangeProperty." + ON_REJECTED + "}")
                    .end();
    }

    private static void reason(Exchange exchange) {
        InvalidEventException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, InvalidEventException.class);
        String reason = String.join("; ", e.errors().stream().map(fe -> fe.field() + ": " + fe.rule()).toList());
        exchange.getMessage().setHeader(EventIntake.REASON, reason.length() > 4000 ? reason.substring(0, 4000) : reason);
        if (exchange.getProperty(DEAD_LETTERS) == null) {
            exchange.setProperty(DEAD_LETTERS, EventRoutes.DEAD_LETTERS);
        }
        log.warn("Payload of route {} went to {}: {}", exchange.getFromRouteId(), exchange.getProperty(DEAD_LETTERS), reason);
    }
}
