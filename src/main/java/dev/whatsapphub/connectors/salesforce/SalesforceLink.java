package dev.whatsapphub.connectors.salesforce;

import dev.whatsapphub.Causes;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.connectors.ConnectorPositions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.InvalidReplayIdException;
import org.apache.camel.component.salesforce.PubSubApiConsumer;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.component.salesforce.SalesforceLoginConfig;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One salesforce connector's link to its org: the Camel Salesforce component logged in with the
 * file's connected app, and the Pub/Sub subscription (the connector's route) that resumes after the
 * stored replay id. It connects in the background, so an org that is away makes the connector
 * failing with the reason, tried again with backoff, not a refused file. An event the hub could not
 * take in halts the subscription (later events are not taken, the position stays before it) and it
 * resubscribes from the stored position; a replay id Salesforce no longer knows is recorded and
 * reported, and the subscription resumes from where the file says.
 */
final class SalesforceLink implements ExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SalesforceLink.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(60);

    /** What a link needs of the kind: Camel, the stored positions, the scheduler, and how to count an invalid replay id. */
    record Parts(CamelContext camel, ConnectorPositions positions, ScheduledExecutorService scheduler, String template,
                 BiConsumer<String, String> invalidReplayIds) {
    }

    private final Parts parts;
    private final ConnectorFile file;
    private final Connector connector;
    private final String routeId;
    /** Camel caches endpoints by URI: each component (one per login) gets a name of its own, so no write reaches a stopped one. */
    private static final AtomicLong COMPONENTS = new AtomicLong();
    private volatile String componentName;
    private volatile SalesforceComponent component;
    private volatile boolean halted;
    private volatile boolean closed;
    private volatile Duration retry = FIRST_RETRY;

    SalesforceLink(Parts parts, ConnectorFile file, Connector connector, String routeId) {
        this.parts = parts;
        this.file = file;
        this.connector = connector;
        this.routeId = routeId;
    }

    String componentName() {
        return componentName;
    }

    String topic() {
        return file.salesforce().topic();
    }

    /** Logged in and subscribed: its component can write. */
    boolean connected() {
        SalesforceComponent c = component;
        return c != null && c.isStarted() && !closed;
    }

    void open() {
        connector.failing("connecting: logging in at " + file.salesforce().loginUrl());
        parts.scheduler().execute(this::connect);
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        try {
            if (component == null || !component.isStarted()) {
                dropComponent();
                SalesforceComponent c = component(file.salesforce());
                componentName = "salesforce-" + file.id() + "-" + COMPONENTS.incrementAndGet();
                parts.camel().addComponent(componentName, c);
                component = c;
                ServiceHelper.startService(c); // logs in
            }
            subscribe();
            retry = FIRST_RETRY;
            connector.working();
            log.info("Connector {} subscribed to {} at {}", file.id(), topic(), file.salesforce().pubSubHost());
        } catch (Exception e) {
            String reason = "cannot connect to Salesforce (" + file.salesforce().loginUrl() + "): " + Causes.rootMessage(e);
            connector.failing(reason);
            log.warn("Connector {} {}; trying again in {} s", file.id(), reason, retry.toSeconds());
            removeRoute();
            dropComponent();
            parts.scheduler().schedule(this::connect, retry.toMillis(), TimeUnit.MILLISECONDS);
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
    }

    /** The connector's route, from the template, resuming after the stored replay id (else where the file says), then started. */
    private void subscribe() throws Exception {
        removeRoute();
        ConnectorFile.Salesforce sf = file.salesforce();
        var position = parts.positions().find(file.id(), sf.topic()).orElse(null);
        String preset;
        if (position != null && position.replayId() != null) {
            preset = "CUSTOM&pubSubReplayId=RAW(" + position.replayId() + ")";
        } else if (position != null && position.resumedFrom() != null) {
            preset = position.resumedFrom().toUpperCase();
        } else {
            preset = sf.start().toUpperCase();
        }
        String uri = componentName + ":pubSubSubscribe:" + sf.topic() + "?pubSubDeserializeType=JSON&pubSubBatchSize=" + sf.batch()
                + "&replayPreset=" + preset;
        TemplatedRouteBuilder.builder(parts.camel(), parts.template()).routeId(routeId)
                .parameters(Map.of("connector", file.id(), "uri", uri, "deadLetters", file.deadLetters())).add();
        PubSubApiConsumer consumer = (PubSubApiConsumer) parts.camel().getRoute(routeId).getConsumer();
        consumer.setUsePlainTextConnection(!sf.pubSubTls());
        consumer.setExceptionHandler(this);
        halted = false; // before the first event can arrive: a halted link would let it pass untaken
        parts.camel().getRouteController().startRoute(routeId);
    }

    private static SalesforceComponent component(ConnectorFile.Salesforce sf) {
        SalesforceLoginConfig login = new SalesforceLoginConfig();
        login.setLoginUrl(sf.loginUrl());
        login.setClientId(sf.clientId());
        if ("jwt".equals(sf.flow())) {
            login.setType(AuthenticationType.JWT);
            login.setUserName(sf.username());
            KeyStoreParameters keystore = new KeyStoreParameters();
            keystore.setResource("file:" + sf.keystore());
            keystore.setPassword(sf.keystorePassword());
            keystore.setType("PKCS12");
            login.setKeystore(keystore);
        } else {
            login.setType(AuthenticationType.CLIENT_CREDENTIALS);
            login.setClientSecret(sf.clientSecret());
        }
        SalesforceComponent component = new SalesforceComponent();
        // no generated sObject classes: the writes are raw JSON (rawPayload); naming a package of none keeps Camel from warning
        component.setPackages(SalesforceLink.class.getPackageName());
        component.setLoginConfig(login);
        component.setPubSubHost(sf.pubSubHost());
        component.setPubSubPort(sf.pubSubPort());
        SalesforceEndpointConfig config = new SalesforceEndpointConfig();
        config.setApiVersion(sf.apiVersion());
        config.setRawPayload(true);
        component.setConfig(config);
        return component;
    }

    /** Whether an event may be taken: not after an earlier one failed (the subscription resumes from the stored position). */
    boolean accepts() {
        return !halted && !closed;
    }

    /** The event of this exchange is dealt with (taken in, or in the dead letters): resume after it. */
    void advance(Exchange exchange) {
        String replayId = exchange.getMessage().getHeader("CamelSalesforcePubSubReplayId", String.class);
        if (replayId != null && !halted) {
            parts.positions().advance(file.id(), topic(), replayId);
            retry = FIRST_RETRY; // events go in again: the next failure starts its back-off afresh
        }
    }

    // Camel's Pub/Sub consumer reports here: an exchange that failed, or a replay id Salesforce refused

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (closed) {
            return;
        }
        halted = true;
        if (exception instanceof InvalidReplayIdException invalid) {
            String resumeFrom = file.salesforce().onInvalidReplayId();
            parts.positions().invalid(file.id(), topic(), invalid.getReplayId(), resumeFrom);
            parts.invalidReplayIds().accept(file.id(), topic());
            String notice = "replay id " + invalid.getReplayId() + " of " + topic() + " was refused by Salesforce (invalid or expired) at "
                    + Instant.now() + "; resumed from " + resumeFrom + " (subscribe.on-invalid-replay-id)";
            connector.notice(notice);
            log.error("Connector {}: {}", file.id(), notice);
            parts.scheduler().execute(this::resubscribe);
            // Camel's client resubscribes with the refused id once this returns, and again and again after its
            // channel is shut down; its back-off sleep, interrupted here, ends that loop (it cannot be told otherwise)
            Thread.currentThread().interrupt();
            return;
        }
        String reason = "an event of " + topic() + " could not be taken in (" + Causes.rootMessage(exception)
                + "); resubscribing from the last stored replay id";
        connector.failing(reason);
        log.warn("Connector {}: {}", file.id(), reason);
        parts.scheduler().schedule(this::resubscribe, retry.toMillis(), TimeUnit.MILLISECONDS);
        retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
    }

    private synchronized void resubscribe() {
        if (closed) {
            return;
        }
        try {
            subscribe();
            connector.working();
        } catch (Exception e) {
            connector.failing("cannot resubscribe to " + topic() + ": " + Causes.rootMessage(e));
            removeRoute();
            dropComponent();
            parts.scheduler().schedule(this::connect, retry.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The file changed or was removed: the subscription ends and the component logs out. */
    synchronized void close() {
        closed = true;
        removeRoute();
        dropComponent();
    }

    private void removeRoute() {
        try {
            if (parts.camel().getRoute(routeId) != null) {
                parts.camel().getRouteController().stopRoute(routeId, 10, TimeUnit.SECONDS);
                parts.camel().removeRoute(routeId);
            }
        } catch (Exception e) {
            log.warn("Could not stop connector route {}: {}", routeId, e.getMessage());
        }
    }

    private void dropComponent() {
        SalesforceComponent c = component;
        component = null;
        if (c != null && componentName != null) {
            // the writes' endpoints hold the component's HTTP client: gone with it, or the next link's writes would use a stopped one
            try {
                parts.camel().removeEndpoints(componentName + ":*");
            } catch (Exception e) {
                log.warn("Could not remove the endpoints of {}: {}", componentName, e.getMessage());
            }
            parts.camel().removeComponent(componentName);
            ServiceHelper.stopAndShutdownService(c);
        }
    }
}
