package dev.whatsapphub.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.HubProperties.Retry;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.callback.Callbacks;
import dev.whatsapphub.model.PhoneNumbers;
import dev.whatsapphub.store.Durability;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.whatsapp.CloudApiError;
import dev.whatsapphub.whatsapp.ErrorClass;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The steps of the send routes, in the order they run; the routes and SendErrorHandling say when. */
@Component
class SendSteps {

    static final String SENDER = "hubSender";
    static final String SKIP = "hubSkip";
    /** Where a message goes back to when it must wait (retry, pair rate, in doubt): its own lane. */
    static final String LANE = "hubLane";
    /** Set when the exchange has become a dead letter. */
    static final String DEAD = "hubDead";
    /** Set when the exchange has become a copy that waits on its lane. */
    static final String WAIT = "hubWait";
    private static final String PAYLOAD = "hubPayload";
    /** Retries so far, carried on the copy that waits for the next attempt. */
    private static final String RETRIES = "hubRetries";
    /** When the message was first found in doubt, carried on the copy that waits for a status. */
    private static final String HELD_SINCE = "hubHeldSince";
    /** The copy already holds its pair-rate token. */
    private static final String PAIR_RESERVED = "hubPairReserved";
    private static final Logger log = LoggerFactory.getLogger(SendSteps.class);

    private final HubProperties properties;
    private final MessageStore store;
    private final SenderControl senders;
    private final SendPacing pacing;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    // per sender, looked up once: a registry lookup builds and hashes a meter id on every send
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final Durability durability;
    private final Callbacks callbacks;

    SendSteps(HubProperties properties, MessageStore store, SenderControl senders, SendPacing pacing, ObjectMapper mapper,
              MeterRegistry meters, Durability durability, Callbacks callbacks) {
        this.callbacks = callbacks;
        this.properties = properties;
        this.store = store;
        this.senders = senders;
        this.pacing = pacing;
        this.mapper = mapper;
        this.meters = meters;
        this.durability = durability;
    }

    /**
     * Takes the message off the JMS envelope and decides whether it is sent now: a paused sender
     * holds it until it resumes, the pair rate may make it wait on its lane, and the database says whether it
     * is still to send, already done (a copy), or in doubt.
     */
    void begin(Exchange exchange, String senderAlias, String lane) {
        Message in = exchange.getMessage();
        exchange.setProperty(SENDER, senderAlias);
        exchange.setProperty(LANE, lane);
        exchange.setProperty(OutboundQueues.MESSAGE_ID, in.getHeader(OutboundQueues.MESSAGE_ID, String.class));
        exchange.setProperty(OutboundQueues.RECIPIENT, in.getHeader(OutboundQueues.RECIPIENT, String.class));
        exchange.setProperty(RETRIES, in.getHeader(RETRIES, 0, Integer.class));
        exchange.setProperty(PAYLOAD, in.getBody(String.class));
        String id = id(exchange);
        try {
            senders.awaitSending(senderAlias);
        } catch (InterruptedException stopping) {
            // the hub is stopping during a pause: the message goes back untouched
            Thread.currentThread().interrupt();
            exchange.setRollbackOnly(true);
            exchange.setProperty(SKIP, true);
            return;
        }
        // a copy that waited for its pair token, or for a status while in doubt, does not take another one
        boolean paced = in.getHeader(PAIR_RESERVED, false, Boolean.class) || in.getHeader(HELD_SINCE) != null;
        if (!paced) {
            Duration wait = pacing.reservePairSlot(senderAlias, exchange.getProperty(OutboundQueues.RECIPIENT, String.class));
            if (!wait.isZero()) {
                // Meta allows a burst to one user, then one message per interval: wait for the token on the lane
                waitOnLane(exchange, wait).setHeader(PAIR_RESERVED, true);
                meters.counter("hub.outbound.pair-paced", "sender", senderAlias).increment();
                return;
            }
        }
        switch (store.claim(id)) {
            case CLAIMED -> durability.await();
            case DONE, UNKNOWN -> {
                if (in.getHeader(HELD_SINCE) != null) {
                    // the copy that waited for the hold finds the message settled: a status named it meanwhile
                    meters.counter("hub.outbound.in-doubt", "outcome", "status").increment();
                } else {
                    log.info("Message {} was already sent or failed; not sending it again", id);
                }
                exchange.setProperty(SKIP, true);
            }
            case IN_DOUBT -> inDoubt(exchange, in.getHeader(HELD_SINCE, String.class));
        }
    }

