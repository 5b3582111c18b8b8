package dev.whatsapphub.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.callback.Callbacks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies status webhooks to messages as one conditional UPDATE each, batched per webhook:
 * the database decides, row by row, whether a status moves the message forward, so concurrent
 * and repeated webhooks need no lock and no read-modify-write.
 */
@Component
public class StatusRecorder {

    private static final Logger log = LoggerFactory.getLogger(StatusRecorder.class);

    // Both checks are on the old row: a status moves the message only upwards (sent < delivered < read),
    // failed never replaces read, and nothing replaces failed. Timestamps are kept once reached; read implies delivered.
    private static final String APPLY = """
            UPDATE hub_message SET
              status       = CASE WHEN status_rank < :rank AND NOT (:rank = 4 AND status_rank = 3) THEN :status ELSE status END,
              status_rank  = CASE WHEN status_rank < :rank AND NOT (:rank = 4 AND status_rank = 3) THEN :rank ELSE status_rank END,
              wamid        = COALESCE(wamid, :wamid),
              accepted_at  = COALESCE(accepted_at, :ts),
              -- a message in doubt (its send call went unanswered) is settled by the status that names it
              in_doubt_settled    = CASE WHEN in_doubt_since IS NOT NULL AND in_doubt_settled IS NULL THEN 'status' ELSE in_doubt_settled END,
              in_doubt_settled_at = CASE WHEN in_doubt_since IS NOT NULL AND in_doubt_settled IS NULL THEN :ts ELSE in_doubt_settled_at END,
              sent_at      = CASE WHEN :rank BETWEEN 1 AND 3 AND status_rank < 4 THEN COALESCE(sent_at, :ts) ELSE sent_at END,
              delivered_at = CASE WHEN :rank BETWEEN 2 AND 3 AND status_rank < 4 THEN COALESCE(delivered_at, :ts) ELSE delivered_at END,
              read_at      = CASE WHEN :rank = 3 AND status_rank < 4 THEN COALESCE(read_at, :ts) ELSE read_at END,
              failed_at    = CASE WHEN :rank = 4 AND status_rank < 3 THEN COALESCE(failed_at, :ts) ELSE failed_at END,
              error_code   = CASE WHEN :rank = 4 AND status_rank < 3 THEN :code ELSE error_code END,
              error_title  = CASE WHEN :rank = 4 AND status_rank < 3 THEN :title ELSE error_title END,
              error_detail = CASE WHEN :rank = 4 AND status_rank < 3 THEN :detail ELSE error_detail END
            """;
    // a replayed message's old wamid (superseded_wamid) no longer moves it: its statuses are of the earlier attempt
    private static final String BY_ID = APPLY + """
             WHERE id = :id AND (wamid IS NULL OR :wamid IS NULL OR wamid = :wamid)
               AND (superseded_wamid IS NULL OR :wamid IS NULL OR superseded_wamid <> :wamid)""";
    private static final String BY_WAMID = APPLY + " WHERE wamid = :wamid";
    private static final String HISTORY = """
            INSERT INTO message_status_event (wamid, status, status_time, recorded_at, applied, raw)
            VALUES (:wamid, :status, :ts, :recorded, :applied, :raw)""";
    private static final String UNMATCHED = "INSERT INTO unmatched_status (wamid, recorded_at, raw) VALUES (:wamid, :recorded, :raw)";

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;
    // one counter per status, looked up once: a registry lookup builds and hashes a meter id each time
    private final Map<String, Counter> recorded = new ConcurrentHashMap<>();

    private final ObjectMapper mapper;

    private final Callbacks callbacks;

    public StatusRecorder(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, MeterRegistry meters, ObjectMapper mapper,
                          Callbacks callbacks) {
        this.callbacks = callbacks;
        this.mapper = mapper;
        this.jdbc = jdbc;
        this.tx = tx;
        this.meters = meters;
    }

