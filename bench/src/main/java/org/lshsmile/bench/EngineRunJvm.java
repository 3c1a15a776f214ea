package org.lshsmile.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * One engine run of {@link BenchSuite}'s engine section, in its own JVM (started by
 * {@link BenchSuite#runJvm}, as the Table 1 rows of {@link PaperTable} are), so that its peak resident memory
 * ({@code VmHWM}) is its own; prints one JSON line.
 *
 * <p>Arguments: {@code CASE ENGINE STEPS THREADS KERNELS MAX_SECONDS WARMUP_STEPS WARMUP_SIZE WARMUP_SECONDS
 * REFERENCE MODE}:
 * a case label of {@link EngineMacroBenchmark} ({@code 3grains:2048}), an engine name of
 * {@link EngineMacroBenchmark#ENGINES}, the run's settings (MAX_SECONDS 0: no limit; the warm-up of
 * WARMUP_STEPS on WARMUP_SIZE^2 is repeated until WARMUP_SECONDS have passed), a file of raw
 * little-endian doubles, and {@code write} (store this run's final state there: the exact run),
 * {@code read} (the error columns against it) or {@code none} (no error columns).
 *
 * <p>The run is {@link EngineMacroBenchmark}'s: the engine warms up on a small grid first, then runs once from
 * the case's Voronoi state, the LSH engine stopped at the limit. After the warm-up a full GC runs and the peak
 * (VmHWM) is restarted at the current resident set ({@code peak_rss_reset}); it is read right after the run,
 * before the reference is mapped, so it is the JVM, the harness's one copy of the state and the engine with its
 * grid.
 */
public final class EngineRunJvm {

    private EngineRunJvm() {
    }

    /** Runs and prints the JSON line; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length != 11) {
            System.err.println("usage: EngineRunJvm CASE ENGINE STEPS THREADS KERNELS MAX_SECONDS WARMUP_STEPS"
                + " WARMUP_SIZE WARMUP_SECONDS REFERENCE write|read|none");
            System.exit(2);
        }
        String[] kindSize = args[0].split(":");
        EngineMacroBenchmark.Case c = EngineMacroBenchmark.Case.of(kindSize[0], Integer.parseInt(kindSize[1]));
        EngineMacroBenchmark.EngineSpec e = EngineMacroBenchmark.ENGINES.stream()
            .filter(x -> x.name().equals(args[1])).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown engine " + args[1]));
        int steps = Integer.parseInt(args[2]);
        double maxSeconds = Double.parseDouble(args[5]);
        EngineMacroBenchmark.Options o = new EngineMacroBenchmark.Options(List.of(c), List.of(e), steps,
            Integer.parseInt(args[3]), args[4], maxSeconds, Integer.parseInt(args[6]), Integer.parseInt(args[7]),
            steps);
        double warmupSeconds = Double.parseDouble(args[8]);
        Path reference = Path.of(args[9]);
        String mode = args[10];
        if (!List.of("write", "read", "none").contains(mode)) {
            throw new IllegalArgumentException("mode must be write, read or none, got " + mode);
        }
        StencilKernels k = Kernels.byName(o.kernels());
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        // a fresh JVM: one short warm-up leaves a 30-step run timing the interpreter and C1 (3 ms per 128^2 step
        // instead of 0.1), so the warm-up repeats until the hot paths had time to reach C2
        long w0 = System.nanoTime();
        do {
            // this engine only: an LSH run's JVM never runs exact, so warming exact would only take LSH's time
            EngineMacroBenchmark.warmUp(o, k, quiet, false);
        } while (o.warmupSteps() > 0 && (System.nanoTime() - w0) * 1e-9 < warmupSeconds);
        // the warm-up's garbage (a state per pass) is not the run's: collect it, wait for G1 to hand the freed heap
        // back (it uncommits concurrently, 100-200 ms here), then restart the high-water mark, so the peak below is
        // the run's
        System.gc();
        settle();
        boolean reset = resetPeakRss();
        // one array for the initial and the final state: the harness adds one state to the peak, not two
        double[] state = GrainStates.voronoi(c.size(), c.size(), c.grains(), c.q(), EngineMacroBenchmark.SEED, true)
            .values();
        EngineMacroBenchmark.Row r = EngineMacroBenchmark.runOne(c, e, o, k, state, state, null, 0, maxSeconds > 0,
            quiet);
        double peak = PaperTable.peakRssMb();
        double[] err = {Double.NaN, Double.NaN};
        if (!r.skipped()) {
            if (mode.equals("write")) {
                write(state, reference);
                err = new double[] {0, 0};
            } else if (mode.equals("read")) {
                err = errors(state, reference);
            }
        }
        System.out.printf(Locale.ROOT, "{\"case\": \"%s\", \"engine\": \"%s\", \"steps\": %d, \"threads\": %d,"
                + " \"total_s\": %s, \"setup_s\": %s, \"early_ms\": %s, \"steady_ms\": %s, \"buckets\": %d,"
                + " \"max_abs_error\": %s, \"mean_abs_error\": %s, \"stopped_after\": %d, \"projected_s\": %s,"
                + " \"peak_rss_mb\": %.1f, \"peak_rss_reset\": %b, \"state_mb\": %.1f}%n", c.label(), e.name(), steps,
            r.threads(),
            num(r.totalSeconds()), num(r.setupSeconds()), num(r.earlyMs()), num(r.steadyMs()), r.buckets(),
            num(err[0]), num(err[1]), r.skippedAfter(), num(r.projectedSeconds()), peak, reset,
            state.length * 8.0 / (1 << 20));
    }

    /**
     * Restarts VmHWM at the current resident set (Linux >= 4.0: "5" into /proc/self/clear_refs); false where that
     * is not possible, and the peak then includes the warm-up.
     */
    static boolean resetPeakRss() {
        try {
            java.nio.file.Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Waits (200 ms to 1 s) until the resident set stops shrinking by more than 1 MB per 50 ms. */
    private static void settle() {
        long prev = rssKb();
        for (int i = 0; i < 20; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = rssKb();
            if (i >= 3 && now > prev - 1024) {
                return;
            }
            prev = now;
        }
    }

    /** VmRSS in kB; 0 where /proc is absent. */
    private static long rssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }

    /** Writes the doubles to {@code file} (raw, little-endian), replacing it. */
    static void write(double[] v, Path file) throws IOException {
        try (Arena a = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) v.length * Double.BYTES, a);
            MemorySegment.copy(v, 0, m, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0,
                v.length);
        }
    }

    /** {max, mean} of |v - file's doubles|; NaN for both when the file is missing or of another length. */
    static double[] errors(double[] v, Path file) throws IOException {
        if (!java.nio.file.Files.isRegularFile(file) || java.nio.file.Files.size(file) != (long) v.length * 8) {
            return new double[] {Double.NaN, Double.NaN};
        }
        ValueLayout.OfDouble le = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        try (Arena a = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) v.length * Double.BYTES, a);
            double max = 0;
            double sum = 0;
            for (int i = 0; i < v.length; i++) {
                double d = Math.abs(v[i] - m.getAtIndex(le, i));
                max = Math.max(max, d);
                sum += d;
            }
            return new double[] {max, sum / v.length};
        }
    }
}
