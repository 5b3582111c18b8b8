package dev.whatsapphub.outbound;

import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;

/**
 * Each number's send budget kept in PostgreSQL (Bucket4j's select-for-update proxy), so that hub
 * instances sharing a broker and a database stay under the number's rate together. A greedy
 * bucket refilled at the rate per period that holds one token (2 ms of tokens from 500/s up): after a
 * lull no instance can send a burst. Each instance asks for one token at a time (NumberPace), so the
 * instances' sends interleave at the rate, whichever lanes each consumes.
 *
 * <p>Its own small pool with {@code synchronous_commit off}: a budget lost in a database crash
 * costs at most a few milliseconds of sends, and a commit that waits for the disk would cap the
 * number at one send per WAL flush.
 */
final class SharedNumberBudgets implements AutoCloseable {

    /** Bucket4j measures on the instances' wall clock, to the microsecond (its default is milliseconds). */
    private static final TimeMeter WALL_CLOCK_MICROS = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    };

    private final HikariDataSource pool;
    private final ProxyManager<String> buckets;

    SharedNumberBudgets(DataSourceProperties database) {
        pool = database.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        pool.setPoolName("hub-number-budget");
        pool.setMaximumPoolSize(4);
        pool.setConnectionInitSql("SET synchronous_commit TO off");
        // a lane waits for this in line with the others: fail fast, the message is retried
        pool.setConnectionTimeout(2000);
        buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(pool)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("number_budget").idColumn("id").stateColumn("state")
                .clientClock(WALL_CLOCK_MICROS)
                .build();
    }

    /** The budget of one number, shared by every instance that sends from it. */
    NumberPace.SharedBudget of(String phoneNumberId, int rate, Duration period) {
        long capacity = Math.max(1, rate / 500);
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(rate, period).initialTokens(capacity).build())
                .build();
        // an instance started with a higher rate (or, at the same rate, a longer period) replaces the stored one
        long version = rate * 100_000L + Math.min(period.toMillis(), 99_999);
        BucketProxy bucket = buckets.builder()
                .withImplicitConfigurationReplacement(version, io.github.bucket4j.TokensInheritanceStrategy.PROPORTIONALLY)
                .build("number:" + phoneNumberId, () -> configuration);
        return () -> {
            try {
                return bucket.consumeIgnoringRateLimits(1);
            } catch (RuntimeException databaseDown) {
                throw new NumberPace.BudgetUnavailable(databaseDown);
            }
        };
    }

    @Override
    public void close() {
        pool.close();
    }
}
