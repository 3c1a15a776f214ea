package org.lshsmile.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.OffHeap;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.ProjectionKernels;
import org.lshsmile.simd.Projections;
import org.lshsmile.simd.StencilKernels;

/**
 * Off-heap memory has an owner that closes it: after many create / step / close cycles of grids and every
 * engine, {@link OffHeap}'s live arena and byte counts are back at their baseline exactly, and the resident
 * memory of the process outside the Java heap (see {@link #nativeRssBytes()}) has not grown by more than
 * {@value #RSS_TOLERANCE_MIB} MiB since a warm-up.
 *
 * <p>Counts: {@code -Dlshsmile.leak.cycles=N} create/step/close cycles (default 10000, after N/10 warm-up
 * cycles), of which {@code -Dlshsmile.leak.lsh.cycles=N} (default 500, spread evenly) build an LSH-SMILE engine
 * and the rest alternate exact and active engines; {@code -Dlshsmile.leak.lsh.runs=N} LSH-SMILE runs whose
 * records and tables grow and shrink (default 60, after max(10, N/5) warm-up runs). An LSH cycle costs about ten
 * exact or active ones and a grow-and-shrink run about forty, so the normal suite keeps those two lower; the
 * full counts of the issue are {@code -Dlshsmile.leak.lsh.cycles=10000 -Dlshsmile.leak.lsh.runs=1000}.
 * Measured on a 2-core machine shared with other builds: the defaults take 18.5 s per suite execution (of two;
 * the 10^4 cycles 15 s wall, 6-7 s CPU); the full counts 77-83 s (10^4 LSH cycles 40-50 s, 1000 runs 14-15 s),
 * native resident memory within -13..+8 MiB of the warm-up figure in every run.
 * Run with {@code -Dlshsmile.offheap.track=true} to have a failure name the code that created each arena
 * left open.
 */
class OffHeapLeakTest {

    static final int CYCLES = Integer.getInteger("lshsmile.leak.cycles", 10_000);
    static final int LSH_CYCLES = Integer.getInteger("lshsmile.leak.lsh.cycles", 500);
    static final int LSH_RUNS = Integer.getInteger("lshsmile.leak.lsh.runs", 60);
    /** Resident-memory growth allowed between the end of the warm-up and the end of the loop. */
    static final int RSS_TOLERANCE_MIB = 32;

    private static final Preset P = Preset.DEFAULT;
    private static final StencilKernels KERNELS = KernelSets.stencilsFromSystemProperty();

    /** Live counts at one moment. */
    record Live(long arenas, long bytes) {
        static Live now() {
            return new Live(OffHeap.liveArenas(), OffHeap.liveBytes());
        }
    }

    private static void assertBackTo(Live baseline, String after) {
        Live now = Live.now();
        assertEquals(baseline, now, () -> after + ": off-heap not released; " + OffHeap.describeLive());
    }

