package dev.whatsapphub.folder;

import dev.whatsapphub.HubProperties;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The operator's folders: {@code hub.routes-dir} (mapping files and Camel YAML DSL route files)
 * and {@code hub.connectors-dir} (connector files), both polled every
 * {@code hub.routes-poll-interval}. Polling rather than a WatchService: editors that save by
 * renaming, and mounted volumes, are seen the same way.
 */
@Component
public class OperatorFolders implements InitializingBean, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorFolders.class);

    private final HubProperties properties;
    private final OperatorFolder routes;
    private final OperatorFolder connectors;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "operator-folders-poll");
        t.setDaemon(true);
        return t;
    });

    public OperatorFolders(HubProperties properties, List<FileLoader> loaders) {
        this.properties = properties;
        this.routes = new OperatorFolder("Routes", properties.routesDir(), of(loaders, FileLoader.Folder.ROUTES));
        this.connectors = new OperatorFolder("Connectors", properties.connectorsDir(), of(loaders, FileLoader.Folder.CONNECTORS));
    }

    /** A folder's loaders, the one that takes any file no other reads (with its own errors) last. */
    private static List<FileLoader> of(List<FileLoader> loaders, FileLoader.Folder folder) {
        return loaders.stream().filter(l -> l.folder() == folder)
                .sorted(java.util.Comparator.comparing(l -> l instanceof FallbackLoader)).toList();
    }

    /** Marks the loader that takes a folder's files no other loader reads. */
    public interface FallbackLoader extends FileLoader {
    }

    public OperatorFolder routes() {
        return routes;
    }

    public OperatorFolder connectors() {
        return connectors;
    }

    /** The first scan runs before Camel starts its routes and Tomcat takes requests: no event meets an empty router. */
    @Override
    public void afterPropertiesSet() {
        scan();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        scan();
        long every = properties.routesPollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::scanQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** One pass over both folders; also called by tests that do not want to wait for the poll. */
    public void scan() {
        routes.scan();
        connectors.scan();
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.error("Scanning the operator folders failed", e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
