package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.whatsapp.CloudApiError;
import dev.whatsapphub.whatsapp.GraphClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Pauses a sender whose token or account is broken (its lanes are suspended; its messages wait on
 * them) and resumes it when an operator says so or when a probe of the phone number succeeds.
 * Health is DOWN while any sender is paused.
 */
@Component("senders")
public class SenderControl implements HealthIndicator {

    /** Why a sender paused. */
    public record Pause(int code, String reason, String action, Instant since) {
    }

    private static final Logger log = LoggerFactory.getLogger(SenderControl.class);

    private final HubProperties properties;
    private final CamelContext camel;
    private final Map<String, Pause> paused = new ConcurrentHashMap<>();
    private final Map<String, Boolean> started = new ConcurrentHashMap<>();
    private final RestClient http = GraphClient.create(Duration.ofSeconds(10));
    // route stops and starts run one after the other, so a resume never overtakes the stop of its pause
    private final ExecutorService routeControl = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sender-control");
        t.setDaemon(true);
        return t;
    });

    public SenderControl(HubProperties properties, CamelContext camel) {
        this.properties = properties;
        this.camel = camel;
    }

    public boolean isPaused(String alias) {
        return paused.containsKey(alias);
    }

    public Optional<Pause> pause(String alias) {
        return Optional.ofNullable(paused.get(alias));
    }

    void pause(String alias, CloudApiError error) {
        Pause pause = new Pause(error.code(), error.summary(), error.action(), Instant.now());
        if (paused.putIfAbsent(alias, pause) == null) {
            log.error("Sender '{}' paused: {}. {} Its messages wait on its lanes (hub.outbound.{}.*).", alias, error.summary(),
                    error.action(), alias);
            // stopping a route from one of its own exchanges would wait for that exchange: do it aside
            routeControl.execute(() -> suspendLanes(alias));
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
        start(alias);
        return true;
    }

    /** Starts (or resumes) the sender's lanes once every earlier suspension has finished. */
    void start(String alias) {
        try {
            routeControl.submit(() -> {
                for (String id : laneRoutes(alias)) {
                    if (camel.getRouteController().getRouteStatus(id).isSuspended()) {
                        camel.getRouteController().resumeRoute(id);
                    } else {
                        camel.getRouteController().startRoute(id);
                    }
                }
                return started.put(alias, true);
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not start the send routes of sender '" + alias + "'", e.getCause());
        }
    }

    /** Suspended, not stopped: the lanes keep their consumers (and their exclusive queues) and pick up at once on resume. */
    private void suspendLanes(String alias) {
        for (String id : laneRoutes(alias)) {
            try {
                camel.getRouteController().suspendRoute(id);
            } catch (Exception e) {
                log.error("Could not suspend the send route {} of sender '{}'", id, alias, e);
            }
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
                http.get().uri(sender.baseUrl() + "/" + sender.apiVersion() + "/" + sender.phoneNumberId())
                        .header("Authorization", "Bearer " + sender.accessToken()).retrieve().toBodilessEntity();
                log.info("Probe of sender '{}' succeeded", alias);
                resume(alias);
            } catch (RestClientException stillBroken) {
                log.debug("Sender '{}' still unavailable: {}", alias, stillBroken.getMessage());
            }
        }
    }

    @Override
    public Health health() {
        Health.Builder health = !paused.isEmpty() ? Health.down()
                : started.size() < properties.senders().size() ? Health.outOfService() : Health.up();
        for (String alias : properties.senders().keySet()) {
            Pause p = paused.get(alias);
            Object detail = p != null ? Map.of("state", "PAUSED", "code", p.code(), "reason", p.reason(),
                    "action", p.action(), "since", p.since().toString())
                    : Map.of("state", started.containsKey(alias) ? "SENDING" : "STARTING");
            health.withDetail(alias, detail);
        }
        return health.build();
    }
}
