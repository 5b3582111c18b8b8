package dev.whatsapphub;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a hub of its own (own port, own data dir) for tests that stop and start it or change its profile. */
public final class HubProcess implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;

    private HubProcess(ConfigurableApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    public static HubProcess start(Path dataDir, String profiles, String... properties) {
        int port = freePort();
        // a property given by the test replaces the default of the same key (twice on the command line would join them)
        Map<String, String> all = new LinkedHashMap<>();
        for (String p : List.of("server.port=" + port, "hub.data-dir=" + dataDir, "hub.broker.tcp-port=" + freePort(),
                "standin.salesforce.grpc-port=" + freePort(),
                "sandbox.statuses.sent=50ms", "sandbox.statuses.delivered=100ms", "sandbox.statuses.read=150ms")) {
            all.put(p.substring(0, p.indexOf('=')), p);
        }
        for (String p : properties) {
            all.put(p.substring(0, p.indexOf('=')), p);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(WhatsappHubApplication.class)
                .profiles(profiles.split(","))
                // command-line arguments: they win over application*.yml, as an operator's would
                .run(all.values().stream().map(p -> "--" + p).toArray(String[]::new));
        return new HubProcess(context, port);
    }

    public Http http() {
        return new Http(port);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
