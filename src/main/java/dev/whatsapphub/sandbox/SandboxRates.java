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

    /**
     * Counts a send in the number's rolling one-second window ending at its arrival; false if that
     * window already holds the limit. Arrivals are stamped before dispatch, so they can come here
     * slightly out of order: the window is kept sorted, with two seconds of history.
     */
    boolean numberAllows(String phoneNumberId, long arrivedNanos) {
        ArrayDeque<Long> window = windows.computeIfAbsent(phoneNumberId, id -> new ArrayDeque<>());
        synchronized (window) {
            while (!window.isEmpty() && window.peekLast() - window.peekFirst() >= 2_000_000_000L) {
                window.pollFirst();
            }
            int inWindow = 0;
            for (var it = window.descendingIterator(); it.hasNext(); ) {
                long at = it.next();
                if (arrivedNanos - at >= 1_000_000_000L) {
                    break;
                }
                if (at <= arrivedNanos) {
                    inWindow++;
                }
            }
            if (inWindow >= perSecond) {
                return false;
            }
            insertSorted(window, arrivedNanos);
            return true;
        }
    }

    private static void insertSorted(ArrayDeque<Long> window, long at) {
        if (window.isEmpty() || window.peekLast() <= at) {
            window.addLast(at);
            return;
        }
        ArrayDeque<Long> later = new ArrayDeque<>();
        while (!window.isEmpty() && window.peekLast() > at) {
            later.addFirst(window.pollLast());
        }
        window.addLast(at);
        window.addAll(later);
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
