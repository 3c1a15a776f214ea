package org.lshsmile.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * The macro suite behind {@code lshsmile bench}: the machine, a memory-bandwidth probe, the dense step of
 * every model with every kernel set on 1 and 2 threads, and the engines (exact, active set, LSH-SMILE in
 * both modes) on whole grain-growth runs with their error against exact. Returns records; the CLI writes
 * the report.
 *
 * <p>Noise: this is meant for shared machines. Every figure is the median of repeated samples with the
 * spread (min and max) beside it, and alternatives that are compared (the kernel sets of one case) are
 * sampled in turn, A B C A B C ..., so a burst of background load hits them alike.
 */
public final class BenchSuite {

    private BenchSuite() {
    }

    /**
     * What to run.
     *
     * @param quick            the small version (under 3 minutes on 2 cores)
     * @param samples          samples per figure (the median is reported), at least 1
     * @param denseSizes       grid sides of the dense cases
     * @param engineSizes      grid sides of the engine runs
     * @param engineSteps      steps of each engine run
     * @param engineMaxSeconds a run of one engine stops after this long (0: no limit)
     * @param bandwidthBytes   buffer size of the bandwidth probe
     * @param sampleWork       element-steps per dense sample (steps = this / (fields x cells), 2..2000)
     * @param paper            fractions of the paper's Table 1 rows to run (null: skip the table)
     */
    public record Settings(boolean quick, int samples, int[] denseSizes, int[] engineSizes, int engineSteps,
                           double engineMaxSeconds, long bandwidthBytes, long sampleWork, PaperFractions paper) {

        /** Checks the values. */
        public Settings {
            if (samples < 1 || engineSteps < 1 || bandwidthBytes < 4096) {
                throw new IllegalArgumentException("samples and engine steps must be >= 1, the probe >= 4096 bytes");
            }
            denseSizes = denseSizes.clone();
            engineSizes = engineSizes.clone();
        }

        /**
         * The quick run (128^2 and 512^2, 5 samples of 20 ms at 1 ns per element-step, 30-step engine runs at
         * 128^2, Table 1 fractions) or the full run (up to 2048^2, 9 samples of 40 ms, 180-step engine runs).
         */
        public static Settings of(boolean quick) {
            return quick ? new Settings(true, 5, new int[] {128, 512}, new int[] {128},
                EngineMacroBenchmark.QUICK_STEPS, 20, 64L << 20, 20_000_000L, new PaperFractions(0.01, 0.0005, 0.002,
                    0.0003))
                : new Settings(false, 9, new int[] {128, 512, 2048}, new int[] {128, 512},
                    EngineMacroBenchmark.DEFAULT_STEPS, 60, 256L << 20, 40_000_000L, new PaperFractions(1, 0.01, 1,
                        0.002));
        }
    }

    /**
     * Fractions of the 17,000 rollouts (or pair gradients) of each Table 1 row that run; the time is
     * projected linearly to the whole row.
     *
     * @param dense     exact and active simulation rows
     * @param lsh       LSH-SMILE simulation rows
     * @param learn     exact-forward learning rows
     * @param lshLearn  LSH-forward learning rows
     */
    public record PaperFractions(double dense, double lsh, double learn, double lshLearn) {
    }

    /**
     * One row of the paper's Table 1 as {@link PaperTable} measured it in its own JVM.
     *
     * @param row        gg-sim, nn-sim, gg-learn-30 or gg-learn-10
     * @param fraction   of the row's 17,000 units that ran
     * @param measuredS  time of the units that ran
     * @param projectedS measuredS scaled to the whole row
     * @param peakRssMb  the JVM's peak resident memory (all 1700 frames are held in every case)
     * @param error      why the row failed, or null
     */
    public record PaperRow(String row, String engine, double fraction, int units, double measuredS,
                           double projectedS, double peakRssMb, String error) {
    }

    /** Median and spread of a figure's samples. */
    public record Figure(double median, double min, double max, int samples) {

        static Figure of(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            int n = s.length;
            double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            return new Figure(med, s[0], s[n - 1], n);
        }
    }

