package dev.whatsapphub.connectors;

import dev.whatsapphub.Causes;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.folder.FileLoader;
import dev.whatsapphub.folder.FileProblem;
import dev.whatsapphub.folder.FileSchema;
import dev.whatsapphub.folder.OperatorFolders;
import dev.whatsapphub.folder.YamlFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Connector files ({@code hub.connectors-dir}, one per connected system, the file name its id):
 * read and checked, then started as a route from their kind's template. A changed file replaces
 * the running route only once the new one is built; a removed file stops it.
 */
@Component
class ConnectorFiles implements OperatorFolders.FallbackLoader {

    private static final Logger log = LoggerFactory.getLogger(ConnectorFiles.class);

    private final CamelContext camel;
    private final Connectors connectors;
    private final Map<String, ConnectorKind> kinds;
    private final References references;
    private final Path folder;

    ConnectorFiles(CamelContext camel, Connectors connectors, List<ConnectorKind> kinds, Environment environment, HubProperties properties) {
        this.camel = camel;
        this.connectors = connectors;
        this.kinds = kinds.stream().collect(Collectors.toMap(ConnectorKind::kind, Function.identity()));
        this.folder = properties.connectorsDir().toAbsolutePath().normalize();
        this.references = new References(environment, folder);
    }

    @Override
    public Folder folder() {
        return Folder.CONNECTORS;
    }

    @Override
    public String kind() {
        return "connector";
    }

    @Override
    public boolean reads(YamlFile yaml) {
        return true;
    }

    /** Connectors start with the first scan after Camel started: their routes come from templates Camel must have. */
    @Override
    public boolean ready() {
        return camel.isStarted();
    }

    @Override
    public Loaded load(YamlFile yaml, String text, Loaded previous, List<FileProblem> problems) {
        ConnectorFile file = ConnectorFileReader.read(camel, yaml, references, folder);
        problems.addAll(FileSchema.merged(FileSchema.CONNECTOR.check(yaml), yaml.problems()));
        if (file == null || !problems.isEmpty()) {
            return null;
        }
        ConnectorKind kind = kinds.get(file.kind());
        String routeId = "connector-" + file.id();
        Connector before = connectors.find(file.id()).orElse(null);
        if (previous != null) {
            stop(before == null ? (ConnectorFile) previous.state() : before.file(), routeId);
        }
        connectors.start(file);
        try {
            kind.start(camel, routeId, file);
        } catch (Exception e) {
            problems.add(new FileProblem(yaml.file(), 0, "", "Camel could not start the connector: " + Causes.rootMessage(e)));
            stop(file, routeId);
            if (before != null) {
                restart(before.file(), routeId);
            } else {
                connectors.stop(file.id());
            }
            return null;
        }
        return Loaded.of(List.of(), List.of(routeId), file);
    }

    private void restart(ConnectorFile file, String routeId) {
        connectors.start(file);
        try {
            kinds.get(file.kind()).start(camel, routeId, file);
        } catch (Exception again) {
            log.error("Could not restart the previous version of connector {}", file.id(), again);
        }
    }

    @Override
    public void unload(String file, Loaded loaded) {
        ConnectorFile connector = (ConnectorFile) loaded.state();
        stop(connector, "connector-" + connector.id());
        connectors.stop(connector.id());
    }

    private void stop(ConnectorFile file, String routeId) {
        try {
            kinds.get(file.kind()).stop(camel, routeId, file);
        } catch (Exception e) {
            log.warn("Could not stop connector route {}: {}", routeId, e.getMessage());
        }
    }
}
