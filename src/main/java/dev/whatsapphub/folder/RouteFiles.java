package dev.whatsapphub.folder;

import dev.whatsapphub.Causes;
import dev.whatsapphub.HubProperties;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Camel YAML DSL route files in the routes folder (a top-level list): the old routes of a file go,
 * the new ones come; if they fail, the old ones come back.
 */
@Component
class RouteFiles implements FileLoader {

    private static final Logger log = LoggerFactory.getLogger(RouteFiles.class);
    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    private final CamelContext camel;
    private final HubProperties properties;

    RouteFiles(CamelContext camel, HubProperties properties) {
        this.camel = camel;
        this.properties = properties;
    }

    @Override
    public Folder folder() {
        return Folder.ROUTES;
    }

    @Override
    public String kind() {
        return "camel-routes";
    }

    @Override
    public boolean reads(YamlFile yaml) {
        return yaml.root() instanceof SequenceNode;
    }

    /** Route files wait for the first scan after start-up, when Camel can tell which routes they added. */
    @Override
    public boolean ready() {
        return camel.isStarted();
    }

    @Override
    public Loaded load(YamlFile yaml, String text, Loaded previous, List<FileProblem> problems) {
        String file = yaml.file();
        if (previous != null) {
            removeRoutes(previous.routes());
        }
        try {
            return Loaded.of(List.of(), addRoutes(file, text), text);
        } catch (Exception e) {
            problems.add(new FileProblem(file, lineOf(e), "", "Camel could not load the routes: " + Causes.rootMessage(e)));
            if (previous != null) {
                try {
                    addRoutes(file, (String) previous.state());
                } catch (Exception again) {
                    log.error("Could not restore the previous routes of {}", file, again);
                }
            }
            return null;
        }
    }

    @Override
    public void unload(String file, Loaded loaded) {
        removeRoutes(loaded.routes());
    }

    private List<String> addRoutes(String file, String text) throws Exception {
        Set<String> before = routeIds();
        Resource resource = ResourceHelper.fromString("file:" + properties.routesDir().toAbsolutePath().normalize().resolve(file), text);
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(resource);
        } catch (Exception e) {
            // a half-loaded file must not stay behind
            Set<String> added = routeIds();
            added.removeAll(before);
            removeRoutes(List.copyOf(added));
            throw e;
        }
        Set<String> added = routeIds();
        added.removeAll(before);
        return List.copyOf(added);
    }

    private void removeRoutes(List<String> ids) {
        for (String id : ids) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            } catch (Exception e) {
                log.warn("Could not remove route {}: {}", id, e.getMessage());
            }
        }
    }

    private Set<String> routeIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (Route r : camel.getRoutes()) {
            ids.add(r.getRouteId());
        }
        return ids;
    }

    private static int lineOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = LINE.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }
}