    /** Applies a batch and keeps every item in the history, matched or not, in one transaction. */
    public void record(List<StatusUpdate> updates) {
        if (updates.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            boolean[] applied = apply(updates);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<SqlParameterSource> history = new ArrayList<>(updates.size());
            List<SqlParameterSource> unmatched = new ArrayList<>();
            for (int i = 0; i < updates.size(); i++) {
                MapSqlParameterSource row = params(updates.get(i)).addValue("recorded", now).addValue("applied", applied[i])
                        .addValue("raw", updates.get(i).raw());
                history.add(row);
                if (!applied[i] && updates.get(i).known()) {
                    unmatched.add(row);
                }
            }
            jdbc.batchUpdate(HISTORY, history.toArray(SqlParameterSource[]::new));
            if (!unmatched.isEmpty()) {
                jdbc.batchUpdate(UNMATCHED, unmatched.toArray(SqlParameterSource[]::new));
            }
            callBack(updates, applied);
        });
        for (StatusUpdate u : updates) {
            recorded.computeIfAbsent(u.storedStatus(), status -> meters.counter("hub.statuses.recorded", "status", status)).increment();
        }
    }

    /** The callbacks of the applied statuses of messages that have a callback target, in the same transaction. */
    private void callBack(List<StatusUpdate> updates, boolean[] applied) {
        List<Callbacks.Applied> called = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            StatusUpdate u = updates.get(i);
            if (u != null && applied[i] && u.calledBack() && u.messageId() != null && u.known()) {
                called.add(new Callbacks.Applied(u.messageId(), u.storedStatus(), u.rank()));
            }
        }
        if (!called.isEmpty()) {
            callbacks.statusesApplied(called);
        }
    }

    /**
     * A status that named only a wamid the hub had not stored yet (its send call had not returned)
     * is applied once the wamid is there.
     */
    @Scheduled(fixedDelayString = "${hub.status.unmatched-retry-interval:2s}")
    public void applyUnmatched() {
        var expired = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
        List<Long> ids = new ArrayList<>();
        List<OffsetDateTime> recorded = new ArrayList<>();
        List<StatusUpdate> updates = new ArrayList<>();
        jdbc.query("SELECT id, recorded_at, raw FROM unmatched_status ORDER BY id FETCH FIRST 500 ROWS ONLY", rs -> {
            ids.add(rs.getLong(1));
            recorded.add(rs.getObject(2, OffsetDateTime.class));
            updates.add(StatusUpdate.parse(rs.getString(3), mapper));
        });
        if (ids.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            boolean[] applied = apply(updates);
            List<Long> done = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (applied[i]) {
                    StatusUpdate u = updates.get(i);
                    jdbc.update("UPDATE message_status_event SET applied = TRUE WHERE wamid = :wamid AND status = :status AND applied = FALSE",
                            new MapSqlParameterSource("wamid", u.wamid()).addValue("status", u.status()));
                }
                // matched now, unreadable, or too old to ever match (not one of the hub's messages)
                if (applied[i] || updates.get(i) == null || recorded.get(i).isBefore(expired)) {
                    done.add(ids.get(i));
                }
            }
            if (!done.isEmpty()) {
                jdbc.update("DELETE FROM unmatched_status WHERE id IN (:ids)", new MapSqlParameterSource("ids", done));
            }
            callBack(updates, applied);
        });
    }

    /** Returns, per update, whether it found its message. */
    boolean[] apply(List<StatusUpdate> updates) {
        boolean[] applied = new boolean[updates.size()];
        List<Integer> byId = new ArrayList<>();
        List<Integer> byWamid = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            StatusUpdate u = updates.get(i);
            if (u == null) {
                continue;
            }
            if (!u.known()) {
                log.warn("Status '{}' of {} is not one the hub knows; kept in the history only", u.status(), u.wamid());
            } else if (u.messageId() != null) {
                byId.add(i);
            } else if (u.wamid() != null) {
                byWamid.add(i);
            }
        }
        // rows locked in one order by every batch: concurrent batches touching the same messages
        // (one with their "sent", another with their "delivered") then wait instead of deadlocking
        byId.sort(Comparator.comparing(i -> updates.get(i).messageId()));
        byWamid.sort(Comparator.comparing(i -> updates.get(i).wamid()));
        run(BY_ID, byId, updates, applied);
        run(BY_WAMID, byWamid, updates, applied);
        return applied;
    }

    private void run(String sql, List<Integer> indexes, List<StatusUpdate> updates, boolean[] applied) {
        if (indexes.isEmpty()) {
            return;
        }
        SqlParameterSource[] batch = indexes.stream().map(i -> params(updates.get(i))).toArray(SqlParameterSource[]::new);
        int[] counts = jdbc.batchUpdate(sql, batch);
        for (int k = 0; k < counts.length; k++) {
            applied[indexes.get(k)] = counts[k] > 0;
        }
    }

    private static MapSqlParameterSource params(StatusUpdate u) {
        return new MapSqlParameterSource()
                .addValue("id", u.messageId(), Types.VARCHAR)
                .addValue("wamid", u.wamid(), Types.VARCHAR)
                .addValue("status", u.storedStatus())
                .addValue("rank", u.rank())
                .addValue("ts", u.timestamp(), Types.TIMESTAMP_WITH_TIMEZONE)
                .addValue("code", u.error() == null ? null : u.error().code(), Types.INTEGER)
                .addValue("title", u.error() == null ? null : u.error().title(), Types.VARCHAR)
                .addValue("detail", u.error() == null ? null : u.error().details(), Types.VARCHAR);
    }
}
