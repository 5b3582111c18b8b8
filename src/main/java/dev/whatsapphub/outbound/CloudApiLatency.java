package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How long each sender's Cloud API takes to answer a send (smoothed over about the last 50
 * calls), and how many recipient lanes that needs at the sender's rate. A lane has one call in
 * flight, so rate × latency lanes are busy at once, and recipients never spread evenly, so twice
 * that keeps the tier busy to the end of a backlog. The default (rate ÷ 2) covers answers up to
 * 250 ms. The hub does not resize lanes by itself: a recipient's lane is its hash, so a new count
 * would reorder the messages waiting at that moment. It says what to set instead, in the log
 * and in the senders health.
 */
@Component
class CloudApiLatency {

    private static final Logger log = LoggerFactory.getLogger(CloudApiLatency.class);
    private static final double WEIGHT = 0.02;
    // the advice is checked every this many answers (the first check once the average has settled)
    private static final int CHECK_EVERY = 200;

    private final HubProperties properties;
    private final Map<String, Average> senders = new ConcurrentHashMap<>();

    private static final class Average {
        double millis = -1;
        long calls;
        int advisedLanes;
    }

    CloudApiLatency(HubProperties properties) {
        this.properties = properties;
    }

    /** One answered call of the sender's: {@code nanos} from writing the request to the answer's head. */
    void record(String alias, long nanos) {
        Average average = senders.computeIfAbsent(alias, a -> new Average());
        int advise = 0;
        double millis;
        synchronized (average) {
            double sample = nanos / 1e6;
            average.millis = average.millis < 0 ? sample : average.millis + WEIGHT * (sample - average.millis);
            millis = average.millis;
            if (++average.calls % CHECK_EVERY == 0) {
                int needed = lanesNeeded(alias, millis);
                int lanes = properties.senders().get(alias).effectiveShards();
                if (needed > lanes && needed != average.advisedLanes) {
                    average.advisedLanes = needed;
                    advise = needed;
                }
            }
        }
        if (advise > 0) {
            Sender sender = properties.senders().get(alias);
            log.warn("Sender '{}': the Cloud API answers in about {} ms, so {} messages/s need about {} recipient lanes"
                            + " (one call in flight each, twice what is busy at once); it has {} and cannot reach its rate."
                            + " Set hub.senders.{}.shards={} (recipients then move to other lanes: order is not kept for"
                            + " messages waiting at that moment)", alias, Math.round(millis), sender.messagesPerSecond(), advise,
                    sender.effectiveShards(), alias, advise);
        }
    }

    /** The sender's smoothed answer time in ms, or -1 before its first answer. */
    long millis(String alias) {
        Average average = senders.get(alias);
        if (average == null) {
            return -1;
        }
        synchronized (average) {
            return Math.round(average.millis);
        }
    }

    /** The lanes the sender needs at its rate for the answer time seen so far (its configured lanes before any). */
    int lanesNeeded(String alias) {
        long millis = millis(alias);
        return millis < 0 ? properties.senders().get(alias).effectiveShards() : lanesNeeded(alias, millis);
    }

    private int lanesNeeded(String alias, double millis) {
        return Math.max(8, (int) Math.ceil(2 * properties.senders().get(alias).messagesPerSecond() * millis / 1000));
    }
}
