package org.lshsmile.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;
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
 * What flushing subnormals ({@code |x| < }{@link StencilKernels#FLUSH_BELOW} to 0 on output) buys.
 *
 * <p>The state is a diffusion tail inside a neighbouring grain: two fields on a periodic 512 x 512 grid,
 * {@code eta_1} = {@code input} everywhere ({@code 1e-310}, subnormal, or {@code 0.25}, normal) and
 * {@code eta_2 = 1}. The grain-growth update of {@code eta_1} is written here twice as plain scalar
 * loops that differ only in the flush line ({@code ...Flush} and {@code ...NoFlush}); the trial setup
 * proves that the flushing loop gives bitwise the same {@code eta_1} as the project's scalar kernel, so
 * the loops are "the same math". Scores are ns per element-step:
 * <ul>
 *   <li>{@code oneStep*}: one step from the identical input: both loops read the same subnormals, so
 *   this shows the cost of subnormal <em>inputs</em>, which a flush on output cannot avoid;</li>
 *   <li>{@code sweeps*}: {@value #SWEEPS} Jacobi steps, each reading the previous output as the engine
 *   does: with the flush every step after the first reads zeros, without it the tail stays subnormal
 *   (it decays by a factor 0.75 a step, so it stays below 2.2e-308 for ~100 steps);</li>
 *   <li>{@code kernel*}: one step of the real kernels on both fields (half of the elements subnormal
 *   with {@code input = subnormal}), for scale.</li>
 * </ul>
 *
 * <p>Java never sets the x86 FTZ/DAZ bits, so subnormal operands take the CPU's slow path here just
 * as they would in the engine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SubnormalBenchmark {

    /**
     * Grid side. One buffer (2 padded fields of 512^2 doubles) is 4.3 MB and each benchmark streams two
     * or three: past a typical L2, inside a typical L3 (JMHSample_37: know where the data lives).
     */
    public static final int N = 512;
    /** Cells of one field. */
    public static final int CELLS = N * N;
    /** Steps of the {@code sweeps*} benchmarks. */
    public static final int SWEEPS = 8;

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final int FIELDS = 2;

    /** {@code eta_1} everywhere: {@code subnormal} (1e-310) or {@code normal} (0.25). */
    @Param({"subnormal", "normal"})
    public String input;

    private Grid grid;
    private Arena arena;
    private MemorySegment in;
    private MemorySegment bufA;
    private MemorySegment bufB;
    private MemorySegment kernelOut;
    private MemorySegment sumSq;
    private StencilKernels scalar;
    private StencilKernels simd;
    private long planeStride;
    private long rowStride;
    private int rowFrom;
    private int rowTo;
    private int colFrom;
    private long probe;
    // Model parameters held in fields, not constants, so the loops see them as the kernels do (no folding).
    private double[] ldt;
    private double[] kappa;
    private double a;
    private double b;
    private double invDx2;

    /** The value {@code eta_1} is filled with for a given {@link #input}. */
    static double fillValue(String input) {
        return switch (input) {
            case "subnormal" -> 1e-310;
            case "normal" -> 0.25;
            default -> throw new IllegalArgumentException("input must be subnormal or normal, got '" + input + "'");
        };
    }

    /** Builds the state and checks that the local loops match the project's kernel and really see subnormals. */
    @Setup(Level.Trial)
    public void setupTrial() {
        double fill = fillValue(input);
        Preset p = Preset.DEFAULT;
        ldt = new double[] {p.mobility() * p.dt(), p.mobility() * p.dt()};
        kappa = new double[] {p.kappa(), p.kappa()};
        a = p.a();
        b = p.b();
        invDx2 = 1.0 / (p.dx() * p.dx());
        grid = new Grid(FIELDS, N, N, p.dx(), Boundary.PERIODIC);
        double[] values = new double[FIELDS * CELLS];
        Arrays.fill(values, 0, CELLS, fill);
        Arrays.fill(values, CELLS, 2 * CELLS, 1.0);
        grid.copyFrom(values);
        planeStride = grid.planeStride();
        rowStride = grid.rowStride();
        rowFrom = grid.rowStart();
        rowTo = rowFrom + N;
        colFrom = grid.colStart();
        probe = grid.index(0, N / 2, N / 2);
        in = grid.current();
        arena = Arena.ofShared();
        long bytes = in.byteSize();
        // Halo and eta_2 are never written by the local loops: copying them once keeps every invocation identical.
        bufA = arena.allocate(bytes, 64).copyFrom(in);
        bufB = arena.allocate(bytes, 64).copyFrom(in);
        // The kernels rewrite eta_2 too: they get their own output so the ping-pong buffers keep eta_2 = 1.
        kernelOut = arena.allocate(bytes, 64).copyFrom(in);
        sumSq = arena.allocate(rowStride * Double.BYTES, 64);
        scalar = Kernels.scalar();
        simd = Kernels.simd().orElseThrow(() -> new IllegalStateException(
            "kernelSimd needs the SIMD kernels: " + Kernels.vectorUnavailableReason()));
        selfCheck(fill);
    }

    private void selfCheck(double fill) {
        scalar.grainGrowthRows(in, kernelOut, sumSq, FIELDS, planeStride, rowStride, rowFrom, rowTo, colFrom, N,
            ldt, kappa, a, b, invDx2, false);
        relaxFlush(in, bufA);
        boolean sawSubnormal = false;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                long i = grid.index(0, y, x);
                if (Double.doubleToRawLongBits(kernelOut.getAtIndex(D, i)) != Double.doubleToRawLongBits(bufA.getAtIndex(D, i))) {
                    throw new IllegalStateException("self-check failed: local flush loop and the scalar kernel differ at ("
                        + y + ", " + x + ")");
                }
            }
        }
        relaxNoFlush(in, bufB);
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                long i = grid.index(0, y, x);
                double nf = bufB.getAtIndex(D, i);
                double want = Math.abs(nf) < StencilKernels.FLUSH_BELOW ? 0.0 : nf;
                if (Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(bufA.getAtIndex(D, i))) {
                    throw new IllegalStateException("self-check failed: flush and no-flush loops differ by more than the flush at ("
                        + y + ", " + x + ")");
                }
                sawSubnormal |= nf != 0.0 && Math.abs(nf) < Double.MIN_NORMAL;
            }
        }
        boolean subnormalInput = fill != 0.0 && Math.abs(fill) < Double.MIN_NORMAL;
        if (subnormalInput != sawSubnormal) {
            throw new IllegalStateException("self-check failed: input " + input + " should " + (subnormalInput ? "" : "not ")
                + "give subnormal no-flush outputs");
        }
    }

    /** Frees the grid and the buffers. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        if (arena != null) {
            arena.close();
        }
        if (grid != null) {
            grid.close();
        }
    }

    /** One step of the local loop with the flush, from the shared input. */
    @Benchmark
    @OperationsPerInvocation(CELLS)
    public double oneStepFlush() {
        relaxFlush(in, bufA);
        return bufA.getAtIndex(D, probe);
    }

    /** One step of the local loop without the flush, from the same input. */
    @Benchmark
    @OperationsPerInvocation(CELLS)
    public double oneStepNoFlush() {
        relaxNoFlush(in, bufA);
        return bufA.getAtIndex(D, probe);
    }

    /**
     * {@value #SWEEPS} steps with the flush; each reads the previous output, the first reads the shared
     * input, so no reset is needed between invocations. The returned value depends on every step.
     */
    @Benchmark
    @OperationsPerInvocation(CELLS * SWEEPS)
    public double sweepsFlush() {
        relaxFlush(in, bufA);
        for (int s = 1; s < SWEEPS; s += 2) {
            relaxFlush(bufA, bufB);
            relaxFlush(bufB, bufA);
        }
        return bufA.getAtIndex(D, probe);
    }

    /** {@value #SWEEPS} steps without the flush, as {@link #sweepsFlush()}. */
    @Benchmark
    @OperationsPerInvocation(CELLS * SWEEPS)
    public double sweepsNoFlush() {
        relaxNoFlush(in, bufA);
        for (int s = 1; s < SWEEPS; s += 2) {
            relaxNoFlush(bufA, bufB);
            relaxNoFlush(bufB, bufA);
        }
        return bufA.getAtIndex(D, probe);
    }

    /** One step of the project's scalar kernel over both fields (2 element-steps per cell). */
    @Benchmark
    @OperationsPerInvocation(CELLS * FIELDS)
    public double kernelScalar() {
        scalar.grainGrowthRows(in, kernelOut, sumSq, FIELDS, planeStride, rowStride, rowFrom, rowTo, colFrom, N,
            ldt, kappa, a, b, invDx2, false);
        return kernelOut.getAtIndex(D, probe);
    }

    /** One step of the project's SIMD kernel over both fields (2 element-steps per cell). */
    @Benchmark
    @OperationsPerInvocation(CELLS * FIELDS)
    public double kernelSimd() {
        simd.grainGrowthRows(in, kernelOut, sumSq, FIELDS, planeStride, rowStride, rowFrom, rowTo, colFrom, N,
            ldt, kappa, a, b, invDx2, false);
        return kernelOut.getAtIndex(D, probe);
    }

    /**
     * The kernel's update of {@code eta_1} (field 0, with {@code eta_2} in field 1), in the scalar kernel's
     * operation order, flushing {@code |v| < FLUSH_BELOW} to 0 as the kernel does.
     */
    void relaxFlush(MemorySegment cur, MemorySegment next) {
        final long ps = planeStride;
        final long rs = rowStride;
        final double lq = ldt[0];
        final double kq = kappa[0];
        final double aa = a;
        final double bb = b;
        final double inv = invDx2;
        final int colTo = colFrom + N;
        for (int r = rowFrom; r < rowTo; r++) {
            final long row = r * rs;
            for (int c = colFrom; c < colTo; c++) {
                long i = row + c;
                double ctr = cur.getAtIndex(D, i);
                double o = cur.getAtIndex(D, ps + i);
                double sum = ctr * ctr;
                sum = sum + o * o;
                double w = cur.getAtIndex(D, i - 1);
                double e = cur.getAtIndex(D, i + 1);
                double n = cur.getAtIndex(D, i - rs);
                double s = cur.getAtIndex(D, i + rs);
                double lap = (((w + e) + (n + s)) - 4.0 * ctr) * inv;
                double sq = ctr * ctr;
                double other = sum - sq;
                double bulk = ctr * ((bb * sq - aa) + 2.0 * other);
                double v = ctr - lq * (bulk - kq * lap);
                v = Math.abs(v) < StencilKernels.FLUSH_BELOW ? 0.0 : v;
                next.setAtIndex(D, i, v);
            }
        }
    }

    /** {@link #relaxFlush} without the flush line: subnormal results are stored and read back next step. */
    void relaxNoFlush(MemorySegment cur, MemorySegment next) {
        final long ps = planeStride;
        final long rs = rowStride;
        final double lq = ldt[0];
        final double kq = kappa[0];
        final double aa = a;
        final double bb = b;
        final double inv = invDx2;
        final int colTo = colFrom + N;
        for (int r = rowFrom; r < rowTo; r++) {
            final long row = r * rs;
            for (int c = colFrom; c < colTo; c++) {
                long i = row + c;
                double ctr = cur.getAtIndex(D, i);
                double o = cur.getAtIndex(D, ps + i);
                double sum = ctr * ctr;
                sum = sum + o * o;
                double w = cur.getAtIndex(D, i - 1);
                double e = cur.getAtIndex(D, i + 1);
                double n = cur.getAtIndex(D, i - rs);
                double s = cur.getAtIndex(D, i + rs);
                double lap = (((w + e) + (n + s)) - 4.0 * ctr) * inv;
                double sq = ctr * ctr;
                double other = sum - sq;
                double bulk = ctr * ((bb * sq - aa) + 2.0 * other);
                double v = ctr - lq * (bulk - kq * lap);
                next.setAtIndex(D, i, v);
            }
        }
    }
}
