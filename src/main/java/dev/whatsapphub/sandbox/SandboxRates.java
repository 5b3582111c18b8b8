package dev.whatsapphub.sandbox;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meta's two send limits: messages per second per business number (130429) and the
 * business-user pair limit (131056), a bucket of {@code burst} refilled one per interval.
 */
class SandboxRates {

    private final int perSecond;
    private final int burst;
    private final long refillNanos;
    private final Map<String, ArrayDeque<Long>> windows = new ConcurrentHashMap<>();
    private final Map<String, double[]> pairs = new ConcurrentHashMap<>();

    SandboxRates(SandboxProperties properties) {
        this.perSecond = properties.messagesPerSecond();
        this.burst = properties.pairRate().burst();
        this.refillNanos = properties.pairRate().refillEvery().toNanos();
    }

    /** Counts a send in the number's rolling one-second window; false if it is over the limit. */
    boolean numberAllows(String phoneNumberId, long nowNanos) {
        ArrayDeque<Long> window = windows.computeIfAbsent(phoneNumberId, id -> new ArrayDeque<>());
        synchronized (window) {
            while (!window.isEmpty() && nowNanos - window.peekFirst() >= 1_000_000_000L) {
                window.pollFirst();
            }
            if (window.size() >= perSecond) {
                return false;
            }
            window.addLast(nowNanos);
            return true;
        }
    }

    /** Takes a token of the pair bucket; false if the user got too many messages from this number lately. */
    boolean pairAllows(String phoneNumberId, String waId, long nowNanos) {
        double[] bucket = pairs.computeIfAbsent(phoneNumberId + ":" + waId, k -> new double[] {burst, nowNanos});
        synchronized (bucket) {
            bucket[0] = Math.min(burst, bucket[0] + (nowNanos - bucket[1]) / (double) refillNanos);
            bucket[1] = nowNanos;
            if (bucket[0] < 1) {
                return false;
            }
            bucket[0] -= 1;
            return true;
        }
    }
}
