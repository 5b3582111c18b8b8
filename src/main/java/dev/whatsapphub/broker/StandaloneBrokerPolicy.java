package dev.whatsapphub.broker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.broker.BrokerManagement.ManagementException;
import dev.whatsapphub.broker.BrokerPolicy.Requirement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;

/**
 * On a standalone broker, before any route consumes: applies the hub's address settings and
 * dead-letter queues through management (unless {@code hub.broker.apply-policy=false}), makes lanes
 * that exist from before exclusive, then reads back what the broker will really do and refuses to
 * start when something the hub relies on is missing, saying what to fix.
 */
public class StandaloneBrokerPolicy {

    private static final Logger log = LoggerFactory.getLogger(StandaloneBrokerPolicy.class);

    private final BrokerManagement management;
    private final HubProperties properties;
    private final ArtemisProperties artemis;
    private String effective = "not checked";

    StandaloneBrokerPolicy(BrokerManagement management, HubProperties properties, ArtemisProperties artemis) {
        this.management = management;
        this.properties = properties;
        this.artemis = artemis;
    }

    /** Applies and checks the policy; throws {@link BrokerPolicyException} naming what to fix. */
    void ensure() {
        try {
            List<String> applied = properties.broker().applyPolicy() ? apply() : List.of();
            List<String> problems = check();
            if (!problems.isEmpty()) {
                throw new BrokerPolicyException(broker() + " lacks what the hub relies on:\n  - " + String.join("\n  - ", problems),
                        properties.broker().applyPolicy()
                                ? "Check the broker's log for why it did not take the settings the hub applied, or add them to its broker.xml."
                                : "Add these address settings and queues to the broker's broker.xml, or set hub.broker.apply-policy=true "
                                        + "so the hub applies them through management at start-up.");
            }
            effective = (applied.isEmpty() ? "checked on the broker" : "applied through management (" + String.join(", ", applied) + ") and checked")
                    + ": " + BrokerPolicy.SUMMARY;
        } catch (ManagementException e) {
            String user = artemis.getUser() == null ? "(no user)" : "'" + artemis.getUser() + "'";
            throw new BrokerPolicyException(broker() + " could not be asked for its address settings: " + e.getMessage(),
                    e.denied()
                            ? "Give the hub's broker user " + user + " the 'manage' permission (security-setting match \"#\" or "
                                    + "\"activemq.management\" in broker.xml): the hub applies and checks its queue policy through management at start-up."
                            : "Check that the broker at " + artemis.getBrokerUrl() + " is an Apache Artemis broker that is up and answers "
                                    + "management requests on activemq.management.", e);
        }
    }

    public String effective() {
        return effective;
    }

    private List<String> apply() throws ManagementException {
        List<String> applied = new ArrayList<>();
        for (var entry : BrokerPolicy.addressSettings().entrySet()) {
            management.invoke("addAddressSettings", entry.getKey(), entry.getValue().toJSON());
            applied.add(entry.getKey());
        }
        // after the settings, so a new dead-letter queue is not made exclusive by hub.outbound.#
        for (String dlq : BrokerPolicy.DEAD_LETTER_QUEUES) {
            management.invoke("createQueue", BrokerPolicy.deadLetterQueue(dlq).toJSON(), true);
        }
        for (var queue : management.queues("hub.").entrySet()) {
            boolean dlq = BrokerPolicy.DEAD_LETTER_QUEUES.contains(queue.getKey());
            if (queue.getKey().startsWith("hub.outbound.") && queue.getValue().path("exclusive").asBoolean() == dlq) {
                // a queue created before the policy (by an older hub, or by hand) keeps its own flag: set it
                management.invoke("updateQueue", QueueConfiguration.of(queue.getKey()).setExclusive(!dlq).toJSON());
                log.info("Queue {} on the broker made {}", queue.getKey(), dlq ? "shared" : "exclusive");
            }
        }
        return applied;
    }

    private List<String> check() throws ManagementException {
        List<String> problems = new ArrayList<>();
        Map<String, AddressSettings> effectiveSettings = new HashMap<>();
        for (Requirement r : BrokerPolicy.requirements(List.copyOf(properties.senders().keySet()))) {
            AddressSettings settings = effectiveSettings.get(r.address());
            if (settings == null) {
                settings = AddressSettings.fromJSON(String.valueOf(management.invoke("getAddressSettingsAsJSON", r.address())));
                effectiveSettings.put(r.address(), settings);
            }
            Object actual = r.actual().apply(settings);
            if (!r.expected().equals(actual)) {
                problems.add(r.address() + ": " + r.key() + " is " + actual + ", needs " + r.expected() + " (address-setting match=\""
                        + r.match() + "\"): " + r.why());
            }
        }
        Map<String, JsonNode> queues = management.queues("hub.");
        for (String dlq : BrokerPolicy.DEAD_LETTER_QUEUES) {
            if (!queues.containsKey(dlq)) {
                problems.add("queue " + dlq + " is missing (anycast, durable): without it the broker drops what it gives up on");
            }
        }
        queues.forEach((name, queue) -> {
            if (name.startsWith("hub.outbound.") && !BrokerPolicy.DEAD_LETTER_QUEUES.contains(name) && !queue.path("exclusive").asBoolean()) {
                problems.add("queue " + name + " is not exclusive: a lane needs one consumer in the deployment");
            }
        });
        return problems;
    }

    private String broker() {
        return "The Artemis broker at " + artemis.getBrokerUrl();
    }
}
