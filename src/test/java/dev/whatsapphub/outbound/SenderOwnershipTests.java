package dev.whatsapphub.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Who sends for a number when instances share it, on the real PostgreSQL: one holder at a time,
 * the number free as soon as the holder's session ends, and a holder whose session was cut told
 * that it lost the number.
 */
class SenderOwnershipTests {

    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    // a number of this test's own, so that nothing else running here holds its lock
    private static final String NUMBER = "9" + ProcessHandle.current().pid();

    @Test
    void oneInstanceHoldsTheNumberAndTheOtherTakesItWhenTheHolderStops() {
        SenderOwnership first = new SenderOwnership(PG_URL, "postgres", "");
        SenderOwnership second = new SenderOwnership(PG_URL, "postgres", "");
        try {
            assertThat(first.tryOwn(NUMBER)).isTrue();
            assertThat(first.tryOwn(NUMBER)).as("asked again by its holder").isTrue();
            assertThat(second.tryOwn(NUMBER)).as("held by the other instance").isFalse();
            assertThat(first.lost()).isEmpty();

            first.close();
            // PostgreSQL ends the holder's backend, and its locks, just after the socket closes
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(50))
                    .alias("free once its holder's session ended").until(() -> second.tryOwn(NUMBER));
            assertThat(first.tryOwn(NUMBER)).isFalse();
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aHolderWhoseSessionWasCutLosesTheNumberAndSaysSo() throws Exception {
        SenderOwnership holder = new SenderOwnership(PG_URL, "postgres", "");
        SenderOwnership standby = new SenderOwnership(PG_URL, "postgres", "");
        try {
            assertThat(holder.tryOwn(NUMBER)).isTrue();
            // PostgreSQL restarted, or the network went: the session holding the lock ends
            assertThat(terminateHolder(SenderOwnership.lockKey(NUMBER))).isEqualTo(1);
            // the session ends, and its locks with it, once its backend has exited
            await().atMost(Duration.ofSeconds(5)).until(() -> standby.tryOwn(NUMBER));

            assertThat(holder.lost()).as("the former holder must stop its lanes").containsExactly(NUMBER);
            assertThat(holder.lost()).as("told once").isEmpty();
            assertThat(holder.tryOwn(NUMBER)).as("it stands by, it does not take the number back").isFalse();
        } finally {
            holder.close();
            standby.close();
        }
    }

    /** Ends the PostgreSQL session that holds the advisory lock {@code key}; returns how many ended. */
    private static int terminateHolder(long key) throws Exception {
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
             PreparedStatement terminate = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                     + " WHERE locktype = 'advisory' AND granted AND classid::bigint = ? AND objid::bigint = ?")) {
            terminate.setLong(1, key >>> 32);
            terminate.setLong(2, key & 0xffffffffL);
            try (ResultSet r = terminate.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
