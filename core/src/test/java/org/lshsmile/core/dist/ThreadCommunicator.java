package org.lshsmile.core.dist;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ranks as threads of one JVM, for tests: every collective posts into shared slots, meets at a barrier,
 * reads what it needs, and meets again. Deterministic (sums in rank order), and a rank that fails breaks
 * the barrier so the others fail too instead of waiting (with a timeout as a last resort).
 */
public final class ThreadCommunicator implements Communicator {

    /** State shared by the ranks of one run. */
    public static final class World {
        final int size;
        final CyclicBarrier barrier;
        final Object[] slots;
        final Object[] slots2;

        public World(int size) {
            this.size = size;
            this.barrier = new CyclicBarrier(size);
            this.slots = new Object[size];
            this.slots2 = new Object[size];
        }

        public ThreadCommunicator rank(int r) {
            return new ThreadCommunicator(this, r);
        }
    }

    private final World w;
    private final int rank;

    private ThreadCommunicator(World w, int rank) {
        this.w = w;
        this.rank = rank;
    }

    private void sync() {
        try {
            w.barrier.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            w.barrier.reset();
            throw new IllegalStateException("rank " + rank + ": another rank failed or hung", e);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return w.size;
    }

    @Override
    public void haloExchange(MemorySegment sendLower, MemorySegment recvLower, MemorySegment sendUpper,
                             MemorySegment recvUpper, long count, boolean periodic) {
        w.slots[rank] = sendLower.asSlice(0, count * 8).toArray(ValueLayout.JAVA_DOUBLE);
        w.slots2[rank] = sendUpper.asSlice(0, count * 8).toArray(ValueLayout.JAVA_DOUBLE);
        sync();
        int lower = rank - 1;
        int upper = rank + 1;
        if (periodic) {
            lower = Math.floorMod(lower, w.size);
            upper = Math.floorMod(upper, w.size);
        }
        if (lower >= 0) {
            MemorySegment.copy((double[]) w.slots2[lower], 0, recvLower, ValueLayout.JAVA_DOUBLE, 0, (int) count);
        }
        if (upper < w.size) {
            MemorySegment.copy((double[]) w.slots[upper], 0, recvUpper, ValueLayout.JAVA_DOUBLE, 0, (int) count);
        }
        sync();
    }

    @Override
    public double[] allreduceSum(double[] data) {
        w.slots[rank] = data.clone();
        sync();
        double[] sum = new double[data.length];
        for (int r = 0; r < w.size; r++) {
            double[] d = (double[]) w.slots[r];
            for (int i = 0; i < sum.length; i++) {
                sum[i] += d[i];
            }
        }
        sync();
        System.arraycopy(sum, 0, data, 0, data.length);
        return data;
    }

    @Override
    public double allreduceMax(double x) {
        w.slots[rank] = x;
        sync();
        double m = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < w.size; r++) {
            m = Math.max(m, (Double) w.slots[r]);
        }
        sync();
        return m;
    }

    @Override
    public double[] gatherv(double[] send, int root) {
        w.slots[rank] = send.clone();
        sync();
        double[] out = new double[0];
        if (rank == root) {
            int n = 0;
            for (int r = 0; r < w.size; r++) {
                n += ((double[]) w.slots[r]).length;
            }
            out = new double[n];
            int at = 0;
            for (int r = 0; r < w.size; r++) {
                double[] d = (double[]) w.slots[r];
                System.arraycopy(d, 0, out, at, d.length);
                at += d.length;
            }
        }
        sync();
        return out;
    }
}
