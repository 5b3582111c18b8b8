package dev.whatsapphub.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.Http;
import dev.whatsapphub.SandboxLog;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A legacy system puts a backlog of XML order statuses on legacy.orders.status over the embedded
 * broker's TCP port, and the hub is SIGKILLed while its JMS connector consumes them (the sandbox
 * answering in 150 ms, in a process of its own). After the restart the broker delivers the
 * transactions the kill rolled back again: every order makes exactly one WhatsApp message,
 * counted from the sandbox's receive log. Small form here; the full form:
 * {@code ./mvnw verify -Dtest=JmsConnectorCrashTests -Djms.crash.orders=2000}.
 */
@Tag("fault")
class JmsConnectorCrashTests {

    private static final int ORDERS = Integer.getInteger("jms.crash.orders", 300);
    /**
     * How long a send the kill left unanswered waits for a status before it goes again. At 5 s one
     * of 300 went twice once the hub took 13 s to start: the sandbox's webhooks to the dead hub had
     * backed off past the hold; the hub's default is 60 s.
     */
    private static final Duration HOLD = Duration.ofSeconds(20);
    private static final String XML = "<OrderStatus><OrderNo>C-%05d</OrderNo><Status>SHIPPED</Status><Carrier>DHL</Carrier><Customer>"
            + "<Name>Marta</Name><Phone>0034633%06d</Phone><Lang>es</Lang></Customer></OrderStatus>";

    @Test
    void aKilledHubMakesExactlyOneMessagePerOrderAfterItsRestart() throws Exception {
        int hubPort = ForkedJvm.freePort();
        int brokerPort = ForkedJvm.freePort();
        Path data = Files.createTempDirectory("hub-jms-crash-");
        try (ForkedJvm sandbox = ForkedJvm.sandbox("jms-crash-sandbox", "http://127.0.0.1:" + hubPort + "/webhooks/whatsapp",
                "--sandbox.response-latency=150ms").start()) {
            String base = "http://127.0.0.1:" + sandbox.port() + "/sandbox";
            String[] args = {"--hub.broker.tcp-port=" + brokerPort, "--hub.outbound.in-doubt-hold=" + HOLD.toSeconds() + "s"};
            ForkedJvm hub = ForkedJvm.hub("jms-crash-hub", hubPort, data, base, args).start();
            try {
                Http first = hub.http();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> first.get("/actuator/health/templates", Map.of()).status() == 200
                                && first.get("/api/v1/config", Map.of("X-API-Key", "sandbox-key")).text().contains("\"id\":\"legacy-orders-jms\""));
                // the whole backlog is on the queue before the kill: a legacy system does not wait for the hub
                try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
                     Connection connection = factory.createConnection("legacy", "legacy-secret")) {
                    Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageProducer producer = session.createProducer(session.createQueue("legacy.orders.status"));
                    for (int i = 0; i < ORDERS; i++) {
                        producer.send(session.createTextMessage(XML.formatted(i, i)));
                    }
                    session.commit();
                }
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> SandboxLog.sendsPerRecipient(sandbox.http()).size() >= ORDERS / 3);
                hub.kill();
                int atKill = SandboxLog.sendsPerRecipient(sandbox.http()).size();
                hub = ForkedJvm.hub("jms-crash-hub", hubPort, data, base, args).start();
                long restarted = System.nanoTime();

                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> SandboxLog.sendsPerRecipient(sandbox.http()).size() >= ORDERS);
                // what was in doubt at the kill is settled or sent again after the hold: wait past it
                Thread.sleep(Math.max(0, HOLD.plusSeconds(3).toMillis() - (System.nanoTime() - restarted) / 1_000_000));
                Map<String, Integer> sends = SandboxLog.sendsPerRecipient(sandbox.http());
                long missing = 0;
                long twice = 0;
                for (int i = 0; i < ORDERS; i++) {
                    int n = sends.getOrDefault("+34633%06d".formatted(i), 0);
                    missing += n == 0 ? 1 : 0;
                    twice += n > 1 ? 1 : 0;
                }
                System.out.printf("JMS connector across a SIGKILL: orders=%d recipients_sent_at_kill=%d missing=%d sent_twice=%d%n",
                        ORDERS, atKill, missing, twice);
                assertThat(missing).as("orders without a message").isZero();
                assertThat(twice).as("orders with a second message").isZero();
            } finally {
                hub.close();
            }
        }
    }
}
