package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Retry;
import java.io.IOException;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.springframework.stereotype.Component;

/**
 * What happens when a Cloud API call fails, by error class (see whatsapp.ErrorCodes). Retries
 * run in the consumer's thread, so later messages to the same recipient wait and keep their order.
 */
@Component
class SendErrorHandling extends RouteConfigurationBuilder {

    static final String ID = "cloud-api-send";

    private final HubProperties properties;
    private final SendSteps steps;

    SendErrorHandling(HubProperties properties, SendSteps steps) {
        this.properties = properties;
        this.steps = steps;
    }

    @Override
    public void configuration() {
        var config = routeConfiguration(ID);
        // Token or account broken: stop the sender and put the message back, so none is burned.
        config.onException(CloudApiException.SenderFatal.class)
                .maximumRedeliveries(0)
                .process(steps::pauseSender)
                .markRollbackOnly();
        config.onException(CloudApiException.Permanent.class)
                .maximumRedeliveries(0).handled(true)
                .process(steps::deadLetter)
                .to("jms:queue:" + OutboundQueues.DEAD_LETTERS);
        retry(config.onException(CloudApiException.Throttled.class), properties.outbound().throttledRetry());
        retry(config.onException(CloudApiException.Transient.class, IOException.class), properties.outbound().transientRetry());
    }

    private void retry(OnExceptionDefinition onException, Retry retry) {
        onException.maximumRedeliveries(retry.maxRetries())
                .redeliveryDelay(retry.initialDelay().toMillis())
                .useExponentialBackOff().backOffMultiplier(retry.multiplier())
                .maximumRedeliveryDelay(retry.maxDelay().toMillis())
                .useCollisionAvoidance()
                .onRedelivery(steps::retrying)
                .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.DEBUG)
                .handled(true)
                .process(steps::deadLetter)
                .to("jms:queue:" + OutboundQueues.DEAD_LETTERS);
    }
}
