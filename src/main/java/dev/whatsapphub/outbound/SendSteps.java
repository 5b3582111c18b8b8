package dev.whatsapphub.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.model.PhoneNumbers;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.whatsapp.CloudApiError;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The steps of the send routes, in the order they run; the routes say when. */
@Component
class SendSteps {

    static final String SENDER = "hubSender";
    static final String SKIP = "hubSkip";
    private static final String PAYLOAD = "hubPayload";
    private static final String RETRIES = "hubRetries";
    private static final Logger log = LoggerFactory.getLogger(SendSteps.class);

    private final MessageStore store;
    private final SenderControl senders;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;

    SendSteps(MessageStore store, SenderControl senders, ObjectMapper mapper, MeterRegistry meters) {
        this.store = store;
        this.senders = senders;
        this.mapper = mapper;
        this.meters = meters;
    }

    /** Takes the message off the JMS envelope; a message already sent or failed is skipped. */
    void begin(Exchange exchange, String senderAlias) {
        var in = exchange.getMessage();
        exchange.setProperty(SENDER, senderAlias);
        exchange.setProperty(OutboundQueues.MESSAGE_ID, in.getHeader(OutboundQueues.MESSAGE_ID, String.class));
        exchange.setProperty(OutboundQueues.RECIPIENT, in.getHeader(OutboundQueues.RECIPIENT, String.class));
        exchange.setProperty(OutboundQueues.GROUP, in.getHeader(OutboundQueues.GROUP, String.class));
        exchange.setProperty(PAYLOAD, in.getBody(String.class));
        if (senders.isPaused(senderAlias)) {
            // the route is being stopped; put the message back untouched, without spinning on it
            pauseBriefly();
            exchange.setRollbackOnly(true);
            exchange.setProperty(SKIP, true);
        } else if (mayBeACopy(in) && !store.stillToSend(id(exchange))) {
            log.info("Message {} was already sent or failed; not sending it again", id(exchange));
            exchange.setProperty(SKIP, true);
        }
    }

    /** A first delivery of a message queued once cannot have been sent yet: only other copies need the database. */
    private static boolean mayBeACopy(Message in) {
        return in.getHeader("JMSRedelivered", false, Boolean.class) || in.getHeader(OutboundQueues.REQUEUED, false, Boolean.class);
    }

    /** The HTTP request: only our headers go to Meta, none of the JMS ones (Camel's own stay: they count retries). */
    void request(Exchange exchange, Sender sender) {
        var out = exchange.getMessage();
        out.removeHeaders("*", "Camel*");
        // the enum, not "POST": camel-http converts a String header through a slow type-converter lookup per call
        out.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("Authorization", "Bearer " + sender.accessToken());
        out.setBody(exchange.getProperty(PAYLOAD, String.class));
    }

    /** Anything but 2xx becomes the exception of its error class. */
    void response(Exchange exchange) throws IOException {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        JsonNode json = parse(body);
        if (status < 200 || status >= 300) {
            throw CloudApiException.of(CloudApiError.fromGraphBody(json, status, body));
        }
        String wamid = json == null ? null : json.path("messages").path(0).path("id").asText(null);
        if (wamid == null) {
            throw CloudApiException.of(CloudApiError.fromGraphBody(null, 502, body));
        }
        exchange.getMessage().setBody(wamid);
    }

    void accepted(Exchange exchange) {
        store.recordAccepted(id(exchange), exchange.getMessage().getBody(String.class), attempts(exchange));
        meters.counter("hub.outbound.accepted", "sender", exchange.getProperty(SENDER, String.class)).increment();
    }

    void retrying(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempt = exchange.getProperty(RETRIES, 0, Integer.class) + 1;
        exchange.setProperty(RETRIES, attempt);
        log.warn("Retrying message {} to {} (retry {}): {}", id(exchange),
                PhoneNumbers.mask(exchange.getProperty(OutboundQueues.RECIPIENT, String.class)), attempt,
                cause == null ? "?" : cause.getMessage());
    }

    /** Marks the message failed and turns the exchange into the dead letter that keeps the reason. */
    void deadLetter(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        CloudApiError error = cause instanceof CloudApiException e ? e.error()
                : new CloudApiError(131000, "Could not reach the Cloud API", String.valueOf(cause), 0, null);
        int retries = exchange.getProperty(RETRIES, 0, Integer.class);
        String reason = error.summary() + (retries > 0 ? " (gave up after " + (retries + 1) + " attempts)" : "");
        store.recordFailed(id(exchange), error.code(), error.title(), reason, attempts(exchange));
        log.warn("Message {} failed and went to {}: {}", id(exchange), OutboundQueues.DEAD_LETTERS, reason);
        meters.counter("hub.outbound.failed", "sender", exchange.getProperty(SENDER, String.class),
                "code", String.valueOf(error.code())).increment();
        var out = exchange.getMessage();
        out.removeHeaders("*");
        out.setBody(exchange.getProperty(PAYLOAD, String.class));
        out.setHeader(OutboundQueues.MESSAGE_ID, id(exchange));
        out.setHeader(OutboundQueues.RECIPIENT, exchange.getProperty(OutboundQueues.RECIPIENT));
        out.setHeader(SENDER, exchange.getProperty(SENDER));
        out.setHeader(DeadLetters.CODE, error.code());
        out.setHeader(DeadLetters.REASON, reason);
        out.setHeader(DeadLetters.FAILED_AT, Instant.now().toString());
    }

    void pauseSender(Exchange exchange) {
        CloudApiException cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, CloudApiException.class);
        senders.pause(exchange.getProperty(SENDER, String.class), cause.error());
    }

    private static void pauseBriefly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int attempts(Exchange exchange) {
        return 1 + exchange.getProperty(RETRIES, 0, Integer.class);
    }

    private static String id(Exchange exchange) {
        return exchange.getProperty(OutboundQueues.MESSAGE_ID, String.class);
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }
}
