package dev.whatsapphub.api;

import dev.whatsapphub.folder.OperatorFolders;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/config}: every file of the routes folder, its loaded version and the errors of a rejected one. */
@RestController
class ConfigController {

    private final OperatorFolders folders;

    ConfigController(OperatorFolders folders) {
        this.folders = folders;
    }

    @GetMapping(path = "/api/v1/config", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> config() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("routes_dir", folders.routes().path().toString());
        answer.put("files", folders.routes().view());
        return answer;
    }
}