    /** VmRSS of this process in bytes, or -1 where /proc/self/status is absent. */
    static long rssBytes() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] w = line.trim().split("\\s+");
                    return Long.parseLong(w[1]) * 1024; // "VmRSS:  123456 kB"
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return -1;
    }

    /** Mappings below this address hold the compressed-oops Java heap (and class space), never malloc or mmap. */
    private static final long NATIVE_FROM = 32L << 30;

    /**
     * Resident bytes of the mappings at or above 32 GiB, or -1 where /proc/self/smaps is absent: malloc's
     * arenas, mmap'ed blocks (where arena memory lives), thread stacks, code cache and libraries, but not the
     * Java heap, which a -Xmx below 32 GiB places under 32 GiB for compressed oops. VmRSS itself swings by
     * ~100 MiB with no leak: G1 touches more of its committed regions as eden moves through them, and after
     * a System.gc() uncommits regions later on its own thread.
     */
    static long nativeRssBytes() {
        Path smaps = Path.of("/proc/self/smaps");
        if (!Files.isReadable(smaps)) {
            return -1;
        }
        try {
            long total = 0;
            boolean count = false;
            for (String line : Files.readAllLines(smaps)) {
                String first = line.substring(0, Math.max(0, line.indexOf(' ')));
                int dash = first.indexOf('-');
                if (dash > 0 && first.indexOf(':') < 0) { // "7f01a000-7f01c000 rw-p ...": a mapping's header
                    count = Long.parseUnsignedLong(first.substring(0, dash), 16) >= NATIVE_FROM;
                } else if (count && line.startsWith("Rss:")) {
                    total += Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
                }
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** glibc's {@code int malloc_trim(size_t)}, absent on other C libraries. */
    @SuppressWarnings("restricted") // surefire runs with --enable-native-access=ALL-UNNAMED
    private static final Optional<MethodHandle> MALLOC_TRIM = Linker.nativeLinker().defaultLookup().find("malloc_trim")
        .map(a -> Linker.nativeLinker().downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG)));

    /**
     * {@link #nativeRssBytes()} after, with glibc, {@code malloc_trim(0)}: freed native blocks that malloc keeps
     * for reuse (its mmap threshold grows with the block sizes seen) are returned, so what remains is live.
     */
    private static long trimmedNativeRss() {
        MALLOC_TRIM.ifPresent(h -> {
            try {
                int unused = (int) h.invokeExact(0L);
            } catch (Throwable t) {
                throw new IllegalStateException("malloc_trim failed: " + t, t);
            }
        });
        return nativeRssBytes();
    }

    /** Native resident memory grew by less than {@link #RSS_TOLERANCE_MIB}. */
    private static void assertRssFlat(long nativeGrowth, String over) {
        assertTrue(nativeGrowth < RSS_TOLERANCE_MIB * 1024L * 1024L, String.format(Locale.ROOT,
            "resident memory outside the Java heap grew by %.1f MiB over %s; limit %d MiB", mib(nativeGrowth), over,
            RSS_TOLERANCE_MIB));
    }

    /** CPU time of this thread (band threads of two-thread cycles not included): steadier than wall time. */
    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    // ---- 10^4 cycles of grid + engine -------------------------------------------------------------------

    /** Model, dx, dt and initial state of cycle i: grain growth with Q = 2..8, nanovoid (sources on), CH. */
    record Setup(Model model, double dx, double dt, double[] init) {
        static Setup of(int i, int ny, int nx) {
            switch ((i / 3) % 3) {
                case 0 -> {
                    int q = 2 + (i / 9) % 7;
                    GrainGrowth gg = P.grainGrowth(q, false);
                    return new Setup(gg, P.dx(), P.dt(), GrainStates.voronoi(ny, nx, q, q, i, true).values());
                }
                case 1 -> {
                    Nanovoid nv = Nanovoid.standard(Nanovoid.Form.CONSERVATIVE);
                    if (i % 2 == 0) {
                        nv = nv.with(Nanovoid.Sources.standard(i, true, true));
                    }
                    return new Setup(nv, 1.0, 0.02, Nanovoid.initialState("v2", ny, nx));
                }
                default -> {
                    return new Setup(CahnHilliard.pfhub1(), 1.0, 1e-3, CahnHilliard.pfhub1Initial(ny, nx, 1.0, 0.5, 0.05));
                }
            }
        }
    }

    /** Whether cycle i of {@link #CYCLES} is one of the {@link #LSH_CYCLES} LSH-SMILE ones, spread evenly. */
    static boolean lshCycle(int i) {
        long c = Math.min(LSH_CYCLES, CYCLES);
        return (i + 1L) * c / CYCLES != i * c / CYCLES;
    }

    /**
     * Engine of cycle i: LSH-SMILE (paper or verified, K and L varied) in the LSH cycles, else exact and active
     * (tau 0 or default) in turn, on one or two threads.
     */
    private static Engine engine(int i, Setup s, Grid g) {
        int threads = i % 7 == 0 ? 2 : 1; // a thread start per step() call: the costliest part of a small cycle
        if (lshCycle(i % CYCLES)) {
            return new LshSmileEngine(s.model(), g, s.dt(),
                i % 2 == 0 ? LshSmileEngine.Mode.VERIFIED : LshSmileEngine.Mode.PAPER, 1e-3, 1e-3,
                2 + i % 3, 3 + i % 4, i);
        }
        return i % 2 == 0 ? new ExactEngine(s.model(), g, s.dt(), KERNELS, threads, 0)
            : new ActiveSetEngine(s.model(), g, s.dt(), KERNELS, threads, (i / 2) % 2 == 0 ? 0.0
                : ActiveSetEngine.DEFAULT_TAU, 0);
    }

    /** One cycle: a grid of 24..32 x 24..32, an engine, three steps (every ninth cycle under a GuardedRun), close. */
    private static double cycle(int i) {
        int ny = 24 + (i * 7) % 9;
        int nx = 24 + (i * 5) % 9;
        Setup s = Setup.of(i, ny, nx);
        Boundary bc = (i / 2) % 2 == 0 ? Boundary.PERIODIC : Boundary.NOFLUX;
        try (Grid g = new Grid(s.model().fields(), ny, nx, s.dx(), bc)) {
            g.copyFrom(s.init());
            try (Engine e = engine(i, s, g)) {
                if (i % 9 == 0) {
                    try (GuardedRun run = new GuardedRun(e, 2)) {
                        run.advance(3);
                    }
                } else {
                    e.step(3);
                }
                assertEquals(3, e.stepsDone());
            }
            return g.get(0, ny / 2, nx / 2);
        }
    }

    @Test
    void createStepCloseCyclesReleaseEveryArenaAndKeepRssFlat() {
        int warm = Math.max(1, CYCLES / 10);
        Live baseline = Live.now();
        long created0 = OffHeap.arenasCreated();
        double sink = 0;
        for (int i = 0; i < warm; i++) {
            sink += cycle(i);
        }
        assertBackTo(baseline, warm + " warm-up cycles");
        long rss0 = trimmedNativeRss();
        long vm0 = rssBytes();
        long created1 = OffHeap.arenasCreated();
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        for (int i = warm; i < warm + CYCLES; i++) {
            sink += cycle(i);
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double cpu = (cpuNanos() - cpu0) * 1e-9;
        long rss1 = trimmedNativeRss();
        long vm1 = rssBytes();
        long made = OffHeap.arenasCreated() - created1;
        System.out.printf(Locale.ROOT, "leak cycles (%s kernels): %d cycles, %d of them LSH (+%d warm-up) in %.1f s (%.1f s CPU),"
                + " %d arenas made and closed (%d in warm-up); live arenas %d -> %d, live bytes %d -> %d; native RSS"
                + " %.1f -> %.1f MiB (%+.1f MiB), VmRSS %.1f -> %.1f MiB [sink %s]%n", KERNELS.name(), CYCLES,
            Math.min(LSH_CYCLES, CYCLES), warm, seconds, cpu, made, created1 - created0, baseline.arenas(),
            OffHeap.liveArenas(), baseline.bytes(), OffHeap.liveBytes(), mib(rss0), mib(rss1), mib(rss1 - rss0),
            mib(vm0), mib(vm1), Double.isFinite(sink));
        assertBackTo(baseline, CYCLES + " cycles");
        assertTrue(made >= 2L * CYCLES, "every cycle made a grid and an engine arena at least: " + made);
        Assumptions.assumeTrue(rss0 > 0 && rss1 > 0, "no /proc/self/smaps here: resident memory not checked");
        assertRssFlat(rss1 - rss0, CYCLES + " cycles");
    }

    // ---- 10^3 LSH-SMILE runs whose tables grow and shrink ---------------------------------------------------

    /** Bytes the LSH engine of one run held: encoded diffuse, re-encoded sharp, re-encoded diffuse. */
    record LshBytes(boolean verified, long diffuse, long sharp, long diffuseAgain) {
    }

    /**
     * Run j: a 65..72-cell-square grid; a diffuse state (every cell its own bucket: more than the 4096 records
     * and table slots an engine starts with, so records, tables and the feature cache grow), re-encoded on a
     * sharp state (a handful of buckets: the records shrink back) and stepped, then re-encoded on the diffuse
     * state again; K (3..5), L (2..8), mode and model (grain growth, Cahn-Hilliard) vary with j.
     */
    private static LshBytes lshRun(int j) {
        int n = 65 + j % 8;
        boolean ch = j % 2 == 1;
        Model model = ch ? CahnHilliard.pfhub1() : P.grainGrowth(2, false);
        int m = model.fields();
        double dt = ch ? 1e-3 : P.dt();
        double dx = ch ? 1.0 : P.dx();
        SplittableRandom rnd = new SplittableRandom(j);
        double[] diffuse = new double[m * n * n];
        for (int i = 0; i < diffuse.length; i++) {
            diffuse[i] = ch ? 0.3 + 0.4 * rnd.nextDouble() : rnd.nextDouble();
        }
        double[] sharp = ch ? new double[n * n] : GrainStates.voronoi(n, n, 2, 2, j, true).values();
        if (ch) {
            for (int i = 0; i < sharp.length; i++) {
                sharp[i] = (i % n) < n / 2 ? 0.3 : 0.7;
            }
        }
        LshSmileEngine.Mode mode = (j / 2) % 2 == 0 ? LshSmileEngine.Mode.VERIFIED : LshSmileEngine.Mode.PAPER;
        try (Grid g = new Grid(m, n, n, dx, Boundary.PERIODIC)) {
            g.copyFrom(diffuse);
            long before = OffHeap.liveBytes();
            try (LshSmileEngine e = new LshSmileEngine(model, g, dt, mode, 1e-3, 1e-3, 3 + j % 3, 2 + j % 7, j)) {
                long diffuseBytes = OffHeap.liveBytes() - before;
                g.copyFrom(sharp);
                e.setStepsDone(1); // re-encodes: new forest and records, tables cleared
                long sharpBytes = OffHeap.liveBytes() - before;
                e.step(2);
                g.copyFrom(diffuse);
                e.setStepsDone(0);
                return new LshBytes(mode == LshSmileEngine.Mode.VERIFIED, diffuseBytes, sharpBytes,
                    OffHeap.liveBytes() - before);
            }
        }
    }

    @Test
    void lshTablesGrowAndShrinkWithoutLeakingAcrossRuns() {
        int warm = Math.max(10, LSH_RUNS / 5); // the JIT's code cache is native memory: let it settle first
        Live baseline = Live.now();
        for (int j = 0; j < warm; j++) {
            lshRun(j);
        }
        assertBackTo(baseline, warm + " warm-up LSH runs");
        long rss0 = trimmedNativeRss();
        long vm0 = rssBytes();
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        int verified = 0;
        int shrank = 0;
        int grewAgain = 0;
        long peak = 0;
        for (int j = warm; j < warm + LSH_RUNS; j++) {
            LshBytes b = lshRun(j);
            if (b.verified()) {
                verified++;
                shrank += b.sharp() < b.diffuse() ? 1 : 0;
                grewAgain += b.diffuseAgain() > b.sharp() ? 1 : 0;
            }
            peak = Math.max(peak, Math.max(b.diffuse(), b.diffuseAgain()));
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double cpu = (cpuNanos() - cpu0) * 1e-9;
        long rss1 = trimmedNativeRss();
        long vm1 = rssBytes();
        System.out.printf(Locale.ROOT, "leak LSH runs: %d runs (+%d warm-up) in %.1f s (%.1f s CPU); verified-mode engines shrank on"
                + " re-encoding a sharp state in %d of %d runs and grew again in %d, peak %.1f MiB; live arenas %d -> %d,"
                + " live bytes %d -> %d; native RSS %.1f -> %.1f MiB (%+.1f MiB), VmRSS %.1f -> %.1f MiB%n", LSH_RUNS,
            warm, seconds, cpu, shrank, verified, grewAgain, mib(peak), baseline.arenas(), OffHeap.liveArenas(),
            baseline.bytes(), OffHeap.liveBytes(), mib(rss0), mib(rss1), mib(rss1 - rss0), mib(vm0), mib(vm1));
        assertBackTo(baseline, LSH_RUNS + " LSH runs");
        // paper-mode records keep no features, and its merges keep a diffuse state under the initial capacity
        assertEquals(verified, shrank, "every verified re-encoding on the sharp state gave memory back");
        assertEquals(verified, grewAgain, "every verified re-encoding on the diffuse state grew the records again");
        Assumptions.assumeTrue(rss0 > 0 && rss1 > 0, "no /proc/self/smaps here: resident memory not checked");
        assertRssFlat(rss1 - rss0, LSH_RUNS + " LSH runs");
    }

    // ---- failures mid-step and mid-construction -----------------------------------------------------------

    @Test
    void aBlowUpStoppedByGuardedRunReleasesEverything() {
        Live baseline = Live.now();
        GrainGrowth gg = P.grainGrowth(3, false);
        double[] init = GrainStates.voronoi(32, 32, 3, 3, 5, true).values();
        double dt = 40 * gg.stableDt(P.dx()); // far past the stability limit: infinity within a few steps
        for (int kind = 0; kind < 3; kind++) {
            int k = kind;
            try (Grid g = new Grid(3, 32, 32, P.dx(), Boundary.PERIODIC)) {
                g.copyFrom(init);
                try (Engine e = switch (k) {
                    case 0 -> new ExactEngine(gg, g, dt, KERNELS, 2, 0);
                    case 1 -> new ActiveSetEngine(gg, g, dt, KERNELS, 2, 0.0, 0);
                    default -> new LshSmileEngine(gg, g, dt, LshSmileEngine.Mode.VERIFIED, 1e-3, 1e-3, 3, 4, 1);
                }; GuardedRun run = new GuardedRun(e, 4)) {
                    NonFiniteStateException x = assertThrows(NonFiniteStateException.class, () -> run.advance(400),
                        "engine " + k);
                    assertTrue(run.steps() < 400, x.getMessage());
                }
            }
            assertBackTo(baseline, "engine " + kind + " stopped by a NaN");
        }
    }

    @Test
    void aFailingBandReleasesEverything() {
        Live baseline = Live.now();
        GrainGrowth real = P.grainGrowth(2, false);
        Model failing = new FailingModel(real);
        try (Grid g = new Grid(2, 64, 64, P.dx(), Boundary.PERIODIC);
             ExactEngine e = new ExactEngine(failing, g, P.dt(), KERNELS, 2, 0)) {
            IllegalStateException x = assertThrows(IllegalStateException.class, () -> e.step(10));
            assertTrue(x.getCause() instanceof ArithmeticException, "root cause kept: " + x.getCause());
        }
        assertBackTo(baseline, "a band thread failed");
    }

    /** Scalar projections that fail once {@code okCalls} calls (dot or project) have been made. */
    private static final class FailingProjections implements Projections {
        private final Projections real = ProjectionKernels.scalar();
        private final long okCalls;
        private long calls;

        FailingProjections(long okCalls) {
            this.okCalls = okCalls;
        }

        private void count() {
            if (calls++ == okCalls) {
                throw new ArithmeticException("projection failure");
            }
        }

        @Override public String name() {
            return "failing";
        }

        @Override public String description() {
            return "scalar, failing after some calls";
        }

        @Override public double dot(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d) {
            count();
            return real.dot(a, aIndex, x, xIndex, d);
        }

        @Override public void project(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x,
                                      int n, long dxs, double invR, MemorySegment outCodes) {
            count();
            real.project(a, b, rows, d, ds, x, n, dxs, invR, outCodes);
        }
    }

    @Test
    void anLshEngineFailingInItsConstructorOrMidStepReleasesEverything() {
        Live baseline = Live.now();
        GrainGrowth gg = P.grainGrowth(2, false);
        double[] init = GrainStates.voronoi(48, 48, 2, 2, 3, true).values();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < init.length; i++) {
            init[i] = 0.8 * init[i] + 0.2 * r.nextDouble(); // every cell active every step: projections each step
        }
        for (LshSmileEngine.Mode mode : LshSmileEngine.Mode.values()) {
            try (Grid g = new Grid(2, 48, 48, P.dx(), Boundary.PERIODIC)) {
                g.copyFrom(init);
                assertThrows(ArithmeticException.class, () -> new LshSmileEngine(gg, g, P.dt(), mode, 1e-3, 1e-3, 3,
                    4, 1, new FailingProjections(0)), mode + ": the constructor's encoding fails");
                assertBackTo(new Live(baseline.arenas() + 1, baseline.bytes() + Grid.bytesFor(2, 48, 48)),
                    mode + ": a constructor that threw");
                long encodeCalls;
                FailingProjections counting = new FailingProjections(Long.MAX_VALUE);
                try (LshSmileEngine e = new LshSmileEngine(gg, g, P.dt(), mode, 1e-3, 1e-3, 3, 4, 1, counting)) {
                    encodeCalls = counting.calls;
                    assertEquals(0, e.stepsDone());
                }
                g.copyFrom(init);
                int[] failedAt = {-1};
                try (LshSmileEngine e = new LshSmileEngine(gg, g, P.dt(), mode, 1e-3, 1e-3, 3, 4, 1,
                    new FailingProjections(encodeCalls + 3))) {
                    assertThrows(ArithmeticException.class, () -> {
                        for (int s = 0; s < 100; s++) {
                            failedAt[0] = s;
                            e.step(1);
                        }
                    }, mode + ": a step fails");
                }
                assertTrue(failedAt[0] >= 0 && failedAt[0] < 100, mode + " failed at step " + failedAt[0]);
            }
            assertBackTo(baseline, mode + ": an engine that failed mid-step");
        }
    }

    /** Grain growth whose dense step throws in every band but the first. */
    private static final class FailingModel implements Model {
        private final GrainGrowth real;

        FailingModel(GrainGrowth real) {
            this.real = real;
        }

        @Override public String name() {
            return "failing";
        }

        @Override public int fields() {
            return real.fields();
        }

        @Override public String fieldName(int f) {
            return real.fieldName(f);
        }

        @Override public Map<String, Double> parameters() {
            return real.parameters();
        }

        @Override public double stableDt(double dx) {
            return real.stableDt(dx);
        }

        @Override public long scratchDoubles(Grid g) {
            return real.scratchDoubles(g);
        }

        @Override public double freeEnergy(Grid g) {
            return real.freeEnergy(g);
        }

        @Override public void evalNew(double[] nb, double dt, double dx, long step, int y, int x, int nx,
                                      double[] out) {
            real.evalNew(nb, dt, dx, step, y, x, nx, out);
        }

        @Override public void stepRows(StencilKernels k, Grid g, double dt, long step, int from, int to,
                                       MemorySegment scratch) {
            if (from > g.rowStart() && step == 2) {
                throw new ArithmeticException("band failure");
            }
            real.stepRows(k, g, dt, step, from, to, scratch);
        }
    }
}