    /**
     * An earlier call may have reached Meta unanswered. Meta echoes the hub id in every status, so
     * the message waits on its lane for the hold; a status that names it meanwhile settles it
     * (StatusRecorder), and the copy then finds it done. No status within the hold: send again.
     */
    private void inDoubt(Exchange exchange, String heldSince) {
        String id = id(exchange);
        Instant since = heldSince == null ? Instant.now() : Instant.parse(heldSince);
        Duration left = properties.outbound().inDoubtHold().minus(Duration.between(since, Instant.now()));
        if (left.isNegative() || left.isZero()) {
            if (store.resendInDoubt(id)) {
                durability.await();
                log.warn("Message {} was in doubt and no status named it within {}; sending it again", id, properties.outbound().inDoubtHold());
                meters.counter("hub.outbound.in-doubt", "outcome", "resent").increment();
            } else {
                exchange.setProperty(SKIP, true);
            }
            return;
        }
        if (heldSince == null) {
            boolean open = store.markInDoubt(id);
            durability.await();
            if (!open) {
                // a status named it while the call hung: Meta has it
                meters.counter("hub.outbound.in-doubt", "outcome", "status").increment();
                exchange.setProperty(SKIP, true);
                return;
            }
            log.warn("Message {} may have reached the Cloud API before the hub stopped or the answer timed out; "
                    + "waiting up to {} for a status before sending it again", id, properties.outbound().inDoubtHold());
            meters.counter("hub.outbound.in-doubt", "outcome", "held").increment();
        }
        waitOnLane(exchange, left).setHeader(HELD_SINCE, since.toString());
    }

    /** The HTTP request: only our headers go to Meta, none of the JMS ones. */
    void request(Exchange exchange, String authorization) {
        // the number's slot is taken in the HTTP client, right before the request is written
        PacedTransport.paceNextRequest(exchange.getProperty(SENDER, String.class), exchange.getProperty(LANE, String.class));
        var out = exchange.getMessage();
        out.removeHeaders("*");
        // the enum, not "POST": camel-http converts a String header through a slow type-converter lookup per call
        out.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("Authorization", authorization);
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
        store.recordAccepted(id(exchange), exchange.getMessage().getBody(String.class));
        // the wamid on disk before the JMS commit takes the message off its lane
        durability.await();
        accepted.computeIfAbsent(exchange.getProperty(SENDER, String.class), sender -> meters.counter("hub.outbound.accepted", "sender", sender)).increment();
    }

    /**
     * Meta answered with a passing error (or could not be reached): the message waits on its lane
     * for its next attempt, with backoff and jitter, so no other recipient waits behind it; after
     * the last retry it is a dead letter.
     */
    void retryLater(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean throttled = cause instanceof CloudApiException e && e.error().errorClass() == ErrorClass.THROTTLED;
        Retry policy = throttled ? properties.outbound().throttledRetry() : properties.outbound().transientRetry();
        int retries = exchange.getProperty(RETRIES, 0, Integer.class);
        store.step(id(exchange), throttled ? "attempt_throttled" : "attempt_failed", cause == null ? "?" : cause.getMessage());
        if (retries >= policy.maxRetries()) {
            deadLetter(exchange, " (gave up after " + (retries + 1) + " attempts)");
            return;
        }
        store.releaseClaim(id(exchange));
        double delay = Math.min(policy.maxDelay().toMillis(), policy.initialDelay().toMillis() * Math.pow(policy.multiplier(), retries));
        long jittered = (long) (delay * (0.85 + 0.3 * ThreadLocalRandom.current().nextDouble()));
        durability.await();
        log.warn("Retrying message {} to {} in {} ms (retry {} of {}): {}", id(exchange),
                PhoneNumbers.mask(exchange.getProperty(OutboundQueues.RECIPIENT, String.class)), jittered, retries + 1,
                policy.maxRetries(), cause == null ? "?" : cause.getMessage());
        waitOnLane(exchange, Duration.ofMillis(jittered)).setHeader(RETRIES, retries + 1);
    }

