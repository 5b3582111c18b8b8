package dev.whatsapphub.outbound;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.springframework.stereotype.Component;

/**
 * What happens when a Cloud API call fails, by error class (see whatsapp.ErrorCodes). Nothing
 * waits in the lane's thread: a message to retry goes back on its lane, scheduled, in the lane's
 * transaction, so later messages keep flowing.
 */
@Component
class SendErrorHandling extends RouteConfigurationBuilder {

    static final String ID = "cloud-api-send";

    private final SendSteps steps;

    SendErrorHandling(SendSteps steps) {
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
        // Meta answered with a passing error, or the request never left (no connection): not sent, retried
        laterOrDead(config.onException(CloudApiException.Throttled.class, CloudApiException.Transient.class, ConnectException.class,
                ConnectTimeoutException.class, UnknownHostException.class, NoRouteToHostException.class));
        // the request may have reached Meta and the answer was lost: in doubt, never sent again blindly
        config.onException(IOException.class)
                .maximumRedeliveries(0).handled(true)
                .process(steps::unanswered)
                .toD("jms:queue:${exchangeProperty." + SendSteps.LANE + "}");
        // the hub is stopping while the lane waited for a send slot
        config.onException(InterruptedException.class, PacedTransport.StoppedWaiting.class)
                .maximumRedeliveries(0)
                .process(steps::putBack)
                .markRollbackOnly();
    }

    private void laterOrDead(OnExceptionDefinition onException) {
        onException.maximumRedeliveries(0).handled(true)
                .process(steps::retryLater)
                .choice()
                    .when(exchangeProperty(SendSteps.DEAD).isNotNull())
                        .to("jms:queue:" + OutboundQueues.DEAD_LETTERS)
                    .otherwise()
                        .toD("jms:queue:${exchangeProperty." + SendSteps.LANE + "}")
                .end();
    }
}
