package dev.whatsapphub.api;

import dev.whatsapphub.media.MediaStore;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/media/{id}}: a file a customer sent, as the hub downloaded it, with its type
 * and its SHA-256 ({@code Repr-Digest}, RFC 9530, and the ETag). A file not downloaded yet, or
 * refused, is a problem saying which and why.
 */
@RestController
@RequestMapping("/api/v1/media")
class MediaController {

    private final MediaStore media;

    MediaController(MediaStore media) {
        this.media = media;
    }

    @GetMapping("/{id}")
    ResponseEntity<Resource> file(@PathVariable String id) {
        MediaStore.Media file = media.find(id).orElseThrow(() -> ApiProblem.notFound("No media '" + id + "'"));
        switch (file.state()) {
            case "pending" -> throw new ApiProblem(HttpStatus.CONFLICT, "media-pending", "Media not downloaded yet",
                    "Media " + id + " of message " + file.wamid() + " is still being downloaded from the Cloud API: try again shortly");
            case "refused" -> throw new ApiProblem(HttpStatus.UNPROCESSABLE_ENTITY, "media-refused", "Media refused",
                    "Media " + id + " of message " + file.wamid() + " was not kept: " + file.reason());
            default -> {
                // stored
            }
        }
        byte[] digest = HexFormat.of().parseHex(file.sha256());
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(file.mimeType()))
                .contentLength(file.sizeBytes())
                .eTag("\"" + file.sha256() + "\"")
                .header("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":")
                .body(new FileSystemResource(media.file(file)));
    }
}