    /** The call's answer never came (read timed out, connection lost after the request went out): in doubt. */
    void unanswered(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.warn("The Cloud API did not answer the send of message {}: {}", id(exchange), cause == null ? "?" : cause.toString());
        store.step(id(exchange), "attempt_unanswered", "no answer from the Cloud API: " + (cause == null ? "?" : cause.toString()));
        inDoubt(exchange, null);
    }

    /** Marks the message failed and turns the exchange into the dead letter that keeps the reason. */
    void deadLetter(Exchange exchange) {
        deadLetter(exchange, "");
    }

    private void deadLetter(Exchange exchange, String suffix) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        CloudApiError error = cause instanceof CloudApiException e ? e.error()
                : new CloudApiError(131000, "Could not reach the Cloud API", String.valueOf(cause), 0, null);
        String reason = error.summary() + suffix;
        if (suffix.isEmpty()) {
            store.step(id(exchange), "attempt_refused", error.summary());
        }
        store.recordFailed(id(exchange), error.code(), error.title(), reason);
        // Meta refused it outright: its sender hears of it as of a failed status, with Meta's error
        callbacks.statusesApplied(List.of(Callbacks.Applied.failed(id(exchange))));
        durability.await();
        log.warn("Message {} failed and went to {}: {}", id(exchange), OutboundQueues.DEAD_LETTERS, reason);
        meters.counter("hub.outbound.failed", "sender", exchange.getProperty(SENDER, String.class),
                "code", String.valueOf(error.code())).increment();
        Message out = copy(exchange);
        out.setHeader(SENDER, exchange.getProperty(SENDER));
        out.setHeader(DeadLetters.CODE, error.code());
        out.setHeader(DeadLetters.REASON, reason);
        out.setHeader(DeadLetters.FAILED_AT, Instant.now().toString());
        exchange.setProperty(DEAD, true);
    }

    /** The message goes back on its queue untouched (the hub is stopping): no call is under way for it. */
    void putBack(Exchange exchange) {
        store.releaseClaim(id(exchange));
    }

    /** Token or account broken: no call went through, so the claim is released before the message is put back. */
    void pauseSender(Exchange exchange) {
        CloudApiException cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, CloudApiException.class);
        store.step(id(exchange), "sender_paused", cause.error().summary() + ": the message waits for the sender to be resumed");
        store.releaseClaim(id(exchange));
        durability.await();
        senders.pause(exchange.getProperty(SENDER, String.class), cause.error());
    }

    /** Turns the exchange into a copy of the message that its lane delivers again after {@code wait}. */
    private Message waitOnLane(Exchange exchange, Duration wait) {
        Message out = copy(exchange);
        out.setHeader(OutboundQueues.DELIVER_AT, System.currentTimeMillis() + wait.toMillis());
        out.setHeader(RETRIES, exchange.getProperty(RETRIES, 0, Integer.class));
        exchange.setProperty(SKIP, true);
        exchange.setProperty(WAIT, true);
        return out;
    }

    private static Message copy(Exchange exchange) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setBody(exchange.getProperty(PAYLOAD, String.class));
        out.setHeader(OutboundQueues.MESSAGE_ID, id(exchange));
        out.setHeader(OutboundQueues.RECIPIENT, exchange.getProperty(OutboundQueues.RECIPIENT));
        return out;
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
