package dev.whatsapphub.connectors;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A loaded connector: its file, whether it runs, and what it has done since the hub started (counts survive reloads). */
public final class Connector {

    /** What {@code GET /api/v1/config} shows of a connector. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record View(String id, String kind, String description, String state, String reason, String notice, Instant since, long received,
                       long events, long ignored, long rejected, long sentBack, long sendBackFailures) {
    }

    /** The counts of one connector id. */
    static final class Counts {
        final AtomicLong received = new AtomicLong();
        final AtomicLong events = new AtomicLong();
        final AtomicLong ignored = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong sentBack = new AtomicLong();
        final AtomicLong sendBackFailures = new AtomicLong();
    }

    private final ConnectorFile file;
    final Counts counts;
    private volatile String failing;
    private volatile String notice;
    private volatile Instant since = Instant.now();

    Connector(ConnectorFile file, Counts counts) {
        this.file = file;
        this.counts = counts;
    }

    public ConnectorFile file() {
        return file;
    }

    public String id() {
        return file.id();
    }

    /** Its system cannot be reached (callbacks failing): it keeps running, and says why. */
    public void failing(String reason) {
        if (failing == null) {
            since = Instant.now();
        }
        failing = reason;
    }

    public void working() {
        if (failing != null) {
            since = Instant.now();
        }
        failing = null;
    }

    /** A kind that counts for itself (not through ConnectorEvents): a payload received, one refused, an event taken. */
    public void countReceived() {
        counts.received.incrementAndGet();
    }

    public void countRejected() {
        counts.rejected.incrementAndGet();
    }

    public void countEvent() {
        counts.events.incrementAndGet();
    }

    String failingReason() {
        return failing;
    }

    /** Something the operator should know that did not stop it (a replay id the system no longer knew, and where it resumed). */
    public void notice(String notice) {
        this.notice = notice;
    }

    String noticeText() {
        return notice;
    }

    View view() {
        return new View(file.id(), file.kind(), file.description(), failing == null ? "running" : "failing", failing, notice, since,
                counts.received.get(), counts.events.get(), counts.ignored.get(), counts.rejected.get(), counts.sentBack.get(),
                counts.sendBackFailures.get());
    }
}
