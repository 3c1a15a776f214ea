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
 * every model with every kernel set on 1 and 2 threads, the engines (exact, active set, LSH-SMILE in both
 * modes) on whole grain-growth runs up to 2048^2 with their error against exact and their peak memory (each
 * run in its own JVM, {@link EngineRunJvm}), and the paper's Table 1 (each row in its own JVM,
 * {@link PaperTable}). Returns records; the CLI writes the report.
 *
 * <p>Noise: this is meant for shared machines. Every figure is the median of repeated samples with the
 * spread (min and max) beside it, and alternatives that are compared (the kernel sets of one case, the
 * engines of one case) are sampled in turn, A B C A B C ..., so a burst of background load hits them alike.
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
     * @param engineCases      cases of the engine runs, {@code 3grains:2048} or {@code poly:512}
     * @param engineSteps      steps of each engine run
     * @param engineSamples    runs of each engine and case (each in its own JVM), at least 1; a run stopped at the
     *                         limit is not repeated
     * @param engineWarmupSeconds each engine run's JVM repeats its warm-up (the engine on a small grid) until this
     *                         long has passed, so the timed run meets compiled code
     * @param engineMaxSeconds an LSH run stops after the step at which it has taken this long or is projected to
     *                         (0: no limit)
     * @param bandwidthBytes   buffer size of the bandwidth probe
     * @param sampleWork       element-steps per dense sample (steps = this / (fields x cells), 2..2000)
     * @param paper            fractions of the paper's Table 1 rows to run (null: skip the table)
     */
    public record Settings(boolean quick, int samples, int[] denseSizes, String[] engineCases, int engineSteps,
                           int engineSamples, double engineWarmupSeconds, double engineMaxSeconds,
                           long bandwidthBytes, long sampleWork, PaperFractions paper) {

        /** Checks the values. */
        public Settings {
            if (samples < 1 || engineSteps < 1 || engineSamples < 1 || bandwidthBytes < 4096) {
                throw new IllegalArgumentException("samples and engine steps must be >= 1, the probe >= 4096 bytes");
            }
            denseSizes = denseSizes.clone();
            engineCases = engineCases.clone();
            for (String c : engineCases) {
                String[] p = c.split(":");
                EngineMacroBenchmark.Case.of(p[0], Integer.parseInt(p[1])); // fails now on a bad label
            }
        }

        /**
         * The quick run (128^2 and 512^2, 5 samples of 20 ms at 1 ns per element-step, 30-step engine runs at
         * 128^2 sampled twice, Table 1 fractions) or the full run (up to 2048^2, 9 samples of 40 ms, 180-step
         * engine runs up to 2048^2 sampled 3 times, LSH stopped at 60 s).
         */
        public static Settings of(boolean quick) {
            // quick: 2 samples, each engine run costs a JVM start and a warm-up (~1 s), and quick must stay short
            return quick ? new Settings(true, 5, new int[] {128, 512}, new String[] {"3grains:128", "poly:128"},
                EngineMacroBenchmark.QUICK_STEPS, 2, QUICK_WARMUP_SECONDS, 20, 64L << 20, 20_000_000L, new PaperFractions(0.01, 0.0005,
                    0.002, 0.0003))
                // poly stops at 512^2: its LSH runs are stopped at the limit from 1024^2 on (10 steps > 60 s), and
                // 3 of them at 2048^2 would add minutes to learn only that
                : new Settings(false, 9, new int[] {128, 512, 2048}, new String[] {"3grains:128", "poly:128",
                    "3grains:512", "poly:512", "3grains:2048"}, EngineMacroBenchmark.DEFAULT_STEPS, 3, FULL_WARMUP_SECONDS, 60, 256L << 20,
                    40_000_000L, new PaperFractions(1, 0.01, 1, 0.002));
        }
    }

    /**
     * Warm-up of each quick engine run's JVM: measured here, 0.3 s left a 128^2 exact step at 0.29 ms (C2 still
     * compiling), 0.8 s gave 0.04 ms, the in-process figure.
     */
    public static final double QUICK_WARMUP_SECONDS = 0.8;
    /** Warm-up of each full engine run's JVM: the full warm-up grid is 256^2, so its first pass alone takes longer. */
    public static final double FULL_WARMUP_SECONDS = 1.5;

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

        /** No samples: every figure NaN. */
        public static final Figure NONE = new Figure(Double.NaN, Double.NaN, Double.NaN, 0);

        static Figure of(double[] v) {
            if (v.length == 0) {
                return NONE;
            }
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
     * One engine on one case: whole grain-growth runs (SIMD kernels; exact and active on 2 threads, LSH on one),
     * each in its own JVM, repeated; the figures are over the runs (samples).
     *
     * @param caseLabel        {@code 3grains:128} (3 grains, Q = 3) or {@code poly:128} (Q = 8, ~1000 cells per
     *                         grain)
     * @param totalSeconds     the run, encoding (LSH) and setup included (NaN figure when stopped)
     * @param steadyMs         mean ms per step over the last steps
     * @param ratio            totalSeconds over the exact engine's total of the same round (A B C A B C ...)
     * @param buckets          LSH buckets at the end (-1 for the dense engines)
     * @param maxError         max |state - exact state| at the end (NaN when stopped or exact failed)
     * @param stoppedAfter     steps done when the run was stopped at its time limit, else -1
     * @param projectedSeconds a stopped run's projected total from the steps it did (NaN if none ran)
     * @param peakRssMb        peak resident memory (VmHWM) of the run's JVM, restarted after its warm-up
     * @param stateMb          the state's size (the harness holds one copy of it besides the engine's grid)
     * @param error            why a run failed, or null
     * @param peakRssRunOnly   whether VmHWM could be restarted after the warm-up in every run (else the peak may
     *                         be the warm-up's)
     */
    public record EngineRun(String caseLabel, String engine, int steps, int threads, Figure totalSeconds,
                            Figure steadyMs, Figure ratio, int buckets, double maxError, double meanError,
                            int stoppedAfter, double projectedSeconds, Figure peakRssMb, double stateMb,
                            String error, boolean peakRssRunOnly) {
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
        List<EngineRun> runs = engines(s, progress, log);
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
        for (int i = 0; i < PAPER_ROWS.length; i++) {
            String row = PAPER_ROWS[i][0];
            String engine = PAPER_ROWS[i][1];
            boolean learn = row.startsWith("gg-learn");
            boolean lsh = engine.startsWith("lsh");
            double fraction = learn ? (lsh ? f.lshLearn() : f.learn()) : (lsh ? f.lsh() : f.dense());
            out.add(runRow(javaCommand(PaperTable.class, row, engine, Double.toString(fraction)), row, engine,
                fraction));
            progress.update("Table 1: " + row + " " + engine, 0.8 + 0.2 * (i + 1) / PAPER_ROWS.length);
        }
        return out;
    }

    /**
     * The command that runs {@code main} with {@code args} in a new JVM like this one: its binary, class path,
     * the Vector API module, native access, and the native library property if set.
     */
    static List<String> javaCommand(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
            "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        String lib = System.getProperty("lshsmile.native.lib");
        if (lib != null) {
            cmd.add("-Dlshsmile.native.lib=" + lib);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * What a JVM started by {@link #runJvm} printed: its last line starting with a brace (one JSON object), or
     * why there is none.
     *
     * @param json  the JSON line, or null
     * @param error the exit code and the exception's line, or null
     */
    record JvmResult(String json, String error) {
    }

    /** Runs a command from {@link #javaCommand} and reads its JSON line; a failure becomes the error. */
    static JvmResult runJvm(List<String> cmd) {
        try {
            // stderr merged into stdout: one pipe to drain, the JSON line is told apart by its brace
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // drained on another thread, so the timeout below holds even when the child hangs with its pipe open
            java.util.concurrent.CompletableFuture<String> text = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return e.toString();
                    }
                }, Thread::startVirtualThread);
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new JvmResult(null, "timed out after 30 minutes");
            }
            String outText = text.join();
            String line = outText.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
            if (p.exitValue() != 0 || line == null) {
                // the exception's own line says what went wrong; the stack under it does not
                String e = outText.lines().filter(l -> l.contains("Exception") || l.contains("Error:")).findFirst()
                    .orElse(outText.lines().filter(l -> !l.startsWith("WARNING")).reduce((a, b) -> b).orElse(""));
                return new JvmResult(null, "exit " + p.exitValue() + ": " + e);
            }
            return new JvmResult(line, null);
        } catch (IOException e) {
            return new JvmResult(null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new JvmResult(null, "interrupted");
        }
    }

    /** Runs one row's command and reads its JSON line; a failure becomes the row's error. */
    static PaperRow runRow(List<String> cmd, String row, String engine, double fraction) {
        JvmResult r = runJvm(cmd);
        if (r.error() != null) {
            return new PaperRow(row, engine, fraction, 0, Double.NaN, Double.NaN, Double.NaN, r.error());
        }
        String line = r.json();
        return new PaperRow(row, engine, fraction, (int) number(line, "units"), number(line, "measured_s"),
            number(line, "projected_s"), number(line, "peak_rss_mb"), null);
    }

    /** One engine run's JSON line from {@link EngineRunJvm}, or its error. */
    private record Sample(String json, String error) {
        double get(String key) {
            return json == null ? Double.NaN : number(json, key);
        }

        boolean stopped() {
            return json != null && get("stopped_after") >= 0;
        }

        boolean complete() {
            return json != null && !stopped();
        }
    }

    /**
     * The engine section: every engine on every case, each run in its own JVM ({@link EngineRunJvm}) for its own
     * peak memory, in rounds (every case and engine once, then again), so a burst of load hits the engines of a
     * round alike and each ratio to exact is taken within a round. The exact run of the first round stores its
     * final state in a temporary file, the reference of the others' errors. A run stopped at the limit, or failed,
     * is not repeated.
     */
    static List<EngineRun> engines(Settings s, Progress progress, PrintStream log) {
        String kernels = Kernels.simd().isPresent() ? "simd" : "scalar";
        String[] cases = s.engineCases();
        List<EngineMacroBenchmark.EngineSpec> engines = EngineMacroBenchmark.ENGINES;
        int maxSize = 16;
        for (String c : cases) {
            maxSize = Math.max(maxSize, Integer.parseInt(c.split(":")[1]));
        }
        // full: warm up on 256^2, where the dense engines take their two-band path; quick: 128^2, shorter
        int warmupSize = Math.min(s.quick() ? 128 : EngineMacroBenchmark.DEFAULT_WARMUP_SIZE, maxSize);
        int warmupSteps = s.quick() ? EngineMacroBenchmark.QUICK_WARMUP_STEPS : EngineMacroBenchmark.DEFAULT_WARMUP_STEPS;
        List<List<List<Sample>>> samples = new ArrayList<>();
        List<List<List<Double>>> ratios = new ArrayList<>();
        for (int ci = 0; ci < cases.length; ci++) {
            samples.add(new ArrayList<>());
            ratios.add(new ArrayList<>());
            for (int ei = 0; ei < engines.size(); ei++) {
                samples.get(ci).add(new ArrayList<>());
                ratios.get(ci).add(new ArrayList<>());
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("lshsmile-bench-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("a temporary directory for the reference states", e);
        }
        int total = s.engineSamples() * cases.length * engines.size();
        int done = 0;
        try {
            for (int round = 0; round < s.engineSamples(); round++) {
                for (int ci = 0; ci < cases.length; ci++) {
                    Path ref = dir.resolve(cases[ci].replace(':', '-') + ".f64");
                    double exactTotal = Double.NaN;
                    for (int ei = 0; ei < engines.size(); ei++) {
                        List<Sample> mine = samples.get(ci).get(ei);
                        done++;
                        if (round > 0 && !mine.get(0).complete()) {
                            continue; // stopped at the limit or failed: once is enough
                        }
                        String name = engines.get(ei).name();
                        String mode = ei == 0 ? (round == 0 ? "write" : "none") : "read";
                        JvmResult r = runJvm(javaCommand(EngineRunJvm.class, cases[ci], name,
                            Integer.toString(s.engineSteps()), "2", kernels, Double.toString(s.engineMaxSeconds()),
                            Integer.toString(warmupSteps), Integer.toString(warmupSize),
                            Double.toString(s.engineWarmupSeconds()), ref.toString(), mode));
                        Sample x = new Sample(r.json(), r.error());
                        mine.add(x);
                        log.printf(Locale.ROOT, "engine %s %s round %d: %s%n", cases[ci], name, round,
                            r.json() != null ? r.json() : r.error());
                        if (ei == 0) {
                            exactTotal = x.get("total_s");
                        }
                        if (x.complete() && !Double.isNaN(exactTotal)) {
                            ratios.get(ci).get(ei).add(x.get("total_s") / exactTotal);
                        }
                        progress.update("engines: " + cases[ci] + " " + name + ", sample " + (round + 1),
                            0.6 + 0.2 * done / total);
                    }
                }
            }
        } finally {
            for (String c : cases) {
                try {
                    Files.deleteIfExists(dir.resolve(c.replace(':', '-') + ".f64"));
                } catch (IOException e) {
                    // a temporary file: the system's cleaner takes it
                }
            }
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // as above
            }
        }
        List<EngineRun> out = new ArrayList<>();
        for (int ci = 0; ci < cases.length; ci++) {
            for (int ei = 0; ei < engines.size(); ei++) {
                out.add(aggregate(cases[ci], engines.get(ei).name(), s.engineSteps(), samples.get(ci).get(ei),
                    ratios.get(ci).get(ei)));
            }
        }
        return out;
    }

    /** One engine and case over its samples. */
    private static EngineRun aggregate(String caseLabel, String engine, int steps, List<Sample> ss,
                                       List<Double> ratios) {
        List<Sample> ok = ss.stream().filter(x -> x.json() != null).toList();
        if (ok.isEmpty()) {
            return new EngineRun(caseLabel, engine, steps, 0, Figure.NONE, Figure.NONE, Figure.NONE, -1, Double.NaN,
                Double.NaN, -1, Double.NaN, Figure.NONE, Double.NaN, ss.get(0).error(), false);
        }
        Sample first = ok.get(0);
        List<Sample> complete = ok.stream().filter(Sample::complete).toList();
        double maxError = Double.NaN;
        double meanError = Double.NaN;
        for (Sample x : complete) {
            // errors are the same in every round (every engine is deterministic); the largest, should one differ
            if (!Double.isNaN(x.get("max_abs_error")) && !(x.get("max_abs_error") <= maxError)) {
                maxError = x.get("max_abs_error");
                meanError = x.get("mean_abs_error");
            }
        }
        String failed = ss.stream().map(Sample::error).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        return new EngineRun(caseLabel, engine, steps, (int) first.get("threads"),
            Figure.of(complete.stream().mapToDouble(x -> x.get("total_s")).toArray()),
            Figure.of(complete.stream().mapToDouble(x -> x.get("steady_ms")).toArray()),
            Figure.of(ratios.stream().mapToDouble(Double::doubleValue).toArray()), (int) first.get("buckets"),
            maxError, meanError, (int) first.get("stopped_after"), first.stopped() ? first.get("projected_s") : Double.NaN,
            Figure.of(ok.stream().mapToDouble(x -> x.get("peak_rss_mb")).toArray()), first.get("state_mb"),
            failed, ok.stream().allMatch(x -> x.json().contains("\"peak_rss_reset\": true")));
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

    /**
     * Copy bandwidth (read + write bytes per second) of a buffer split across threads, copied with vector loads
     * and ordinary stores as the dense kernels write ({@link StreamCopyBenchmark#vectorCopy}): a
     * {@code MemorySegment.copy} of a buffer this large runs at the speed of streaming stores, which skip the
     * read of each destination line that the kernels' stores pay, so it would understate their bound.
     */
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
                    fs.add(pool.submit(() -> ordinaryCopy(a, b, off, off + len)));
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

    /** Bytes [from, to) of a into b with ordinary stores: Vector API loads and stores, or longs without it. */
    private static void ordinaryCopy(MemorySegment a, MemorySegment b, long from, long to) {
        if (Kernels.simd().isPresent()) {
            StreamCopyBenchmark.vectorCopy(a, b, from, to);
            return;
        }
        for (long i = from; i < to; i += Long.BYTES) {
            b.set(java.lang.foreign.ValueLayout.JAVA_LONG, i, a.get(java.lang.foreign.ValueLayout.JAVA_LONG, i));
        }
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
