package dev.whatsapphub.store;

import dev.whatsapphub.HubProperties;
import java.sql.Connection;
import java.sql.SQLException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Makes the database writes a thread has committed survive a kill of the process before the hub
 * acknowledges them (a 202, a webhook's 200, a JMS commit that removes the message upstream).
 *
 * <p>PostgreSQL writes its log before a commit returns: nothing to do. H2 (the embedded default)
 * keeps committed changes in memory and writes them every 500 ms (its WRITE_DELAY), so a SIGKILL
 * loses up to half a second of commits. WRITE_DELAY=0 writes a chunk per commit: on the send path
 * that ran at 294 messages/s instead of 743 and grew the file to 6.7 GB for 90,000 messages, and
 * H2 has no group commit. So this is one: callers wait for the next {@code CHECKPOINT}, which
 * writes every change committed so far in one chunk, and every caller waiting meanwhile shares it.
 * What it guarantees: a process kill loses nothing acknowledged. A power loss can still lose the
 * last second or so (H2 does not fsync on a checkpoint); PostgreSQL is the database for that.
 */
@Component
public class Durability {

    private static final Logger log = LoggerFactory.getLogger(Durability.class);

    private final JdbcTemplate jdbc;
    private final boolean embedded;
    private final ReentrantLock lock = new ReentrantLock();
    // two conditions, not one monitor: a caller wakes the flusher only (notifyAll woke every waiting thread per caller)
    private final Condition flushWanted = lock.newCondition();
    private final Condition flushed = lock.newCondition();
    private long started;
    private long done;
    private long wanted;
    private RuntimeException lastFailure;
    private long failedCheckpoint = -1;

    private final Timer checkpoints;
    private final long intervalNanos;

    public Durability(DataSource dataSource, JdbcTemplate jdbc, MeterRegistry meters, HubProperties properties) {
        this.jdbc = jdbc;
        this.intervalNanos = properties.store().checkpointInterval().toNanos();
        this.checkpoints = Timer.builder("hub.store.checkpoints").description("shared H2 checkpoints before acknowledgements")
                .register(meters);
        this.embedded = isH2(dataSource);
        if (embedded) {
            Thread flusher = new Thread(this::flushLoop, "h2-group-commit");
            flusher.setDaemon(true);
            flusher.start();
            log.info("Embedded H2 database: acknowledgements wait for a shared checkpoint, so a process kill loses nothing acknowledged");
        }
    }

    /** Returns once everything this thread committed is written to the database file (at once on PostgreSQL). */
    public void await() {
        if (!embedded) {
            return;
        }
        lock.lock();
        try {
            // a checkpoint that starts after this line covers every commit made before it
            long target = started + 1;
            if (wanted < target) {
                wanted = target;
                flushWanted.signal();
            }
            while (done < target) {
                try {
                    flushed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the database to write", e);
                }
            }
            if (failedCheckpoint >= target) {
                throw lastFailure;
            }
        } finally {
            lock.unlock();
        }
    }

    private void flushLoop() {
        long lastBegun = System.nanoTime() - intervalNanos;
        while (true) {
            long number;
            lock.lock();
            try {
                while (wanted <= done) {
                    try {
                        flushWanted.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            } finally {
                lock.unlock();
            }
            // A checkpoint writes every page changed since the last one, whatever the number of writes in it: back to
            // back at ~700 messages/s they ran 440 times a second with 2-3 acknowledgements each, 27 KB written per
            // message. Spaced, each covers what arrived meanwhile; when the hub is quiet the wait is zero.
            long wait = lastBegun + intervalNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            lock.lock();
            try {
                number = ++started;
            } finally {
                lock.unlock();
            }
            RuntimeException failure = null;
            long begun = System.nanoTime();
            lastBegun = begun;
            try {
                jdbc.execute("CHECKPOINT");
                checkpoints.record(System.nanoTime() - begun, TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                failure = new IllegalStateException("The embedded database could not write its changes: " + e.getMessage(), e);
                log.error("H2 checkpoint failed; the writes waiting for it are not acknowledged", e);
            }
            lock.lock();
            try {
                done = number;
                if (failure != null) {
                    lastFailure = failure;
                    failedCheckpoint = number;
                }
                flushed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private static boolean isH2(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase().contains("h2");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot tell which database the hub uses: " + e.getMessage(), e);
        }
    }
}
