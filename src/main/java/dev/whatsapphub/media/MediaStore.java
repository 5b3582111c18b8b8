package dev.whatsapphub.media;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.model.MessageIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The media rows and their files under {@code hub.data-dir/media}: a file is written under a
 * temporary name and moved into place, so a crash mid-download leaves no half file behind a
 * stored row.
 */
@Repository
public class MediaStore {

    /** Where the inbound stage puts the hub media id of each file to fetch, in the transaction that stored its message. */
    public static final String DOWNLOADS = "hub.inbound.media";
    /** Headers of those messages: the webhook's direct URL and checksum, when it had them. */
    public static final String URL_HEADER = "hubMediaUrl";
    public static final String SHA256_HEADER = "hubMediaSha256";

    /** One customer file: {@code state} pending, stored or refused; {@code reason} says why it was refused. */
    public record Media(String id, String wamid, String kind, String metaMediaId, String phoneNumberId, String declaredType,
                        String mimeType, Long sizeBytes, String sha256, String path, String state, String reason, Instant storedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Path root;

    public MediaStore(JdbcTemplate jdbc, HubProperties properties) {
        this.jdbc = jdbc;
        this.root = properties.dataDir().resolve("media");
    }

    /** Notes a file to fetch for an inbound message; returns the hub's media id. */
    public String expect(String wamid, String kind, String metaMediaId, String phoneNumberId, String declaredType) {
        String id = MessageIds.next();
        jdbc.update("""
                INSERT INTO media_file (id, wamid, kind, meta_media_id, phone_number_id, declared_type, state, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)""", id, wamid, kind, metaMediaId, phoneNumberId, declaredType, now());
        return id;
    }

    public Optional<Media> find(String id) {
        return jdbc.query("SELECT * FROM media_file WHERE id = ?", MediaStore::row, id).stream().findFirst();
    }

    public Optional<Media> ofMessage(String wamid) {
        return jdbc.query("SELECT * FROM media_file WHERE wamid = ?", MediaStore::row, wamid).stream().findFirst();
    }

    /** A new temporary file in the store's folder, to download into. */
    Path temporaryFile() throws IOException {
        Files.createDirectories(root);
        return Files.createTempFile(root, "download-", ".part");
    }

    /** Moves the downloaded file into place and marks the row stored. */
    void stored(String id, Path downloaded, String mimeType, long size, String sha256) throws IOException {
        Path target = root.resolve(id);
        Files.move(downloaded, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        jdbc.update("""
                UPDATE media_file SET state = 'stored', mime_type = ?, size_bytes = ?, sha256 = ?, path = ?, reason = NULL, stored_at = ?
                WHERE id = ?""", mimeType, size, sha256, root.relativize(target).toString(), now(), id);
    }

    /** The file will not be served: {@code reason} says what was wrong with it. */
    void refused(String id, String reason, String mimeType, Long size) {
        jdbc.update("UPDATE media_file SET state = 'refused', reason = ?, mime_type = ?, size_bytes = ? WHERE id = ?",
                reason.length() > 1000 ? reason.substring(0, 1000) : reason, mimeType, size, id);
    }

    /** Where a stored file's bytes are. */
    public Path file(Media media) {
        return root.resolve(media.path());
    }

    private static Media row(ResultSet rs, int n) throws SQLException {
        long size = rs.getLong("size_bytes");
        Timestamp stored = rs.getTimestamp("stored_at");
        return new Media(rs.getString("id"), rs.getString("wamid"), rs.getString("kind"), rs.getString("meta_media_id"),
                rs.getString("phone_number_id"), rs.getString("declared_type"), rs.getString("mime_type"), rs.wasNull() ? null : size,
                rs.getString("sha256"), rs.getString("path"), rs.getString("state"), rs.getString("reason"),
                stored == null ? null : stored.toInstant());
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
