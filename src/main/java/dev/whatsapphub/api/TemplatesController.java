package dev.whatsapphub.api;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.templates.Template;
import dev.whatsapphub.templates.TemplateRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/templates}: the templates of every account the senders use, as the hub knows them now. */
@RestController
class TemplatesController {

    private final HubProperties properties;
    private final TemplateRegistry registry;

    TemplatesController(HubProperties properties, TemplateRegistry registry) {
        this.properties = properties;
        this.registry = registry;
    }

    @GetMapping(path = "/api/v1/templates", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> list() {
        Set<String> accounts = new LinkedHashSet<>();
        properties.senders().values().stream().map(Sender::wabaId).forEach(accounts::add);
        List<Map<String, Object>> data = new ArrayList<>();
        Map<String, Object> synced = new LinkedHashMap<>();
        for (String waba : accounts) {
            synced.put(waba, registry.syncedAt(waba).map(Object::toString).orElse(null));
            for (Template t : registry.all(waba)) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("waba_id", waba);
                item.put("id", t.id());
                item.put("name", t.name());
                item.put("language", t.language());
                item.put("status", t.status());
                item.put("category", t.category());
                item.put("quality", t.quality());
                item.put("parameter_format", t.named() ? "NAMED" : "POSITIONAL");
                item.put("components", t.components());
                data.add(item);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("data", data);
        answer.put("synced_at", synced);
        return answer;
    }
}
