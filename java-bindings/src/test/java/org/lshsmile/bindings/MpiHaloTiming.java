package org.lshsmile.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures the cost of {@link Mpi#haloExchange} and of {@link Mpi#haloStart} + await: not a test, a main
 * to run under mpirun (2 ranks or more), e.g. from the repository root after a build:
 *
 * <pre>
 * OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe --bind-to none \
 *     --mca btl self,vader -np 2 java --enable-native-access=ALL-UNNAMED \
 *     -cp java-bindings/target/classes:java-bindings/target/test-classes org.lshsmile.bindings.MpiHaloTiming
 * </pre>
 *
 * Arguments: halo sizes in doubles per direction (default 1024 = 8 KB, and 32768 = 2 rows x 2048 x 8
 * doubles = 256 KB). For each size and mode (open ends, periodic; blocking, nonblocking) rank 0 prints
 * the median over 5 repetitions of the microseconds per exchange (all ranks in lock step, a barrier
 * before each repetition), and checks the received rows once.
 */
public final class MpiHaloTiming {

    private static final int REPETITIONS = 5;

    private MpiHaloTiming() {
    }

    /**
     * Runs the measurement.
     *
     * @param args halo sizes in doubles (optional)
     */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1024, 2 * 2048 * 8}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Mpi.Loaded loaded = Mpi.load();
        if (loaded.mpi().isEmpty()) {
            System.err.println("MpiHaloTiming: " + loaded.description());
            System.exit(2);
        }
        Mpi mpi = loaded.mpi().get();
        try {
            mpi.init();
            int rank = mpi.rank();
            if (rank == 0) {
                System.out.println("MpiHaloTiming: " + mpi.size() + " ranks, " + mpi.libraryVersion());
            }
            for (int count : sizes) {
                for (boolean periodic : new boolean[] {false, true}) {
                    for (boolean nonblocking : new boolean[] {false, true}) {
                        double us = measure(mpi, count, periodic, nonblocking);
                        if (rank == 0) {
                            System.out.printf(Locale.ROOT, "halo %7d doubles (%6.1f KB) %-8s %-11s %9.2f us/exchange%n",
                                count, count * 8 / 1024.0, periodic ? "periodic" : "open",
                                nonblocking ? "nonblocking" : "blocking", us);
                        }
                    }
                }
            }
            mpi.close();
        } catch (Throwable t) {
            mpi.abort(3, "MpiHaloTiming failed: " + t);
        }
    }

    private static double measure(Mpi mpi, int count, boolean periodic, boolean nonblocking) {
        int rank = mpi.rank();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sendLower = a.allocate(ValueLayout.JAVA_DOUBLE, count);
            MemorySegment sendUpper = a.allocate(ValueLayout.JAVA_DOUBLE, count);
            MemorySegment recvLower = a.allocate(ValueLayout.JAVA_DOUBLE, count);
            MemorySegment recvUpper = a.allocate(ValueLayout.JAVA_DOUBLE, count);
            sendLower.fill((byte) 0);
            sendUpper.fill((byte) 0);
            sendLower.setAtIndex(ValueLayout.JAVA_DOUBLE, count - 1, rank);
            sendUpper.setAtIndex(ValueLayout.JAVA_DOUBLE, count - 1, rank + 0.5);
            // about 50 ms per repetition at 15 us per exchange; fewer for the large halos
            int iterations = Math.max(200, 3_000_000 / Math.max(count, 1));
            exchange(mpi, sendLower, recvLower, sendUpper, recvUpper, count, periodic, nonblocking, iterations);
            int lower = mpi.lowerNeighbor(periodic);
            if (lower != Mpi.PROC_NULL && recvLower.getAtIndex(ValueLayout.JAVA_DOUBLE, count - 1) != lower + 0.5) {
                throw new IllegalStateException("rank " + rank + ": wrong lower halo after the warm-up");
            }
            double[] us = new double[REPETITIONS];
            for (int r = 0; r < REPETITIONS; r++) {
                mpi.barrier();
                long t0 = System.nanoTime();
                exchange(mpi, sendLower, recvLower, sendUpper, recvUpper, count, periodic, nonblocking, iterations);
                us[r] = (System.nanoTime() - t0) / 1e3 / iterations;
            }
            Arrays.sort(us);
            // every rank reports its median; rank 0 prints the largest (the exchange is as slow as the slowest rank)
            return mpi.allreduceMax(us[REPETITIONS / 2]);
        }
    }

    private static void exchange(Mpi mpi, MemorySegment sendLower, MemorySegment recvLower, MemorySegment sendUpper,
                                 MemorySegment recvUpper, int count, boolean periodic, boolean nonblocking,
                                 int iterations) {
        for (int i = 0; i < iterations; i++) {
            if (nonblocking) {
                mpi.haloStart(sendLower, recvLower, sendUpper, recvUpper, count, periodic).await();
            } else {
                mpi.haloExchange(sendLower, recvLower, sendUpper, recvUpper, count, periodic);
            }
        }
    }
}
