package dev.whatsapphub.templates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.whatsapp.GraphClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Loads every page of {@code GET /{waba-id}/message_templates} for each account the senders
 * use, once the hub (and an in-process sandbox) is listening, then again periodically.
 */
@Component("templates")
public class TemplateSync implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(TemplateSync.class);

    private final HubProperties properties;
    private final TemplateRegistry registry;
    private final GraphClient http = GraphClient.create(Duration.ofSeconds(30));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "template-sync");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> lastError = new LinkedHashMap<>();

    public TemplateSync(HubProperties properties, TemplateRegistry registry) {
        this.properties = properties;
        this.registry = registry;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        scheduler.execute(this::syncAllAndReschedule);
    }

    private void syncAllAndReschedule() {
        boolean allOk = syncAll();
        long delay = (allOk ? properties.templates().syncInterval() : properties.templates().retryInterval()).toMillis();
        scheduler.schedule(this::syncAllAndReschedule, delay, TimeUnit.MILLISECONDS);
    }

    /** One pass over every account; true when all of them synced. */
    public synchronized boolean syncAll() {
        boolean allOk = true;
        for (Sender sender : accounts().values()) {
            try {
                List<Template> listing = fetchAll(sender);
                registry.replace(sender.wabaId(), listing);
                lastError.remove(sender.wabaId());
                log.info("Synced {} templates of WABA {}", listing.size(), sender.wabaId());
            } catch (RuntimeException e) {
                allOk = false;
                lastError.put(sender.wabaId(), e.getMessage());
                log.warn("Template sync of WABA {} failed: {}", sender.wabaId(), e.getMessage());
            }
        }
        return allOk;
    }

    private List<Template> fetchAll(Sender sender) {
        List<Template> listing = new ArrayList<>();
        URI next = URI.create(GraphClient.templates(sender) + "?limit=100");
        for (int page = 0; next != null && page < 1000; page++) {
            JsonNode body = http.get(sender, next)
                    .retrieve().body(JsonNode.class);
            for (JsonNode t : body.path("data")) {
                listing.add(Template.fromGraph(t));
            }
            String nextUrl = body.path("paging").path("next").asText(null);
            next = nextUrl == null ? null : URI.create(nextUrl);
        }
        return listing;
    }

    /** One sender per account is enough to read its templates. */
    private Map<String, Sender> accounts() {
        Map<String, Sender> byWaba = new LinkedHashMap<>();
        properties.senders().values().forEach(s -> byWaba.putIfAbsent(s.wabaId(), s));
        return byWaba;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        for (String waba : accounts().keySet()) {
            var synced = registry.syncedAt(waba);
            if (synced.isEmpty()) {
                health = Health.down().withDetail(waba, "not synced yet: " + lastError.getOrDefault(waba, "first sync pending"));
            } else {
                health.withDetail(waba, "synced at " + synced.get() + (lastError.containsKey(waba) ? "; last sync failed: " + lastError.get(waba) : ""));
            }
        }
        return health.build();
    }
}
