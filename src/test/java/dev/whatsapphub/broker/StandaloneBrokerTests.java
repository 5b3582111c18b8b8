package dev.whatsapphub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.StandaloneArtemis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hub against a standalone Artemis (Maven Central's distribution, its own process): it applies
 * the queue policy it relies on through management, or refuses to start saying what to fix.
 */
class StandaloneBrokerTests {

    private static StandaloneArtemis broker;
    private static ForkedJvm sandbox;
    private static final java.util.Map<String, Path> dataDirs = new java.util.concurrent.ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startBrokerAndSandbox() throws Exception {
        broker = StandaloneArtemis.create("policy").start();
        sandbox = ForkedJvm.sandbox("policy-sandbox", "http://127.0.0.1:9/webhooks/whatsapp").start();
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aBareBrokerIsRefusedUntilTheHubHasAppliedItsPolicy() throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url(), "hub", "hub");
             BrokerManagement management = new BrokerManagement(factory, Duration.ofSeconds(10))) {
            // a lane left by an older hub, shared rather than exclusive
            management.invoke("createQueue", "{\"name\":\"hub.outbound.primary.003\",\"address\":\"hub.outbound.primary.003\","
                    + "\"routing-type\":\"ANYCAST\",\"durable\":true,\"exclusive\":false}", true);

            // told only to check, the hub finds the broker's defaults and says what is missing
            ForkedJvm checking = hub("policy-check", "hub", "--hub.broker.apply-policy=false");
            assertThat(checking.runUntilExit(Duration.ofSeconds(90))).isNotZero();
            String refused = Files.readString(checking.log());
            assertThat(refused).contains("APPLICATION FAILED TO START")
                    .contains("hub.outbound.primary.000: defaultExclusiveQueue is false, needs true (address-setting match=\"hub.outbound.#\")")
                    .contains("hub.outbound.primary.000: deadLetterAddress is DLQ, needs hub.outbound.dlq")
                    .contains("maxDeliveryAttempts is 10, needs 1000")
                    .contains("hub.webhooks: deadLetterAddress is DLQ, needs hub.webhooks.dlq")
                    .contains("queue hub.events.dlq is missing")
                    .contains("queue hub.outbound.primary.003 is not exclusive")
                    .contains("set hub.broker.apply-policy=true");

            // by default it applies the policy, and then runs
            try (ForkedJvm applying = hub("policy-apply", "hub").start()) {
                JsonNode lane = json.readTree((String) management.invoke("getAddressSettingsAsJSON", "hub.outbound.primary.017"));
                assertThat(lane.path("defaultExclusiveQueue").asBoolean()).isTrue();
                assertThat(lane.path("defaultConsumerWindowSize").asInt()).isEqualTo(BrokerPolicy.LANE_CONSUMER_WINDOW);
                assertThat(lane.path("deadLetterAddress").asText()).isEqualTo("hub.outbound.dlq");
                assertThat(lane.path("maxDeliveryAttempts").asInt()).isEqualTo(1000);
                JsonNode dlq = json.readTree((String) management.invoke("getAddressSettingsAsJSON", "hub.outbound.dlq"));
                assertThat(dlq.path("defaultExclusiveQueue").asBoolean()).isFalse();
                assertThat(json.readTree((String) management.invoke("getAddressSettingsAsJSON", "hub.events"))
                        .path("deadLetterAddress").asText()).isEqualTo("hub.events.dlq");
                // lanes start once the hub is ready
                await().atMost(Duration.ofSeconds(60)).until(() -> hubQueues(management).toString().contains("hub.outbound.primary.000"));
                JsonNode queues = hubQueues(management);
                List<String> names = new ArrayList<>();
                for (JsonNode queue : queues) {
                    names.add(queue.path("name").asText());
                    if (queue.path("name").asText().equals("hub.outbound.primary.003")) {
                        assertThat(queue.path("exclusive").asText()).as("the older lane").isEqualTo("true");
                    }
                    if (queue.path("name").asText().equals("hub.outbound.dlq")) {
                        assertThat(queue.path("exclusive").asText()).isEqualTo("false");
                    }
                }
                assertThat(names).contains("hub.outbound.dlq", "hub.events.dlq", "hub.webhooks.dlq", "hub.outbound.primary.000");
                // the lanes the hub consumes were created under the policy: exclusive
                for (JsonNode queue : queues) {
                    if (queue.path("name").asText().matches("hub\\.outbound\\.primary\\.\\d+")) {
                        assertThat(queue.path("exclusive").asText()).as(queue.path("name").asText()).isEqualTo("true");
                    }
                }
                assertThat(Files.readString(applying.log())).contains("policy applied through management");
                // no embedded broker beside the standalone one (Boot starts one unless told not to)
                assertThat(Files.readString(applying.log())).contains("Broker: Artemis at " + broker.url());
                assertThat(dataDirs.get("policy-apply").resolve("artemis")).doesNotExist();
            }
        }
    }

    @Test
    void aBrokerUserWithoutManagementIsToldWhatToGrant() throws Exception {
        ForkedJvm hub = hub("policy-denied", "limited");
        assertThat(hub.runUntilExit(Duration.ofSeconds(90))).isNotZero();
        assertThat(Files.readString(hub.log())).contains("APPLICATION FAILED TO START")
                .contains("could not be asked for its address settings")
                .contains("Give the hub's broker user 'limited' the 'manage' permission");
    }

    private JsonNode hubQueues(BrokerManagement management) throws Exception {
        return json.readTree((String) management.invoke("listQueues",
                "{\"field\":\"name\",\"operation\":\"CONTAINS\",\"value\":\"hub.\"}", 1, 1000)).path("data");
    }

    private static ForkedJvm hub(String name, String user, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(broker.hubProperties(user)));
        args.addAll(List.of(extra));
        Path data = Files.createTempDirectory("hub-" + name + "-");
        dataDirs.put(name, data);
        Files.deleteIfExists(Path.of("target", "forked", name + ".log"));
        return ForkedJvm.hub(name, ForkedJvm.freePort(), data, "http://127.0.0.1:" + sandbox.port() + "/sandbox", args.toArray(String[]::new));
    }
}
