package org.lshsmile.core.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reusable barrier for the band threads of one run: the last thread to arrive runs the action (swap
 * buffers, refresh the halo) and releases the others.
 *
 * <p>Waiters spin briefly, then yield: a step on a small grid takes tens of microseconds, about what
 * parking and unparking a thread costs, so a parking barrier ({@code CyclicBarrier}) would double the
 * step time there. Yielding after the spin keeps an oversubscribed machine usable.
 */
final class StepBarrier {

    /** Spin-wait hints before yielding: tens of microseconds, about one small-grid step. */
    private static final int SPINS = 2_000;

    private final int parties;
    private final Runnable action;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;
    private volatile boolean broken;

    StepBarrier(int parties, Runnable action) {
        this.parties = parties;
        this.action = action;
    }

    /** Waits for all parties; the last one runs the action. Throws if another party failed. */
    void await() {
        int gen = generation;
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                broken = true;
                throw e;
            }
            generation = gen + 1;
            return;
        }
        int spins = 0;
        while (generation == gen) {
            if (broken) {
                throw new IllegalStateException("another band thread failed");
            }
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Releases every waiter with an exception: called by a party that failed. */
    void breakBarrier() {
        broken = true;
    }
}
