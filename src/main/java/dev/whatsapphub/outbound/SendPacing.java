package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.PairRate;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The two paces Meta enforces, kept by the hub so that normal traffic meets neither 130429 nor
 * 131056.
 *
 * <p>The number's rate is one budget for all its lanes ({@link NumberPace}): at most
 * messages-per-second sends in any window of one second plus the guard, which absorbs the jitter
 * between taking a slot here and the request reaching Meta. A lane waits for its slot in its own
 * thread (it has one call in flight at a time anyway), and the deepest lane waiting gets the next.
 *
 * <p>With several instances on one standalone broker and one PostgreSQL database, one of them
 * owns each number at a time ({@link SenderOwnership}) and keeps its rate here, as alone.
 *
 * <p>The pair rate (a burst, then one message per interval to the same user) is a Bucket4j bucket
 * per recipient, reserved ahead: a message that would exceed it is put back on its lane for the moment
 * its token is due, so it delays no other recipient. A recipient's lane has one consumer in the
 * deployment, so its bucket lives in that one process.
 */
@Component
class SendPacing {

    private final Map<String, NumberPace> numbers = new ConcurrentHashMap<>();
    private final Map<String, Bucket> pairs = new ConcurrentHashMap<>();
    private final PairRate pairRate;
    private final LaneDepths depths;

    SendPacing(HubProperties properties, LaneDepths depths) {
        this.pairRate = properties.outbound().pairRate();
        this.depths = depths;
        long period = Duration.ofSeconds(1).plus(properties.outbound().throttleGuard()).toNanos();
        long startGuard = properties.outbound().startGuard().toNanos();
        properties.senders().forEach((alias, sender) -> numbers.put(alias, new NumberPace(sender.messagesPerSecond(), period, startGuard)));
    }

    /** Waits until the sender's number may send one more message from {@code lane}. */
    void awaitNumberSlot(String alias, String lane) throws InterruptedException {
        numbers.get(alias).await(depths.depth(lane));
    }

    /** Takes the recipient's next pair token; returns how long the message must wait for it (zero: send now). */
    Duration reservePairSlot(String alias, String recipient) {
        Bucket bucket = pairs.computeIfAbsent(alias + ":" + recipient, key -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(pairRate.burst()).refillGreedy(1, pairRate.refillEvery()).build())
                .build());
        return Duration.ofNanos(bucket.consumeIgnoringRateLimits(1));
    }

    /** A recipient whose bucket is full again is like one never seen: forget it, so the map holds only recent recipients. */
    @Scheduled(fixedDelayString = "${hub.outbound.pair-rate.refill-every:6s}")
    void forgetRestedRecipients() {
        pairs.values().removeIf(bucket -> bucket.getAvailableTokens() >= pairRate.burst());
    }
}
