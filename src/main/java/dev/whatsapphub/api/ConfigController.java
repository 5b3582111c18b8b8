package dev.whatsapphub.api;

import dev.whatsapphub.folder.ConfigSection;
import dev.whatsapphub.folder.OperatorFolders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/config}: every file of the routes and connectors folders, its loaded version
 * and the errors of a rejected one; each connector with its state and counts.
 */
@RestController
class ConfigController {

    private final OperatorFolders folders;

    private final List<ConfigSection> sections;

    ConfigController(OperatorFolders folders, List<ConfigSection> sections) {
        this.folders = folders;
        this.sections = sections;
    }

    @GetMapping(path = "/api/v1/config", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> config() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("routes_dir", folders.routes().path().toString());
        answer.put("files", folders.routes().view());
        answer.put("connectors_dir", folders.connectors().path().toString());
        answer.put("connector_files", folders.connectors().view());
        sections.forEach(section -> answer.put(section.name(), section.view()));
        return answer;
    }
}