    /** The machine the suite ran on. */
    public record Machine(String cpu, int cores, Map<String, String> caches, String jdk, String vector,
                          String nativeLibrary, String os) {
    }

    /** Copy bandwidth of a buffer much larger than the caches. */
    public record Bandwidth(int threads, long bytes, Figure gbPerSecond) {
    }

    /**
     * One dense case: a model's exact step with one kernel set.
     *
     * @param model           grain-growth (Q = 8), cahn-hilliard, nanovoid-literal, nanovoid-conservative
     * @param bytesPerStep    state bytes read plus written per step (the roofline's traffic)
     * @param msPerStep       ms per step
     * @param nsPerElementStep ns per element-step (a value of a field of a cell, one step)
     * @param rooflineMs      bytesPerStep at the probe's copy bandwidth for the same threads
     */
    public record Dense(String model, int size, int threads, String kernels, long bytesPerStep, Figure msPerStep,
                        double nsPerElementStep, double rooflineMs) {
    }

    /**
     * One whole grain-growth run of one engine (SIMD kernels; exact and active on 2 threads, LSH on one).
     *
     * @param caseLabel    {@code 3grains:128} (3 grains, Q = 3) or {@code poly:128} (Q = 8, ~1000 cells per grain)
     * @param totalSeconds the run, encoding (LSH) and setup included
     * @param steadyMs     mean ms per step over the last steps
     * @param ratio        totalSeconds over the exact engine's on the same case
     * @param buckets      LSH buckets at the end (-1 for the dense engines)
     * @param maxError     max |state - exact state| at the end
     * @param stoppedAfter steps done when a run was stopped at its time limit, else -1
     */
    public record EngineRun(String caseLabel, String engine, int steps, int threads, double totalSeconds,
                            double steadyMs, double ratio, int buckets, double maxError, double meanError,
                            int stoppedAfter) {
    }

    /** Everything one run measured. */
    public record Results(Settings settings, Machine machine, List<Bandwidth> bandwidth, List<Dense> dense,
                          List<EngineRun> engines, List<PaperRow> paper, double seconds) {
    }

    /** Receives one line of progress per finished figure. */
    @FunctionalInterface
    public interface Progress {
        /** A finished figure, and the fraction of the suite done. */
        void update(String what, double fraction);
    }

