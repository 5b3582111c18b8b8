package dev.whatsapphub;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A standalone Artemis broker from Maven Central's {@code apache-artemis} distribution (unpacked
 * by the build into target/artemis-distribution), created fresh in its own folder and run as a
 * process of its own on 127.0.0.1. Users: {@code hub/hub} (role amq: everything, management
 * included) and {@code limited/limited} (role sender: send, consume, create queues, no manage).
 */
public final class StandaloneArtemis implements AutoCloseable {

    private final Path instance;
    private final int port;
    private final Path log;
    private Process process;

    private StandaloneArtemis(Path instance, int port, Path log) {
        this.instance = instance;
        this.port = port;
        this.log = log;
    }

    public static StandaloneArtemis create(String name) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("artemis.home", "target/artemis-distribution/apache-artemis-2.44.0")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/artemis"))) {
            throw new IllegalStateException("No Artemis distribution at " + home + ": run the tests through Maven (./mvnw verify), "
                    + "which unpacks org.apache.activemq:apache-artemis:tar.gz:bin there");
        }
        Path dir = Path.of("target", "forked").toAbsolutePath();
        Files.createDirectories(dir);
        Path instance = Files.createTempDirectory(dir, "artemis-" + name + "-");
        Path log = dir.resolve("artemis-" + name + ".log");
        int port = ForkedJvm.freePort();
        List<String> create = List.of(home.resolve("bin/artemis").toString(), "create", instance.toString(), "--force",
                "--user", "hub", "--password", "hub", "--role", "amq", "--require-login", "--silent", "--nio", "--no-web",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", "--no-autotune",
                // the tests kill hubs, not the broker: its journal need not reach the disk, and fsyncs would slow the tests after it
                "--no-fsync",
                "--host", "127.0.0.1", "--default-port", String.valueOf(port), "--java-memory", "512M");
        Process created = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (created.waitFor() != 0) {
            throw new IllegalStateException("artemis create failed; see " + log);
        }
        // a second user whose role may use queues but not management
        Path etc = instance.resolve("etc");
        Files.writeString(etc.resolve("artemis-users.properties"), "\nlimited = limited\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(etc.resolve("artemis-roles.properties"), "\nsender = limited\n", java.nio.file.StandardOpenOption.APPEND);
        Path broker = etc.resolve("broker.xml");
        String xml = Files.readString(broker);
        for (String type : List.of("createNonDurableQueue", "deleteNonDurableQueue", "createDurableQueue", "deleteDurableQueue",
                "createAddress", "deleteAddress", "consume", "browse", "send")) {
            xml = xml.replace("<permission type=\"" + type + "\" roles=\"amq\"/>", "<permission type=\"" + type + "\" roles=\"amq,sender\"/>");
        }
        Files.writeString(broker, xml);
        return new StandaloneArtemis(instance, port, log);
    }

    public StandaloneArtemis start() throws IOException {
        List<String> run = new ArrayList<>(ForkedJvm.BELOW_THE_SANDBOX);
        run.addAll(List.of(instance.resolve("bin/artemis").toString(), "run"));
        ProcessBuilder builder = new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // the broker too compiles with C1 only, like the other forked JVMs (ForkedJvm.QUICK_JIT says why)
        builder.environment().put("JAVA_ARGS_APPEND", String.join(" ", ForkedJvm.jitOptions()));
        process = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see " + log);
                }
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException notStarted) {
            // nobody holds this broker yet: stop it here, or it outlives the test JVM
            close();
            throw notStarted;
        }
        return this;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The Spring Boot properties of a hub that uses this broker as {@code user}. */
    public String[] hubProperties(String user) {
        return new String[] {"--spring.artemis.mode=native", "--spring.artemis.broker-url=" + url(), "--spring.artemis.user=" + user,
                "--spring.artemis.password=" + user};
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            // bin/artemis execs the JVM; descendants too in case a shell stayed in between
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // the instance (journal, paging) is of no use after the test; the log stays
        org.springframework.util.FileSystemUtils.deleteRecursively(instance.toFile());
    }
}
