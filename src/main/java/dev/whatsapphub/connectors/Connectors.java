package dev.whatsapphub.connectors;

import dev.whatsapphub.folder.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The connectors running now, by id, and those whose file was removed (stopped). Health
 * ({@code connectors}, part of readiness) lists each with its state; a connector whose system
 * cannot be reached is failing with the reason, and the others go on.
 */
@Component("connectors")
public class Connectors implements HealthIndicator, ConfigSection {

    private final Map<String, Connector> running = new ConcurrentHashMap<>();
    private final Map<String, Connector.Counts> counts = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<String> stopped = new ConcurrentSkipListSet<>();

    public Optional<Connector> find(String id) {
        return Optional.ofNullable(running.get(id));
    }

    Connector start(ConnectorFile file) {
        Connector connector = new Connector(file, counts.computeIfAbsent(file.id(), id -> new Connector.Counts()));
        running.put(file.id(), connector);
        stopped.remove(file.id());
        return connector;
    }

    void stop(String id) {
        if (running.remove(id) != null) {
            stopped.add(id);
        }
    }

    @Override
    public String name() {
        return "connectors";
    }

    @Override
    public List<Object> view() {
        List<Object> views = new ArrayList<>();
        running.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(c -> views.add(c.view()));
        stopped.forEach(id -> {
            Connector.Counts c = counts.get(id);
            views.add(new Connector.View(id, null, null, "stopped", "its file was removed", null, null, c.received.get(), c.events.get(),
                    c.ignored.get(), c.rejected.get(), c.sentBack.get(), c.sendBackFailures.get()));
        });
        return views;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        running.values().forEach(c -> health.withDetail(c.id(), (c.failingReason() == null ? "running" : "failing: " + c.failingReason())
                + (c.noticeText() == null ? "" : "; " + c.noticeText())));
        return health.build();
    }
}
