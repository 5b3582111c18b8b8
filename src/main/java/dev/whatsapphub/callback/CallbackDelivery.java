package dev.whatsapphub.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.HubProperties;
import jakarta.jms.TextMessage;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jms.JmsException;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers due callbacks: an HTTP POST of the stored body, signed with the client's callback
 * secret (or a JMS message on the client's callback queue); a 2xx answer delivers it, anything else is tried again with backoff until
 * {@code hub.callbacks.max-attempts}, then it is dead. A callback is claimed before its attempt, so
 * two hub instances never post it together; a crash mid-attempt leaves it due again when the claim
 * runs out (the receiver may then see it twice, with the same {@code event_id}).
 */
@Component
class CallbackDelivery {

    private static final Logger log = LoggerFactory.getLogger(CallbackDelivery.class);
    private static final int POSTS_IN_FLIGHT = 8;
    private static final String JMS = "jms:queue:";

    private final CallbackStore store;
    private final HubProperties properties;
    private final HubProperties.Callbacks config;
    private final MeterRegistry meters;
    private final JmsTemplate jms;
    private final ObjectMapper mapper;
    private final ObjectProvider<ConnectorCallbacks> connectors;
    private final SignedPost post;
    // one thread per post in flight, so a slow receiver holds up only its own callbacks
    private final ExecutorService posters = Executors.newFixedThreadPool(POSTS_IN_FLIGHT, r -> {
        Thread t = new Thread(r, "hub-callback-post");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore inFlight = new Semaphore(POSTS_IN_FLIGHT);

    CallbackDelivery(CallbackStore store, HubProperties properties, MeterRegistry meters, JmsTemplate jms, ObjectMapper mapper,
                     ObjectProvider<ConnectorCallbacks> connectors, SignedPost post) {
        this.post = post;
        this.connectors = connectors;
        this.jms = jms;
        this.mapper = mapper;
        this.store = store;
        this.properties = properties;
        this.config = properties.callbacks();
        this.meters = meters;
    }

    @Scheduled(fixedDelayString = "${hub.callbacks.poll-interval:200ms}")
    void deliverDue() {
        int free = inFlight.availablePermits();
        if (free == 0) {
            return;
        }
        for (CallbackStore.Callback callback : store.due(free)) {
            if (!store.claim(callback, config.lease()) || !inFlight.tryAcquire()) {
                continue;
            }
            posters.execute(() -> {
                try {
                    attempt(callback);
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    private void attempt(CallbackStore.Callback callback) {
        String outcome;
        boolean delivered;
        if (callback.target().startsWith(ConnectorCallbacks.TARGET_PREFIX)) {
            ConnectorCallbacks.Delivery delivery = connectors.getIfAvailable() == null
                    ? new ConnectorCallbacks.Delivery(false, "no connectors in this hub")
                    : connectors.getObject().deliver(callback.target().substring(ConnectorCallbacks.TARGET_PREFIX.length()),
                            callback.eventId(), callback.type(), callback.body());
            settle(callback, delivery.delivered(), delivery.outcome(), delivery.refused());
            return;
        }
        if (callback.target().startsWith(JMS)) {
            try {
                send(callback);
                delivered = true;
                outcome = "sent to " + callback.target();
            } catch (JmsException e) {
                delivered = false;
                outcome = "JMS: " + e.getMessage();
            }
            settle(callback, delivered, outcome);
            return;
        }
        try {
            ConnectorCallbacks.Delivery answer = post.post(callback.target(), callback.body(), secret(callback.client()));
            delivered = answer.delivered();
            outcome = answer.outcome();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // stopping: the claim runs out and the callback is due again
        }
        settle(callback, delivered, outcome);
    }

    /**
     * A JMS callback: the body as a text message, {@code JMSCorrelationID} the origin's correlation
     * id (its metadata's {@code correlation_id}, else the id of the event it was made from, else the
     * hub message id), the event id and type as properties.
     */
    private void send(CallbackStore.Callback callback) {
        String correlation;
        try {
            JsonNode body = mapper.readTree(callback.body());
            JsonNode metadata = body.path("metadata");
            correlation = metadata.path("correlation_id").asText(metadata.path("event").path("id")
                    .asText(body.path("message").path("id").asText(null)));
        } catch (JsonProcessingException e) {
            correlation = callback.messageId();
        }
        String correlationId = correlation;
        jms.send(callback.target().substring(JMS.length()), session -> {
            TextMessage message = session.createTextMessage(callback.body());
            message.setJMSCorrelationID(correlationId);
            message.setStringProperty("hubEventId", callback.eventId());
            message.setStringProperty("hubCallbackType", callback.type());
            return message;
        });
    }

    private void settle(CallbackStore.Callback callback, boolean delivered, String outcome) {
        settle(callback, delivered, outcome, false);
    }

    private void settle(CallbackStore.Callback callback, boolean delivered, String outcome, boolean refused) {
        try {
            if (delivered) {
                store.delivered(callback, outcome);
                meters.counter("hub.callbacks.delivered", "type", callback.type()).increment();
                return;
            }
            Instant next = refused || callback.attempts() + 1 >= config.maxAttempts() ? null : Instant.now().plus(backoff(callback.attempts()));
            store.failed(callback, outcome, next);
            if (next == null) {
                meters.counter("hub.callbacks.dead").increment();
                log.warn("Callback {} to {} is dead after {} attempts: {}", callback.eventId(), callback.target(), callback.attempts() + 1,
                        outcome);
            }
        } catch (RuntimeException databaseAway) {
            // the claim runs out and the callback is tried again
            log.warn("Could not record the attempt of callback {}: {}", callback.eventId(), databaseAway.getMessage());
        }
    }

    /** 1 s, 2 s, 4 s ... up to the maximum, from {@code hub.callbacks}. */
    private Duration backoff(int attemptsBefore) {
        long millis = config.initialBackoff().toMillis() << Math.min(attemptsBefore, 20);
        return Duration.ofMillis(Math.min(millis, config.maxBackoff().toMillis()));
    }

    private String secret(String client) {
        var c = properties.clients().get(client);
        return c == null ? null : c.callbackSecret();
    }

    @PreDestroy
    void stop() {
        posters.shutdownNow();
    }
}
