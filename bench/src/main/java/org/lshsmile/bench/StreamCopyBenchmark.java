package org.lshsmile.bench;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory-bandwidth yardstick of the dense steps: a STREAM-style copy of a grid's current buffer into
 * its next buffer, the least traffic any step of that grid can have (a step reads every value of the current
 * buffer and writes every value of the next one, halo and padding rows included in the buffers). With
 * 2 threads each copies one contiguous half. Two ways to copy ({@link #store}):
 * <ul>
 *   <li>{@code copy}: {@link MemorySegment#copy}, which for buffers this large ends in the C library's
 *   {@code memmove}; measured here it runs at the speed of a C loop with non-temporal (streaming) stores,
 *   which skip the read-for-ownership of the destination line, so it moves 2 bytes per byte copied;</li>
 *   <li>{@code vector}: a Vector API loop of loads and ordinary stores, as the Java and C step kernels
 *   write: every destination line is read before it is written, 3 bytes of traffic per byte copied. This
 *   is the bound for a kernel with ordinary stores, and the one STREAM's compiled copy loop reports.</li>
 * </ul>
 *
 * <p>The score has the unit of {@link ModelStepBenchmark} and {@link GrainGrowthStepBenchmark}: nanoseconds
 * per element of the grid's interior ({@code n^2 m} per copy), so a step's score divided by the copy's score
 * of the same {@code size:fields:threads} says how far the step is from the memory bound. Every invocation
 * copies {@link #ELEMENTS} elements' worth.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class StreamCopyBenchmark {

    /** Interior elements per invocation: 3 * 2^25, a multiple of every buffer's n^2 m (as the step benchmarks'). */
    public static final int ELEMENTS = 3 << 25;

    /** Bytes each thread's range is aligned to: one cache line, so no line is written by both threads. */
    private static final long LINE = 64;

    /** {@code size:fields:threads}: the grids of {@link ModelStepBenchmark} and of grain growth at 2048^2, Q = 8. */
    @Param({"128:8:1", "128:1:1", "128:3:1", "512:8:1", "512:1:1", "512:3:1", "512:8:2", "512:1:2", "512:3:2",
        "2048:8:1", "2048:8:2"})
    public String buffer;

    /** {@code copy}: {@link MemorySegment#copy}; {@code vector}: a Vector API loop with ordinary stores. */
    @Param({"copy", "vector"})
    public String store = "copy";

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private Grid grid;
    private int copies;
    private boolean vectorLoop;
    private long[] bounds;
    private ExecutorService pool;

    /** Parses {@code size:fields:threads}: {size, fields, threads}. */
    static int[] parseBuffer(String buffer) {
        String[] p = buffer.trim().split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("buffer must be size:fields:threads, got '" + buffer + "'");
        }
        int[] v = {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim())};
        long perCopy = (long) v[0] * v[0] * v[1];
        if (v[0] < 8 || v[1] < 1 || v[2] < 1 || perCopy > ELEMENTS || ELEMENTS % perCopy != 0) {
            throw new IllegalArgumentException("buffer " + buffer + ": need size >= 8, fields >= 1, threads >= 1 and "
                + "size^2 * fields dividing " + ELEMENTS);
        }
        return v;
    }

    /** Copies per invocation for {@code size:fields:threads}. */
    static int copiesFor(String buffer) {
        int[] v = parseBuffer(buffer);
        return (int) (ELEMENTS / ((long) v[0] * v[0] * v[1]));
    }

    /** Allocates the grid, fills both buffers (so every page is mapped) and starts the helper threads. */
    @Setup(Level.Trial)
    public void setupTrial() {
        int[] v = parseBuffer(buffer);
        copies = copiesFor(buffer);
        vectorLoop = switch (store) {
            case "copy" -> false;
            case "vector" -> true;
            default -> throw new IllegalArgumentException("store must be copy or vector, got '" + store + "'");
        };
        grid = new Grid(v[1], v[0], v[0], 1.0, Boundary.PERIODIC);
        SplittableRandom r = new SplittableRandom(1);
        for (MemorySegment s : new MemorySegment[] {grid.current(), grid.next()}) {
            for (long i = 0; i < s.byteSize() / Double.BYTES; i++) {
                s.setAtIndex(EngineStepState.D, i, r.nextDouble());
            }
        }
        long bytes = grid.current().byteSize();
        int threads = v[2];
        bounds = new long[threads + 1];
        for (int t = 1; t < threads; t++) {
            bounds[t] = bytes * t / threads / LINE * LINE;
        }
        bounds[threads] = bytes;
        pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1) : null;
    }

    /** Stops the helper threads and frees the grid. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (grid != null) {
            grid.close();
        }
    }

    private void copyRange(int t) {
        if (vectorLoop) {
            vectorCopy(grid.current(), grid.next(), bounds[t], bounds[t + 1]);
        } else {
            MemorySegment.copy(grid.current(), bounds[t], grid.next(), bounds[t], bounds[t + 1] - bounds[t]);
        }
    }

    /** Copies bytes [from, to) (multiples of 8) with vector loads and ordinary vector stores, then a tail. */
    static void vectorCopy(MemorySegment src, MemorySegment dst, long from, long to) {
        long step = SPECIES.vectorByteSize();
        long i = from;
        for (; i + step <= to; i += step) {
            DoubleVector.fromMemorySegment(SPECIES, src, i, java.nio.ByteOrder.nativeOrder())
                .intoMemorySegment(dst, i, java.nio.ByteOrder.nativeOrder());
        }
        for (; i < to; i += Double.BYTES) {
            dst.set(EngineStepState.D, i, src.get(EngineStepState.D, i));
        }
    }

    /** {@code ELEMENTS / (n^2 m)} copies of the current buffer into the next one; returns a copied value. */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public double copy() throws InterruptedException, ExecutionException {
        int threads = bounds.length - 1;
        List<Future<?>> pending = new ArrayList<>(threads - 1);
        for (int c = 0; c < copies; c++) {
            pending.clear();
            for (int t = 1; t < threads; t++) {
                int band = t;
                pending.add(pool.submit(() -> copyRange(band)));
            }
            copyRange(0);
            for (Future<?> f : pending) {
                f.get();
            }
        }
        return grid.next().getAtIndex(EngineStepState.D, grid.next().byteSize() / Double.BYTES - 1);
    }

    /** Whether the last copy left the two buffers equal (for the smoke test). */
    boolean buffersEqual() {
        return grid.current().mismatch(grid.next()) < 0;
    }
}