    /** Runs the suite. */
    public static Results run(Settings s, Progress progress, PrintStream log) {
        long t0 = System.nanoTime();
        Machine m = machine();
        List<Bandwidth> bw = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            bw.add(bandwidth(threads, s.bandwidthBytes(), s.samples()));
            progress.update("bandwidth " + threads + " thread(s)", 0.05 * threads);
        }
        List<Dense> dense = dense(s, bw, progress);
        int steps = s.engineSteps();
        List<EngineMacroBenchmark.Case> cases = new ArrayList<>();
        for (int size : s.engineSizes()) {
            cases.add(EngineMacroBenchmark.Case.of("3grains", size));
            cases.add(EngineMacroBenchmark.Case.of("poly", size));
        }
        EngineMacroBenchmark.Options o = new EngineMacroBenchmark.Options(cases, EngineMacroBenchmark.ENGINES, steps,
            2, Kernels.simd().isPresent() ? "simd" : "scalar", s.engineMaxSeconds(), s.quick()
                ? EngineMacroBenchmark.QUICK_WARMUP_STEPS : EngineMacroBenchmark.DEFAULT_WARMUP_STEPS,
            Math.min(128, Arrays.stream(s.engineSizes()).max().orElse(128)), 10);
        List<EngineRun> runs = new ArrayList<>();
        for (EngineMacroBenchmark.Row r : EngineMacroBenchmark.measure(o, log)) {
            runs.add(new EngineRun(r.c().label(), r.engine().name(), r.steps(), r.threads(), r.totalSeconds(),
                r.steadyMs(), r.ratio(), r.buckets(), r.maxError(), r.meanError(), r.skippedAfter()));
        }
        progress.update("engines", 0.8);
        List<PaperRow> paper = s.paper() == null ? List.of() : paper(s.paper(), progress);
        progress.update("done", 1.0);
        return new Results(s, m, bw, dense, runs, paper, (System.nanoTime() - t0) * 1e-9);
    }

    private static final String[][] PAPER_ROWS = {
        {"gg-sim", "exact"}, {"gg-sim", "active"}, {"gg-sim", "lsh-verified"}, {"gg-sim", "lsh-paper"},
        {"nn-sim", "exact"}, {"nn-sim", "active"}, {"nn-sim", "lsh-verified"}, {"nn-sim", "lsh-paper"},
        {"gg-learn-30", "exact"}, {"gg-learn-30", "lsh-verified"}, {"gg-learn-10", "exact"},
        {"gg-learn-10", "lsh-verified"}};

    /** Each Table 1 row in its own JVM (this JVM's binary and class path), for its own peak memory. */
    static List<PaperRow> paper(PaperFractions f, Progress progress) {
        List<PaperRow> out = new ArrayList<>();
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int i = 0; i < PAPER_ROWS.length; i++) {
            String row = PAPER_ROWS[i][0];
            String engine = PAPER_ROWS[i][1];
            boolean learn = row.startsWith("gg-learn");
            boolean lsh = engine.startsWith("lsh");
            double fraction = learn ? (lsh ? f.lshLearn() : f.learn()) : (lsh ? f.lsh() : f.dense());
            List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
            String lib = System.getProperty("lshsmile.native.lib");
            if (lib != null) {
                cmd.add("-Dlshsmile.native.lib=" + lib);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PaperTable.class.getName(), row, engine,
                Double.toString(fraction)));
            out.add(runRow(cmd, row, engine, fraction));
            progress.update("Table 1: " + row + " " + engine, 0.8 + 0.2 * (i + 1) / PAPER_ROWS.length);
        }
        return out;
    }

    /** Runs one row's command and reads its JSON line; a failure becomes the row's error. */
    static PaperRow runRow(List<String> cmd, String row, String engine, double fraction) {
        try {
            // stderr merged into stdout: one pipe to drain, the JSON line is told apart by its brace
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String outText = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new PaperRow(row, engine, fraction, 0, Double.NaN, Double.NaN, Double.NaN, "timed out");
            }
            String line = outText.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
            if (p.exitValue() != 0 || line == null) {
                // the exception's own line says what went wrong; the stack under it does not
                String e = outText.lines().filter(l -> l.contains("Exception") || l.contains("Error:")).findFirst()
                    .orElse(outText.lines().filter(l -> !l.startsWith("WARNING")).reduce((a, b) -> b).orElse(""));
                return new PaperRow(row, engine, fraction, 0, Double.NaN, Double.NaN, Double.NaN, "exit "
                    + p.exitValue() + ": " + e);
            }
            return new PaperRow(row, engine, fraction, (int) number(line, "units"), number(line, "measured_s"),
                number(line, "projected_s"), number(line, "peak_rss_mb"), null);
        } catch (IOException e) {
            return new PaperRow(row, engine, fraction, 0, Double.NaN, Double.NaN, Double.NaN, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PaperRow(row, engine, fraction, 0, Double.NaN, Double.NaN, Double.NaN, "interrupted");
        }
    }

    /** A number from PaperTable's one-line JSON. */
    static double number(String json, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\": ([-+0-9.eE]+|NaN)")
            .matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The machine, from /proc and /sys where they exist. */
    static Machine machine() {
        String cpu = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's view below still holds
        }
        Map<String, String> caches = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            Path d = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
            try {
                String level = Files.readString(d.resolve("level")).strip();
                String type = Files.readString(d.resolve("type")).strip();
                String size = Files.readString(d.resolve("size")).strip();
                caches.put("L" + level + (type.equals("Data") ? "d" : type.equals("Instruction") ? "i" : ""), size);
            } catch (IOException | RuntimeException e) {
                break;
            }
        }
        String vector = Kernels.simd().map(StencilKernels::description).orElse("none: " + Kernels.vectorUnavailableReason());
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), caches,
            System.getProperty("java.vm.name") + " " + Runtime.version(), vector,
            KernelSets.nativeLibrary().description(), System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
    }

    /** Copy bandwidth (read + write bytes per second) of a buffer split across threads. */
    static Bandwidth bandwidth(int threads, long bytes, int samples) {
        double[] gb = new double[samples];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocate(bytes, 64);
            MemorySegment b = arena.allocate(bytes, 64);
            a.fill((byte) 1);
            b.fill((byte) 2);
            long part = bytes / threads / 64 * 64;
            for (int i = -1; i < samples; i++) {
                long t = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (int k = 0; k < threads; k++) {
                    long off = k * part;
                    long len = k == threads - 1 ? bytes - off : part;
                    fs.add(pool.submit(() -> MemorySegment.copy(a, off, b, off, len)));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                double s = (System.nanoTime() - t) * 1e-9;
                if (i >= 0) { // the first pass faults the pages in: not a sample
                    gb[i] = 2.0 * bytes / s / 1e9;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Bandwidth(threads, bytes, Figure.of(gb));
    }

    private static final String[] MODELS = {"grain-growth", "cahn-hilliard", "nanovoid-literal",
        "nanovoid-conservative"};

    /** The dense cases: per model, size and threads, the kernel sets sampled in turn. */
    static List<Dense> dense(Settings s, List<Bandwidth> bw, Progress progress) {
        List<String> kernelNames = new ArrayList<>(List.of("scalar"));
        if (Kernels.simd().isPresent()) {
            kernelNames.add("simd");
        }
        if (KernelSets.nativeStencils().isPresent()) {
            kernelNames.add("native");
        }
        int[] sizes = s.denseSizes();
        List<Dense> out = new ArrayList<>();
        int total = MODELS.length * sizes.length * 2;
        int done = 0;
        for (String model : MODELS) {
            ModelStepBenchmark.Kind kind = ModelStepBenchmark.Kind.parse(model);
            for (int n : sizes) {
                ModelStepBenchmark.Problem p = ModelStepBenchmark.problemFor(kind, n);
                int m = p.model().fields();
                long elements = (long) m * n * n;
                // sampleWork element-steps per sample (40 ms at 1 ns per element-step), at least 2 steps
                int steps = (int) Math.max(2, Math.min(2000, s.sampleWork() / elements));
                for (int threads : new int[] {1, 2}) {
                    double[][] ms = new double[kernelNames.size()][s.samples()];
                    for (int i = -1; i < s.samples(); i++) {
                        for (int k = 0; k < kernelNames.size(); k++) {
                            double v = time(p, n, kernelNames.get(k), threads, steps);
                            if (i >= 0) {
                                ms[k][i] = v;
                            }
                        }
                    }
                    long bytes = 2L * elements * Double.BYTES;
                    double roof = bytes / (bw.get(threads - 1).gbPerSecond().median() * 1e9) * 1e3;
                    for (int k = 0; k < kernelNames.size(); k++) {
                        Figure f = Figure.of(ms[k]);
                        out.add(new Dense(model, n, threads, kernelNames.get(k), bytes, f,
                            f.median() * 1e6 / elements, roof));
                    }
                    done++;
                    progress.update(model + " " + n + "^2, " + threads + " thread(s)", 0.1 + 0.5 * done / total);
                }
            }
        }
        return out;
    }

    /** ms per step of {@code steps} exact steps from the problem's state (a fresh grid, so no sample warms the next). */
    private static double time(ModelStepBenchmark.Problem p, int n, String kernels, int threads, int steps) {
        StencilKernels k = kernels.equals("native") ? KernelSets.nativeStencils().orElseThrow() : Kernels.byName(kernels);
        try (Grid g = new Grid(p.model().fields(), n, n, p.dx(), Boundary.PERIODIC)) {
            g.copyFrom(p.initial());
            try (ExactEngine e = new ExactEngine(p.model(), g, p.dt(), k, threads, 0)) {
                e.step(1); // first touch and JIT of this path are not part of the sample
                long t = System.nanoTime();
                e.step(steps);
                return (System.nanoTime() - t) * 1e-6 / steps;
            }
        }
    }
}
