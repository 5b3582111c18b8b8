package dev.whatsapphub;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A hub or a standalone sandbox in a JVM of its own, on 127.0.0.1, so a test can SIGKILL one and
 * keep the other. Output goes to a log file next to the test reports.
 */
public final class ForkedJvm implements AutoCloseable {

    /**
     * Runs a process under test below the sandbox's CPU priority. The sandbox stands in for Meta's
     * edge, which does not share a CPU with the hub: on these 2 cores, when the hubs, the broker and
     * PostgreSQL kept the sandbox from running for 50-150 ms, the sends that arrived meanwhile were
     * stamped together when it ran again, and one rolling second held more than the hubs had sent in
     * any (the hubs' pacing does not make up time they lose, so their own stalls spread sends out).
     * With one core kept busy beside the fault tests, the two-instance test's busiest second was 82
     * (2 sends answered 130429) after a 75 ms gap; with this, 79 and none. A niceness only weighs
     * processes against the others of this session's group.
     */
    public static final List<String> BELOW_THE_SANDBOX = Path.of("/usr/bin/nice").toFile().canExecute()
            ? List.of("/usr/bin/nice", "-n", "10") : List.of();

    /**
     * Forked JVMs compile with C1 only. A fault test runs four to six JVMs for a few minutes on these
     * 2 cores, and with C2 its compiler threads took 25-65 % of each hub's CPU for the whole of the
     * two-instance run (async-profiler, itimer, 10 s windows): the machine had no idle time left and
     * the owner sent 53-65/s where its pace allows 76. With C1 alone the same run sent 75/s and left
     * the cores a third idle. A test whose figures are of peak speed (1,000/s) asks for
     * {@link #fullJit()}; {@code -Dforked.jit=full} gives every forked JVM both compilers.
     */
    public static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    private ForkedJvm(List<String> command, Path log, int port) {
        this.command = command;
        this.log = log;
        this.port = port;
    }

    /** The standalone sandbox (StandaloneSandbox) posting its webhooks to {@code webhookUrl}. */
    public static ForkedJvm sandbox(String name, String webhookUrl, String... properties) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--sandbox.webhook-url=" + webhookUrl,
                "--logging.level.root=WARN"));
        args.addAll(List.of(properties));
        List<String> command = java("dev.whatsapphub.sandbox.StandaloneSandbox", "-Xmx512m", args);
        // the sandbox stamps arrivals: a pause of its own would bunch the stamps of the sends it held
        command.set(command.indexOf("-XX:+UseParallelGC"), "-XX:+UseG1GC");
        command.add(command.indexOf("-XX:+UseG1GC") + 1, "-XX:MaxGCPauseMillis=10");
        return new ForkedJvm(command, logFile(name), port);
    }

    /** A hub on its own port and data folder, sending to {@code sandboxBaseUrl}; no in-process sandbox. */
    public static ForkedJvm hub(String name, int port, Path dataDir, String sandboxBaseUrl, String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--hub.data-dir=" + dataDir,
                "--sandbox.enabled=false", "--hub.senders.primary.base-url=" + sandboxBaseUrl,
                "--logging.level.root=WARN", "--logging.level.dev.whatsapphub=INFO"));
        if (List.of(properties).stream().noneMatch(p -> p.startsWith("--hub.broker.tcp-"))) {
            // several hubs on one machine: the embedded broker's TCP port only where a test asks for it
            args.add("--hub.broker.tcp-enabled=false");
        }
        if (List.of(properties).stream().noneMatch(p -> p.startsWith("--standin."))) {
            // like the sandbox, the connectors' stand-ins are not this hub's: a test that wants them runs them on their own
            // (StandaloneStandIns); in process they cost these 2 cores what the send-rate and two-instance figures need
            args.addAll(List.of("--standin.salesforce.enabled=false", "--standin.zendesk.enabled=false"));
        }
        if (List.of(properties).stream().noneMatch(p -> p.startsWith("--hub.clients.sandbox.callback-url="))) {
            // no sandbox beside this hub, so no callback inbox: its figures are of sending, without callbacks
            args.add("--hub.clients.sandbox.callback-url=");
        }
        args.addAll(List.of(properties));
        List<String> command = java("dev.whatsapphub.WhatsappHubApplication", "-Xmx768m", args);
        // G1 with a pause goal under the send guard, as the README advises: next to the other JVMs on 2 cores the
        // parallel collector's young pauses reached 88-265 ms, and the sends they held reached the sandbox together
        command.set(command.indexOf("-XX:+UseParallelGC"), "-XX:+UseG1GC");
        command.add(command.indexOf("-XX:+UseG1GC") + 1, "-XX:MaxGCPauseMillis=20");
        command.addAll(0, BELOW_THE_SANDBOX);
        return new ForkedJvm(command, logFile(name), port);
    }

    /** The connectors' stand-ins (StandaloneStandIns): REST on its port, Salesforce's Pub/Sub gRPC on {@code grpcPort}. */
    public static ForkedJvm standIns(String name, int grpcPort, String... properties) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--standin.salesforce.grpc-port=" + grpcPort,
                "--logging.level.root=WARN"));
        args.addAll(List.of(properties));
        return new ForkedJvm(java("dev.whatsapphub.standin.StandaloneStandIns", "-Xmx256m", args), logFile(name), port);
    }

    /** A tool that runs and exits (LegacyJmsClient), in a JVM of its own. */
    public static ForkedJvm tool(String name, String mainClass, String... args) {
        return new ForkedJvm(java(mainClass, "-Xmx128m", List.of(args)), logFile(name), 0);
    }

    /** This JVM compiles with C2 too, as in production: for figures of peak speed, not of a machine shared by many JVMs. */
    public ForkedJvm fullJit() {
        command.remove(QUICK_JIT);
        return this;
    }

    /** The JIT option of forked JVMs: {@link #QUICK_JIT}, unless {@code -Dforked.jit=full}. */
    public static List<String> jitOptions() {
        return "full".equals(System.getProperty("forked.jit")) ? List.of() : List.of(QUICK_JIT);
    }

    public ForkedJvm start() {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + command, e);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited with " + process.exitValue() + "; see " + log);
            }
            return listening();
        });
        return this;
    }

    /** Runs a process that is expected to stop by itself (a refused start-up); returns its exit code. */
    public int runUntilExit(Duration atMost) throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException("still running after " + atMost + "; see " + log);
        }
        return process.exitValue();
    }

    /** The SIGKILL of production: no shutdown hook, no flush, no goodbye. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    public Http http() {
        return new Http(port);
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private boolean listening() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static List<String> java(String mainClass, String heap, List<String> args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap));
        command.addAll(jitOptions());
        command.addAll(List.of("-XX:+UseParallelGC", "-Xlog:gc:stdout:uptime,time", "-cp", classpath, mainClass));
        command.addAll(args);
        return command;
    }

    private static Path logFile(String name) {
        Path dir = Path.of("target", "forked");
        dir.toFile().mkdirs();
        return dir.resolve(name + ".log").toAbsolutePath();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
