package dev.whatsapphub.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * What the hub needs from its broker, in one place for the embedded broker (set in its
 * configuration) and a standalone one (applied and checked through management).
 */
public final class BrokerPolicy {

    /** The dead-letter queues: they must exist, or the broker drops what it gives up on. */
    public static final List<String> DEAD_LETTER_QUEUES = List.of("hub.outbound.dlq", "hub.events.dlq", "hub.webhooks.dlq",
            "hub.inbound.dlq");

    /**
     * How many bytes of messages a lane's consumer holds ahead (about a hundred messages). Only the
     * lane's one consumer in the deployment receives (the queue is exclusive), so nothing waits in a
     * buffer while another consumer idles; without it, every message cost a credit round trip
     * through three broker threads before the lane could take it.
     */
    public static final int LANE_CONSUMER_WINDOW = 64 * 1024;

    /** The policy in words, for the start-up log. */
    public static final String SUMMARY = "hub.outbound.# lanes exclusive, 64 KiB prefetch, 1000 redeliveries then hub.outbound.dlq; "
            + "hub.webhooks, hub.inbound and hub.events 10 attempts with backoff then their .dlq; hub.inbound.unassigned 1000 then "
            + "hub.inbound.dlq; dead-letter queues present";

    private BrokerPolicy() {
    }

    /**
     * Address settings by match. Outbound lanes: a message is only rolled back on purpose (paused
     * sender) or by a crash, so it is redelivered at once, keeping its place on its lane, and not
     * given up on early. Webhook batches and events are retried with a pause and end in their own
     * dead-letter queue. Queues the hub uses are created on demand and never deleted under it.
     */
    public static Map<String, AddressSettings> addressSettings() {
        Map<String, AddressSettings> settings = new LinkedHashMap<>();
        // a lane has one consumer in the deployment (exclusive): its recipients' messages are attempted in order
        settings.put("hub.outbound.#", kept(new AddressSettings()
                .setMaxDeliveryAttempts(1000)
                .setRedeliveryDelay(0)
                .setDefaultExclusiveQueue(true)
                .setDefaultConsumerWindowSize(LANE_CONSUMER_WINDOW)
                .setDeadLetterAddress(SimpleString.of("hub.outbound.dlq"))));
        settings.put("hub.outbound.dlq", kept(new AddressSettings().setMaxDeliveryAttempts(-1).setDefaultExclusiveQueue(false)));
        // an event the hub could not take for a passing reason (templates not synced, database down)
        settings.put("hub.events", kept(new AddressSettings()
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(1000L)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000L)
                .setDeadLetterAddress(SimpleString.of("hub.events.dlq"))));
        settings.put("hub.webhooks", kept(new AddressSettings()
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(1000L)
                .setRedeliveryMultiplier(2)
                .setDeadLetterAddress(SimpleString.of("hub.webhooks.dlq"))));
        // a customer's message the hub could not store yet (database away): kept trying for about 8 minutes, then kept aside
        // and a customer's file that could not be downloaded yet (Meta or the network away)
        for (String queue : List.of("hub.inbound", "hub.inbound.media")) {
            settings.put(queue, kept(new AddressSettings()
                    .setMaxDeliveryAttempts(10)
                    .setRedeliveryDelay(1000L)
                    .setRedeliveryMultiplier(2)
                    .setMaxRedeliveryDelay(60_000L)
                    .setDeadLetterAddress(SimpleString.of("hub.inbound.dlq"))));
        }
        // a conversation no business system owns, for the support desk (the default route): a desk away for hours keeps
        // it waiting, retried every minute (about 16 hours), never dropped
        settings.put("hub.inbound.unassigned", kept(new AddressSettings()
                .setMaxDeliveryAttempts(1000)
                .setRedeliveryDelay(1000L)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000L)
                .setDeadLetterAddress(SimpleString.of("hub.inbound.dlq"))));
        for (String dlq : List.of("hub.events.dlq", "hub.webhooks.dlq", "hub.inbound.dlq")) {
            settings.put(dlq, kept(new AddressSettings().setMaxDeliveryAttempts(-1)));
        }
        return settings;
    }

    static QueueConfiguration deadLetterQueue(String name) {
        return QueueConfiguration.of(name).setAddress(name).setRoutingType(RoutingType.ANYCAST).setDurable(true).setExclusive(false);
    }

    /**
     * What a standalone broker is checked for, read back from the settings it applies to these
     * addresses (unset keys read as Artemis's defaults): the sentence says what goes wrong without it.
     */
    static List<Requirement> requirements(List<String> senderAliases) {
        List<Requirement> all = new java.util.ArrayList<>();
        for (String alias : senderAliases) {
            String lane = "hub.outbound." + alias + ".000";
            all.add(new Requirement(lane, "defaultExclusiveQueue", AddressSettings::isDefaultExclusiveQueue, true, "hub.outbound.#",
                    "a lane needs one consumer in the deployment, or two instances send one recipient's messages out of order"));
            all.add(new Requirement(lane, "defaultConsumerWindowSize", AddressSettings::getDefaultConsumerWindowSize, LANE_CONSUMER_WINDOW,
                    "hub.outbound.#", "a lane takes its messages ahead in batches, not one broker round trip each"));
            all.add(new Requirement(lane, "deadLetterAddress", BrokerPolicy::deadLetterAddress, "hub.outbound.dlq", "hub.outbound.#",
                    "a message the hub gives up on must land in the dead-letter list"));
            all.add(new Requirement(lane, "maxDeliveryAttempts", AddressSettings::getMaxDeliveryAttempts, 1000, "hub.outbound.#",
                    "a paused sender rolls messages back on purpose; the broker's default of 10 would dead-letter them"));
        }
        all.add(new Requirement("hub.events", "deadLetterAddress", BrokerPolicy::deadLetterAddress, "hub.events.dlq", "hub.events",
                "an event that keeps failing must be kept, not dropped"));
        all.add(new Requirement("hub.webhooks", "deadLetterAddress", BrokerPolicy::deadLetterAddress, "hub.webhooks.dlq", "hub.webhooks",
                "a webhook batch that keeps failing must be kept, not dropped"));
        all.add(new Requirement("hub.inbound", "deadLetterAddress", BrokerPolicy::deadLetterAddress, "hub.inbound.dlq", "hub.inbound",
                "a customer's message that keeps failing must be kept, not dropped"));
        return all;
    }

    /** {@code key} of the settings the broker applies to {@code address} must be {@code expected}. */
    record Requirement(String address, String key, Function<AddressSettings, Object> actual, Object expected, String match, String why) {
    }

    private static Object deadLetterAddress(AddressSettings settings) {
        return settings.getDeadLetterAddress() == null ? "(none)" : settings.getDeadLetterAddress().toString();
    }

    private static AddressSettings kept(AddressSettings settings) {
        return settings.setAutoCreateQueues(true).setAutoCreateAddresses(true).setAutoDeleteQueues(false).setAutoDeleteAddresses(false);
    }
}
