package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.whatsapp.CloudApiError;
import dev.whatsapphub.whatsapp.GraphClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientException;

/**
 * Pauses a sender whose token or account is broken (its lanes wait; its messages stay on them)
 * and resumes it when an operator says so or when a probe of the phone number succeeds. Health is
 * DOWN while any sender is paused.
 */
@Component("senders")
public class SenderControl implements HealthIndicator {

    /** Why a sender paused. */
    public record Pause(int code, String reason, String action, Instant since) {
    }

    private static final Logger log = LoggerFactory.getLogger(SenderControl.class);

    private final HubProperties properties;
    private final CamelContext camel;
    private final SenderOwnership ownership;
    private final CloudApiLatency latency;
    private final Map<String, Pause> paused = new ConcurrentHashMap<>();
    // senders this process is to run (started, or resumed); they send while this process owns their number
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> started = new ConcurrentHashMap<>();
    private final Set<String> standingBy = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final GraphClient http = GraphClient.create(Duration.ofSeconds(10));
    // lanes start side by side: one by one, 500 lane routes took 15 s
    private final ExecutorService laneStarter = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "sender-lane-start");
        t.setDaemon(true);
        return t;
    });

    SenderControl(HubProperties properties, CamelContext camel, SenderOwnership ownership, CloudApiLatency latency) {
        this.properties = properties;
        this.camel = camel;
        this.ownership = ownership;
        this.latency = latency;
    }

    public Optional<Pause> pause(String alias) {
        return Optional.ofNullable(paused.get(alias));
    }

    void pause(String alias, CloudApiError error) {
        Pause pause = new Pause(error.code(), error.summary(), error.action(), Instant.now());
        if (paused.putIfAbsent(alias, pause) == null) {
            log.error("Sender '{}' paused: {}. {} Its messages wait on its lanes (hub.outbound.{}.*).", alias, error.summary(),
                    error.action(), alias);
        }
    }

    /**
     * Returns at once while the sender sends; while it is paused, the lane's thread waits here with
     * its message (not yet claimed, its transaction open) until the sender resumes. Suspending 500
     * lane routes and resuming them took seconds, and lanes came back one by one.
     */
    void awaitSending(String alias) throws InterruptedException {
        synchronized (gate) {
            while (paused.containsKey(alias)) {
                gate.wait(1000);
            }
        }
    }

    /** Starts sending again; returns false if the sender is unknown. */
    public boolean resume(String alias) {
        if (!properties.senders().containsKey(alias)) {
            return false;
        }
        if (paused.remove(alias) != null) {
            log.info("Sender '{}' resumed", alias);
        }
        synchronized (gate) {
            gate.notifyAll();
        }
        start(alias);
        return true;
    }

    /**
     * Starts the sender's lanes (a no-op for lanes already started) if this process owns its
     * number; otherwise the sender stands by and starts when the number is free.
     */
    synchronized void start(String alias) {
        wanted.add(alias);
        if (started.containsKey(alias)) {
            return;
        }
        if (ownership.tryOwn(properties.senders().get(alias).phoneNumberId())) {
            startLanes(alias);
        } else if (standingBy.add(alias)) {
            log.info("Sender '{}' stands by: another hub instance sends from phone-number id {}; this one takes over when it stops",
                    alias, properties.senders().get(alias).phoneNumberId());
        }
    }

    /**
     * A standby sender whose number is free now starts sending; a sender whose number this
     * process no longer holds (its lock connection broke) stops, since another instance may
     * own it now.
     */
    @Scheduled(fixedDelayString = "${hub.outbound.ownership-poll:1s}", initialDelayString = "${hub.outbound.ownership-poll:1s}")
    synchronized void followOwnership() {
        if (!ownership.shared()) {
            return;
        }
        Set<String> lost = ownership.lost();
        properties.senders().forEach((alias, sender) -> {
            if (lost.contains(sender.phoneNumberId()) && started.remove(alias) != null) {
                log.error("Sender '{}' stopped: the connection holding its number's lock in PostgreSQL broke, so another hub"
                        + " instance may send from it now; this one stands by", alias);
                standingBy.add(alias);
                stopLanes(alias);
            }
        });
        for (String alias : wanted) {
            if (!started.containsKey(alias) && ownership.tryOwn(properties.senders().get(alias).phoneNumberId())) {
                log.info("Sender '{}' takes over phone-number id {}: no other hub instance sends from it now", alias,
                        properties.senders().get(alias).phoneNumberId());
                standingBy.remove(alias);
                startLanes(alias);
            }
        }
    }

    /** Stops the sender's lanes and waits for them, so that a new start cannot overtake a stop. */
    private void stopLanes(String alias) {
        try {
            onEachLane(alias, id -> camel.getRouteController().stopRoute(id));
        } catch (ExecutionException e) {
            log.error("Could not stop a lane route of sender '{}'", alias, e.getCause());
        }
    }

    private void startLanes(String alias) {
        try {
            if (onEachLane(alias, id -> camel.getRouteController().startRoute(id))) {
                started.put(alias, true);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not start the send routes of sender '" + alias + "'", e.getCause());
        }
    }

    private interface LaneAction {
        void on(String routeId) throws Exception;
    }

    /** Runs {@code action} on every lane route of the sender side by side and waits for all; false if interrupted meanwhile. */
    private boolean onEachLane(String alias, LaneAction action) throws ExecutionException {
        List<Future<?>> running = new ArrayList<>();
        for (String id : laneRoutes(alias)) {
            running.add(laneStarter.submit(() -> {
                action.on(id);
                return null;
            }));
        }
        try {
            for (Future<?> lane : running) {
                lane.get();
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<String> laneRoutes(String alias) {
        return OutboundRoutes.laneRouteIds(alias, properties.senders().get(alias).effectiveShards());
    }

    /** While paused, ask the Cloud API about the phone number; an answer means the token and account work again. */
    @Scheduled(fixedDelayString = "${hub.outbound.probe-interval:30s}", initialDelayString = "${hub.outbound.probe-interval:30s}")
    public void probePaused() {
        for (String alias : paused.keySet()) {
            Sender sender = properties.senders().get(alias);
            try {
                http.get(sender, URI.create(GraphClient.phoneNumber(sender))).retrieve().toBodilessEntity();
                log.info("Probe of sender '{}' succeeded", alias);
                resume(alias);
            } catch (RestClientException stillBroken) {
                log.debug("Sender '{}' still unavailable: {}", alias, stillBroken.getMessage());
            }
        }
    }

    /**
     * Whether this process sends for the sender, stands by for another instance that does, or has
     * not been told to start it ({@code hub.outbound.auto-start=false} until a resume).
     */
    public String state(String alias) {
        return started.containsKey(alias) ? "sending" : standingBy.contains(alias) ? "standby"
                : wanted.contains(alias) ? "starting" : "stopped";
    }

    @Override
    public Health health() {
        // a standby is ready: it takes requests and webhooks, and sends when the owner stops
        long ready = properties.senders().keySet().stream().filter(a -> started.containsKey(a) || standingBy.contains(a)).count();
        Health.Builder health = !paused.isEmpty() ? Health.down()
                : ready < properties.senders().size() ? Health.outOfService() : Health.up();
        for (String alias : properties.senders().keySet()) {
            Pause p = paused.get(alias);
            Map<String, Object> detail = new LinkedHashMap<>();
            if (p != null) {
                detail.putAll(Map.of("state", "PAUSED", "code", p.code(), "reason", p.reason(), "action", p.action(),
                        "since", p.since().toString()));
            } else {
                detail.put("state", state(alias).toUpperCase());
            }
            // what the Cloud API's answer time needs (CloudApiLatency logs the advice when lanes falls short)
            detail.put("lanes", properties.senders().get(alias).effectiveShards());
            detail.put("lanes_needed", latency.lanesNeeded(alias));
            if (latency.millis(alias) >= 0) {
                detail.put("cloud_api_answer_ms", latency.millis(alias));
            }
            health.withDetail(alias, detail);
        }
        return health.build();
    }
}
