package dev.whatsapphub.connectors;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where each connector reading a stream stands in each topic ({@code connector_position}): the
 * replay id of the last event safely taken in, written after the event and its messages are
 * durable, so a restart resumes right after it (a crash in between gives the event again, and its
 * id makes that harmless). A replay id the system no longer knows is recorded with where the
 * connector resumed instead.
 */
@Component
public class ConnectorPositions {

    /** A topic's position: the replay id to resume after (null: none yet), and the last invalid one with where it resumed. */
    public record Position(String replayId, long events, String invalidReplayId, Instant invalidAt, String resumedFrom) {
    }

    private final JdbcTemplate jdbc;

    ConnectorPositions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Position> find(String connector, String topic) {
        return jdbc.query("SELECT replay_id, events, invalid_replay_id, invalid_at, resumed_from FROM connector_position WHERE connector = ? AND topic = ?",
                (rs, n) -> new Position(rs.getString(1), rs.getLong(2), rs.getString(3),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(), rs.getString(5)), connector, topic).stream().findFirst();
    }

    /** The event with {@code replayId} is taken in (or in the dead letters): resume after it. */
    public void advance(String connector, String topic, String replayId) {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("UPDATE connector_position SET replay_id = ?, events = events + 1, updated_at = ? WHERE connector = ? AND topic = ?",
                replayId, now, connector, topic) == 0) {
            jdbc.update("INSERT INTO connector_position (connector, topic, replay_id, events, updated_at) VALUES (?, ?, ?, 1, ?)",
                    connector, topic, replayId, now);
        }
    }

    /** The system refused {@code replayId}: forget it, and note that the connector resumes from {@code resumedFrom}. */
    public void invalid(String connector, String topic, String replayId, String resumedFrom) {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("UPDATE connector_position SET replay_id = NULL, invalid_replay_id = ?, invalid_at = ?, resumed_from = ?, updated_at = ?"
                + " WHERE connector = ? AND topic = ?", replayId, now, resumedFrom, now, connector, topic) == 0) {
            jdbc.update("INSERT INTO connector_position (connector, topic, replay_id, events, updated_at, invalid_replay_id, invalid_at, resumed_from)"
                    + " VALUES (?, ?, NULL, 0, ?, ?, ?, ?)", connector, topic, now, replayId, now, resumedFrom);
        }
    }
}
