package dev.whatsapphub.outbound;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One number's send slots, {@code spacing} apart on average; a slot taken late does not push the
 * next one back by up to the lateness (half a slot, at least a quarter of the guard), so a window
 * of one second holds more than {@code rate} sends only if the jitter between a slot and Meta's
 * clock exceeds the guard less the lateness (at 80/s: 18.6 ms of 25; at 1,000/s: 18.75 ms). In the first second after the number was idle (a start, a resume) the slots are
 * further apart by the start guard: the first sends reach Meta later after their slot than those
 * a second on (new connections, cold code on both sides), and a cold hub put 81-82 into the
 * window that begins with its first send at 80/s. Each slot goes to the waiting lane with the
 * most messages left, so lanes finish together and the tier stays busy to the end of a backlog.
 *
 * <p>Written here rather than taken from Bucket4j: its blocking consume hands out reservations in
 * arrival order and sleeps until them. Lanes then progress equally and a backlog ends in a tail of
 * the longest lanes at one call per Meta answer (simulated, 2,000 messages to 1,000 recipients on
 * 40 lanes at 78/s: 72-76/s in arrival order, 78/s deepest first), and a thread that wakes late
 * from its reservation sends together with the next ones (measured: 89 in one second at 80/s).
 * Here a slot is handed to a running thread when it is due. A sliding log that makes up late
 * slots in full was tried too: after a pause of the JVM the made-up slots met the delayed sends
 * at Meta (86 in one second at 80/s).
 */
final class NumberPace {

    private final int rate;
    private final long spacingNanos;
    // the first second after the number was idle: its slots further apart by the start guard
    private final long startSpacingNanos;
    private final long idleNanos;
    // how late a slot may be taken without pushing the next one back: half a slot, and at least a quarter of the
    // guard. Capped at 2 ms before, late wake-ups on a busy machine lost that much time at 80/s that a drain fell to
    // 77.2-77.4/s of 78.05; at 1,000/s half a slot is 0.5 ms, less than a thread takes to wake here, and warm drains
    // ran at 882-910/s of 975. The sends in any second stay within the rate while Meta's clock and the slots differ
    // by less than the guard less this (18.6 ms at 80/s, 18.75 ms at 1,000/s with the 25 ms guard).
    private final long lateness;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(
            Comparator.comparingLong((Waiter w) -> -w.depth).thenComparingLong(w -> w.arrival));
    private long nextSlot = System.nanoTime();
    private long arrivals;
    private int startSlotsLeft;

    private final class Waiter {
        final long depth;
        final long arrival;
        final Condition turn = lock.newCondition();

        Waiter(long depth, long arrival) {
            this.depth = depth;
            this.arrival = arrival;
        }
    }

    NumberPace(int rate, long periodNanos, long startGuardNanos) {
        this.rate = rate;
        this.spacingNanos = periodNanos / rate;
        this.startSpacingNanos = (periodNanos + startGuardNanos) / rate;
        this.idleNanos = periodNanos;
        this.lateness = Math.max(spacingNanos / 2, (periodNanos - 1_000_000_000L) / 4);
    }

    /** Waits for a send slot; {@code depth} is how many messages the caller's lane still holds. */
    void await(long depth) throws InterruptedException {
        lock.lock();
        try {
            Waiter me = new Waiter(depth, arrivals++);
            waiting.add(me);
            try {
                while (true) {
                    if (waiting.peek() != me) {
                        me.turn.await();
                        continue;
                    }
                    // the first in line keeps the time for everyone
                    long now = System.nanoTime();
                    if (now - nextSlot >= 0) {
                        waiting.poll();
                        boolean starting = now - nextSlot > idleNanos;
                        if (starting) {
                            // a start or a resume: the first sends open connections and run cold code on both
                            // sides, so they reach Meta later after their slot than the ones a second on
                            startSlotsLeft = rate;
                        }
                        long spacing = startSlotsLeft > 0 ? startSpacingNanos : spacingNanos;
                        startSlotsLeft = Math.max(0, startSlotsLeft - 1);
                        // a slot taken a little late does not push the next one back (waking up takes
                        // time); later than that, the time is lost rather than made up in a burst
                        nextSlot = starting ? now + spacing : Math.max(nextSlot + spacing, now + spacing - lateness);
                        signalFirst();
                        return;
                    }
                    me.turn.awaitNanos(nextSlot - now);
                }
            } catch (InterruptedException e) {
                // stopping: leave the line, the next one goes on
                waiting.remove(me);
                signalFirst();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private void signalFirst() {
        Waiter first = waiting.peek();
        if (first != null) {
            first.turn.signal();
        }
    }
}
