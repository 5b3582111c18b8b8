package dev.whatsapphub.outbound;

import dev.whatsapphub.Digests;
import dev.whatsapphub.HubProperties;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisMode;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.stereotype.Component;

/**
 * Which hub instance sends for a number. Alone, this process owns every sender. Instances that
 * share a standalone broker and a PostgreSQL database take each number through a PostgreSQL
 * session advisory lock held on a connection of this process's own: the holder runs the number's
 * lanes and keeps its rate exactly as a single instance does ({@link NumberPace}); the others
 * stand by and ask again every {@code hub.outbound.ownership-poll}. The lock lives as long as the
 * holder's connection, so a SIGKILLed owner's numbers are free as soon as PostgreSQL sees its
 * socket close, and the broker hands its lanes (exclusive queues) with their unacknowledged
 * messages to the new owner.
 *
 * <p>Chosen over a rate shared send by send (Bucket4j's PostgreSQL bucket, used before): two pacers
 * on two JVMs jitter independently, so the shared bucket needed twice the guard (95 % of the tier
 * at most) and drained at 62-76/s of 80; one pacer per number keeps 97 %.
 */
@Component
class SenderOwnership {

    private static final Logger log = LoggerFactory.getLogger(SenderOwnership.class);

    private final boolean shared;
    private final DriverManagerDataSource database;
    private final Set<String> owned = new HashSet<>();
    private Connection locks;

    @Autowired
    SenderOwnership(HubProperties properties, ArtemisProperties artemis, DataSourceProperties database) {
        String url = database.determineUrl();
        boolean postgres = url != null && url.startsWith("jdbc:postgresql:");
        this.shared = switch (properties.outbound().pace()) {
            case LOCAL -> false;
            case SHARED -> {
                if (!postgres) {
                    throw new IllegalStateException("hub.outbound.pace=shared gives each number to one instance through PostgreSQL,"
                            + " but the database is " + url + ": use the postgres profile, or hub.outbound.pace=local");
                }
                yield true;
            }
            // instances can only share lanes through a standalone broker, and numbers through PostgreSQL
            case AUTO -> postgres && artemis.getMode() == ArtemisMode.NATIVE;
        };
        this.database = shared ? new DriverManagerDataSource(url, database.determineUsername(), database.determinePassword()) : null;
        logScope(properties);
    }

    /** Numbers shared through the PostgreSQL database at {@code url}. */
    SenderOwnership(String url, String user, String password) {
        this.shared = true;
        this.database = new DriverManagerDataSource(url, user, password);
    }

    private void logScope(HubProperties properties) {
        log.info("Each number is sent from {} (hub.outbound.pace={})", shared
                ? "the one hub instance that holds its lock in PostgreSQL; the others stand by" : "this process",
                properties.outbound().pace().name().toLowerCase());
    }

    /** Whether sending is shared between instances (else this process owns every number). */
    boolean shared() {
        return shared;
    }

    /** Takes the number for this process if no other instance holds it; true if this process owns it now. */
    synchronized boolean tryOwn(String phoneNumberId) {
        if (!shared || owned.contains(phoneNumberId)) {
            return true;
        }
        try {
            if (locks == null || locks.isClosed()) {
                locks = database.getConnection();
                locks.setAutoCommit(true);
            }
            try (PreparedStatement lock = locks.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, lockKey(phoneNumberId));
                try (ResultSet answer = lock.executeQuery()) {
                    answer.next();
                    if (answer.getBoolean(1)) {
                        owned.add(phoneNumberId);
                        return true;
                    }
                    return false;
                }
            }
        } catch (SQLException databaseDown) {
            log.warn("Could not ask PostgreSQL who sends for number {}: {}; asking again", phoneNumberId, databaseDown.getMessage());
            dropConnection();
            return false;
        }
    }

    /**
     * The numbers this process owned until its lock connection broke (PostgreSQL restarted, the
     * network went): another instance may own them now, so their lanes must stop. Empty when the
     * connection is sound.
     */
    synchronized Set<String> lost() {
        if (!shared || owned.isEmpty()) {
            return Set.of();
        }
        boolean sound;
        try {
            sound = locks != null && locks.isValid(2);
        } catch (SQLException e) {
            sound = false;
        }
        if (sound) {
            return Set.of();
        }
        Set<String> lost = Set.copyOf(owned);
        owned.clear();
        dropConnection();
        return lost;
    }

    @PreDestroy
    synchronized void close() {
        // closing the session releases its locks: a standby takes the numbers at its next poll
        owned.clear();
        dropConnection();
    }

    private void dropConnection() {
        if (locks != null) {
            try {
                locks.close();
            } catch (SQLException ignored) {
                // the session is gone either way, and its locks with it
            }
            locks = null;
        }
    }

    /** One 64-bit advisory lock key per phone-number id, in a namespace of the hub's own. */
    static long lockKey(String phoneNumberId) {
        return Long.parseUnsignedLong(Digests.sha256("whatsapp-hub number " + phoneNumberId).substring(0, 16), 16);
    }
}
