package org.lshsmile.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * Macro benchmark of whole grain-growth runs (issue 4): for each case, one run of each engine (exact,
 * active set, LSH-SMILE verified and paper) from the same periodic Voronoi state, preset {@code paper}
 * (dx = 1), reporting the setup (LSH encoding) time, per-step times early and steady, the total wall
 * time, the final bucket count and the error against the exact engine's final state. A second table
 * splits each LSH run's time into the phases of {@link LshSmileEngine.StepStats}.
 *
 * <p>A plain {@code main}, not JMH: each configuration is a single run of a fixed number of steps whose
 * first steps (encoding, interfaces still sharp, many active buckets) cost differently from the later
 * ones, and that transient is part of what is measured; JMH's repeated steady-state iterations would
 * either average it away or restart it. The JIT is warmed up instead by running every selected engine for
 * a few untimed steps on a {@value #DEFAULT_WARMUP_SIZE}^2 grid of every selected case kind first.
 *
 * <p>The dense engines are driven by one {@code step(1)} call per step with {@link System#nanoTime()}
 * around it; LSH by {@code step(N)} calls, N = {@code --lsh-chunk} (default: the whole run in one call,
 * which writes the buckets back to the grid once, as {@code simulate --every} does at a snapshot; with
 * {@code --max-seconds} the step listener checks the limit after every step and stops the run there). The total is the
 * wall clock of the constructor and all the calls. The per-step columns are the wall times for the dense
 * engines and, for LSH, the step listener's {@link LshSmileEngine.StepStats#totalNanos()} (its phases;
 * it leaves out the write-back, which is in the second table's "other").
 * The exact engine runs first in every case (it is always run, whatever {@code --engines} says): its
 * final state is the reference for the error columns and its total the denominator of the ratio.
 *
 * <p>Flags: {@code --cases 3grains:128,512;poly:256} (may repeat), {@code --engines exact,lsh} (a name or
 * a prefix up to a dash), {@code --steps N}, {@code --threads N}, {@code --kernels simd|scalar|auto},
 * {@code --max-seconds S} (an LSH run that takes longer, or from its 10th step on is projected to, is stopped
 * after that step and reported as skipped, with the steps done and the projected total),
 * {@code --warmup-steps N}, {@code --warmup-size N}, {@code --lsh-chunk N}, {@code --quick} (smallest size of
 * each case, 30 steps).
 * Progress goes to stderr, the Markdown tables to stdout.
 */
public final class EngineMacroBenchmark {

    /** Steps of one run unless {@code --steps} or {@code --quick} says otherwise. */
    public static final int DEFAULT_STEPS = 180;
    /** Steps of one run with {@code --quick}. */
    public static final int QUICK_STEPS = 30;
    /** The early per-step time is the mean over steps 1 to this. */
    public static final int EARLY_STEPS = 10;
    /** The steady per-step time is the mean over this many last steps. */
    public static final int STEADY_STEPS = 50;
    /** Polycrystal cases have about this many cells per grain. */
    public static final int CELLS_PER_GRAIN = 1000;
    /** Order parameters of the polycrystal cases. */
    public static final int POLY_Q = 8;
    /** Seed of the Voronoi state and of the LSH family. */
    public static final long SEED = 42L;
    /** Hashes per LSH table. */
    public static final int LSH_K = 3;
    /** LSH tables. */
    public static final int LSH_L = 10;
    /**
     * Side of the warm-up grids unless {@code --warmup-size} says otherwise: 256^2 x Q is at least
     * 2 x {@link ExactEngine#MIN_BAND_WORK} for Q >= 3, so the dense engines warm up their two-band
     * (multi-threaded) path too, which a 128^2 x 3 grid would not use.
     */
    public static final int DEFAULT_WARMUP_SIZE = 256;
    /** Warm-up steps per engine and Q unless {@code --warmup-steps} says otherwise. */
    public static final int DEFAULT_WARMUP_STEPS = 40;
    /** Warm-up steps with {@code --quick}. */
    public static final int QUICK_WARMUP_STEPS = 10;

    static final Preset PRESET = Preset.PAPER;
    static final Map<String, List<Integer>> DEFAULT_SIZES = defaultSizes();

    private EngineMacroBenchmark() {
    }

    /** Which engine class a configuration runs. */
    enum Kind { EXACT, ACTIVE, LSH }

    /** One engine configuration (a table row per case). */
    record EngineSpec(String name, Kind kind, LshSmileEngine.Mode mode, double r) {
    }

    /** Every engine configuration, in table order; exact first, as the reference. */
    static final List<EngineSpec> ENGINES = List.of(
        new EngineSpec("exact", Kind.EXACT, null, 0),
        new EngineSpec("active", Kind.ACTIVE, null, 0),
        new EngineSpec("lsh-verified-1e-3", Kind.LSH, LshSmileEngine.Mode.VERIFIED, 1e-3),
        new EngineSpec("lsh-verified-1e-4", Kind.LSH, LshSmileEngine.Mode.VERIFIED, 1e-4),
        new EngineSpec("lsh-paper-0.01", Kind.LSH, LshSmileEngine.Mode.PAPER, 0.01));

    /** A case: a periodic Voronoi state of {@code grains} grains, {@code q} order parameters, size^2 cells. */
    record Case(String kind, int size, int q, int grains) {

        /** The case {@code 3grains} (3 grains, Q = 3) or {@code poly} (Q = 8, about 1000 cells per grain). */
        static Case of(String kind, int size) {
            if (size < 16) {
                throw new IllegalArgumentException("size must be >= 16, got " + size);
            }
            return switch (kind) {
                case "3grains" -> new Case(kind, size, 3, 3);
                case "poly" -> new Case(kind, size, POLY_Q, Math.max(2, size * size / CELLS_PER_GRAIN));
                default -> throw new IllegalArgumentException("unknown case '" + kind + "': use 3grains or poly");
            };
        }

        String label() {
            return kind + ":" + size;
        }
    }

    /** Parsed command line. {@code maxSeconds} is 0 for no limit. */
    record Options(List<Case> cases, List<EngineSpec> engines, int steps, int threads, String kernels,
                   double maxSeconds, int warmupSteps, int warmupSize, int lshChunk) {
    }

    /**
     * LSH phase times, seconds summed over the steps done, and the per-step means of the wall clock around
     * {@code step(1)}, ms (NaN for steady when the run was stopped).
     */
    record Phases(double encodeSeconds, double evalSeconds, double rehashSeconds, double mergeSeconds,
                  double stepWallSeconds, double wallEarlyMs, double wallSteadyMs) {

        double phaseSum() {
            return evalSeconds + rehashSeconds + mergeSeconds;
        }
    }

    /**
     * One table row. {@code threads} is what the engine really used (the dense engines use fewer bands
     * than asked on small grids). The per-step means, ms, are of the wall clock around {@code step(1)} for
     * the dense engines and of {@link LshSmileEngine.StepStats#totalNanos()} for LSH. {@code skippedAfter} is
     * -1 for a complete run, else the steps done before the run was stopped by {@code limitSeconds};
     * {@code buckets} is -1 for the dense engines; {@code phases} is null for them.
     */
    record Row(Case c, EngineSpec engine, int steps, int threads, double setupSeconds, double earlyMs, double steadyMs,
               double totalSeconds, double ratio, int buckets, double maxError, double meanError, int skippedAfter,
               double limitSeconds, double projectedSeconds, Phases phases) {

        boolean skipped() {
            return skippedAfter >= 0;
        }
    }

    /** Runs the benchmark with the flags in the class comment; exit code 2 on bad flags. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Parses {@code args}, runs, prints the tables to {@code out} and progress to {@code err}; the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("EngineMacroBenchmark: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        if (o == null) {
            out.println(usage());
            return 0;
        }
        // The machine may be shared: the load before and after goes into the header, so readers can judge the noise.
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<Row> rows = measure(o, err);
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.println(header(o) + String.format(Locale.ROOT, " Load average (1 min) before the run %.2f, after %.2f.",
            loadBefore, loadAfter));
        out.println();
        out.print(resultTable(rows));
        String phases = phaseTable(rows);
        if (!phases.isEmpty()) {
            out.println();
            out.println("Where the LSH time goes (seconds summed over the steps done, from `StepStats`; "
                + "\"other\" = wall time of the step calls - phases, mostly writing the buckets back to the grid at the end"
                + " of each call; the per-step wall columns need --lsh-chunk 1):");
            out.println();
            out.print(phases);
        }
        out.flush();
        return 0;
    }

    static String usage() {
        return "usage: EngineMacroBenchmark [--cases 3grains:128,512;poly:256] "
            + "[--engines exact,active,lsh-verified-1e-3,lsh-verified-1e-4,lsh-paper-0.01] [--steps 180] [--threads N] "
            + "[--kernels simd|scalar|auto] [--max-seconds S] [--warmup-steps 40] [--warmup-size 256] [--lsh-chunk N] [--quick]";
    }

    // ---- flags ------------------------------------------------------------------------------------------

    /** Parses the flags; null for {@code --help}. */
    static Options parse(String[] args) {
        List<String> caseSpecs = new ArrayList<>();
        String engineSpec = null;
        Integer steps = null;
        Integer warmup = null;
        int warmupSize = DEFAULT_WARMUP_SIZE;
        int threads = Runtime.getRuntime().availableProcessors();
        String kernels = "simd";
        double maxSeconds = 0;
        int lshChunk = 0;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--quick" -> quick = true;
                case "--cases" -> caseSpecs.add(value(args, ++i, a));
                case "--engines" -> engineSpec = value(args, ++i, a);
                case "--steps" -> steps = positiveInt(value(args, ++i, a), a);
                case "--threads" -> threads = positiveInt(value(args, ++i, a), a);
                case "--kernels" -> kernels = value(args, ++i, a);
                case "--warmup-steps" -> warmup = nonNegativeInt(value(args, ++i, a), a);
                case "--warmup-size" -> warmupSize = positiveInt(value(args, ++i, a), a);
                case "--lsh-chunk" -> lshChunk = positiveInt(value(args, ++i, a), a);
                case "--max-seconds" -> {
                    maxSeconds = Double.parseDouble(value(args, ++i, a));
                    if (!(maxSeconds > 0) || !Double.isFinite(maxSeconds)) {
                        throw new IllegalArgumentException("--max-seconds must be > 0, got " + args[i]);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        Kernels.byName(kernels); // fails now, not after the warm-up, if simd is asked for and off
        List<Case> cases = parseCases(caseSpecs, quick);
        List<EngineSpec> engines = parseEngines(engineSpec);
        int n = steps != null ? steps : quick ? QUICK_STEPS : DEFAULT_STEPS;
        int w = warmup != null ? warmup : quick ? QUICK_WARMUP_STEPS : DEFAULT_WARMUP_STEPS;
        if (warmupSize < 16) {
            throw new IllegalArgumentException("--warmup-size must be >= 16, got " + warmupSize);
        }
        return new Options(cases, engines, n, threads, kernels, maxSeconds, w, warmupSize, lshChunk > 0 ? lshChunk : n);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int positiveInt(String s, String flag) {
        int v = nonNegativeInt(s, flag);
        if (v < 1) {
            throw new IllegalArgumentException(flag + " must be >= 1, got " + s);
        }
        return v;
    }

    private static int nonNegativeInt(String s, String flag) {
        int v;
        try {
            v = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs an integer, got '" + s + "'");
        }
        if (v < 0) {
            throw new IllegalArgumentException(flag + " must be >= 0, got " + s);
        }
        return v;
    }

    /**
     * Cases from specs such as {@code 3grains:128,512;poly:256} or {@code poly} (all its default sizes);
     * none means every case at its default sizes. With {@code quick}, only the smallest size of each kind.
     */
    static List<Case> parseCases(List<String> specs, boolean quick) {
        Map<String, Set<Integer>> sizes = new LinkedHashMap<>();
        if (specs.isEmpty()) {
            DEFAULT_SIZES.forEach((k, v) -> sizes.put(k, new TreeSet<>(v)));
        }
        for (String spec : specs) {
            for (String part : spec.split(";")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int colon = p.indexOf(':');
                String kind = (colon < 0 ? p : p.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
                if (!DEFAULT_SIZES.containsKey(kind)) {
                    throw new IllegalArgumentException("unknown case '" + kind + "': use 3grains or poly");
                }
                Set<Integer> set = sizes.computeIfAbsent(kind, k -> new TreeSet<>());
                if (colon < 0) {
                    set.addAll(DEFAULT_SIZES.get(kind));
                } else {
                    for (String s : p.substring(colon + 1).split(",")) {
                        set.add(positiveInt(s, "--cases " + kind));
                    }
                }
            }
        }
        List<Case> cases = new ArrayList<>();
        sizes.forEach((kind, set) -> {
            for (int s : set) {
                cases.add(Case.of(kind, s));
                if (quick) {
                    break; // TreeSet: the first is the smallest
                }
            }
        });
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("--cases selected no case");
        }
        return cases;
    }

    /** Engines by name or by a prefix ending before a dash ({@code lsh}, {@code lsh-verified}); null means all. */
    static List<EngineSpec> parseEngines(String spec) {
        if (spec == null) {
            return ENGINES;
        }
        Set<EngineSpec> chosen = new LinkedHashSet<>();
        for (String t : spec.split(",")) {
            String token = t.trim().toLowerCase(Locale.ROOT);
            boolean hit = false;
            for (EngineSpec e : ENGINES) {
                if (e.name().equals(token) || e.name().startsWith(token + "-")) {
                    chosen.add(e);
                    hit = true;
                }
            }
            if (!hit) {
                throw new IllegalArgumentException("unknown engine '" + t + "'");
            }
        }
        List<EngineSpec> ordered = new ArrayList<>();
        for (EngineSpec e : ENGINES) {
            if (chosen.contains(e)) {
                ordered.add(e);
            }
        }
        return ordered;
    }

    private static Map<String, List<Integer>> defaultSizes() {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        m.put("3grains", List.of(128, 512, 1024, 2048));
        m.put("poly", List.of(256, 512, 1024));
        return m;
    }

    // ---- measuring --------------------------------------------------------------------------------------

    /** Warms up, then runs every case: exact first (always), then the selected engines. */
    static List<Row> measure(Options o, PrintStream progress) {
        StencilKernels kernels = Kernels.byName(o.kernels());
        progress.printf(Locale.ROOT, "dense engines: %s (%s), %d thread%s%n", kernels.name(), kernels.description(),
            o.threads(), o.threads() == 1 ? "" : "s");
        warmUp(o, kernels, progress);
        List<Row> rows = new ArrayList<>();
        for (Case c : o.cases()) {
            double[] init = GrainStates.voronoi(c.size(), c.size(), c.grains(), c.q(), SEED, true).values();
            double[] reference = new double[init.length];
            double[] state = new double[init.length];
            Row exact = runOne(c, ENGINES.get(0), o, kernels, init, reference, null, 0, false, progress);
            rows.add(exact);
            for (EngineSpec e : o.engines()) {
                if (e.kind() != Kind.EXACT) {
                    rows.add(runOne(c, e, o, kernels, init, state, reference, exact.totalSeconds(), true, progress));
                }
            }
        }
        return rows;
    }

    /** Runs every selected engine (and exact) for the warm-up steps on a grid of each case kind, untimed. */
    private static void warmUp(Options o, StencilKernels kernels, PrintStream progress) {
        warmUp(o, kernels, progress, true);
    }

    /**
     * Runs every selected engine, and exact too if {@code withExact}, for the warm-up steps on a grid of each case
     * kind, untimed.
     */
    static void warmUp(Options o, StencilKernels kernels, PrintStream progress, boolean withExact) {
        if (o.warmupSteps() == 0) {
            return;
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (Case c : o.cases()) {
            kinds.add(c.kind());
        }
        Set<EngineSpec> engines = new LinkedHashSet<>(o.engines());
        if (withExact) {
            engines.add(ENGINES.get(0));
        }
        for (String kind : kinds) {
            Case c = Case.of(kind, o.warmupSize());
            double[] init = GrainStates.voronoi(c.size(), c.size(), c.grains(), c.q(), SEED + 1, true).values();
            for (EngineSpec e : engines) {
                long t0 = System.nanoTime();
                GrainGrowth model = PRESET.grainGrowth(c.q(), false);
                try (Grid g = new Grid(c.q(), c.size(), c.size(), PRESET.dx(), Boundary.PERIODIC)) {
                    g.copyFrom(init);
                    try (Engine engine = create(e, model, g, kernels, o.threads())) {
                        for (int s = 0; s < o.warmupSteps(); s++) {
                            engine.step(1);
                        }
                    }
                }
                progress.printf(Locale.ROOT, "warm-up %s: %s, %d steps, %.2f s%n", c.label(), e.name(), o.warmupSteps(),
                    (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static Engine create(EngineSpec e, GrainGrowth model, Grid g, StencilKernels kernels, int threads) {
        return switch (e.kind()) {
            case EXACT -> new ExactEngine(model, g, PRESET.dt(), kernels, threads);
            case ACTIVE -> new ActiveSetEngine(model, g, PRESET.dt(), kernels, threads, ActiveSetEngine.DEFAULT_TAU);
            case LSH -> new LshSmileEngine(model, g, PRESET.dt(), e.mode(), e.r(), e.r(), LSH_K, LSH_L, SEED);
        };
    }

    /** Thrown by {@link PhaseRecorder} out of {@code step} to stop a run at its time limit. */
    private static final class LimitReached extends RuntimeException {
        LimitReached() {
            super("time limit", null, false, false);
        }
    }

    /**
     * Sums the phases of every step after the encoding and keeps each step's total; with a limit, stops the run
     * (by throwing {@link LimitReached} out of {@code step}) after the step at which the elapsed time, or from
     * step {@value #EARLY_STEPS} on the projected total, exceeds it.
     */
    private static final class PhaseRecorder implements LshSmileEngine.StepListener {
        final long[] totalNanos;
        int count;
        long eval;
        long rehash;
        long merge;
        private final long t0;
        private final long setupNanos;
        private final double limit;
        double projectedSeconds = Double.NaN;

        PhaseRecorder(int steps, long t0, long setupNanos, double limit) {
            totalNanos = new long[steps];
            this.t0 = t0;
            this.setupNanos = setupNanos;
            this.limit = limit;
        }

        @Override
        public void afterStep(LshSmileEngine.StepStats s) {
            if (count < totalNanos.length) {
                totalNanos[count] = s.totalNanos();
            }
            count++;
            eval += s.evalNanos();
            rehash += s.rehashNanos();
            merge += s.mergeNanos();
            if (limit > 0 && count < totalNanos.length) {
                // checked after every step, not every step() call: one call can be the whole run, and a slow
                // run's early steps can take minutes
                long now = System.nanoTime();
                double elapsed = (now - t0) / 1e9;
                projectedSeconds = elapsed + (now - t0 - setupNanos) / 1e9 / count * (totalNanos.length - count);
                if (elapsed > limit || (count >= EARLY_STEPS && projectedSeconds > limit)) {
                    throw new LimitReached();
                }
            }
        }
    }

    /**
     * One run of engine {@code e} on case {@code c}: the final state goes to {@code finalState}, the error is
     * taken against {@code reference} (against {@code finalState} itself when null: the exact run).
     */
    static Row runOne(Case c, EngineSpec e, Options o, StencilKernels kernels, double[] init,
                              double[] finalState, double[] reference, double exactTotal, boolean limited,
                              PrintStream progress) {
        GrainGrowth model = PRESET.grainGrowth(c.q(), false);
        int steps = o.steps();
        long[] wall = new long[steps];
        double limit = limited && e.kind() == Kind.LSH ? o.maxSeconds() : 0;
        // Collect the previous run's garbage now, not during this run's timed steps.
        System.gc();
        try (Grid g = new Grid(c.q(), c.size(), c.size(), PRESET.dx(), Boundary.PERIODIC)) {
            g.copyFrom(init);
            long t0 = System.nanoTime();
            try (Engine engine = create(e, model, g, kernels, o.threads())) {
                long setup = System.nanoTime() - t0;
                PhaseRecorder rec = null;
                LshSmileEngine.StepStats encoding = null;
                if (engine instanceof LshSmileEngine lsh) {
                    encoding = lsh.lastStep();
                    rec = new PhaseRecorder(steps, t0, setup, limit);
                    lsh.setStepListener(rec);
                    progress.printf(Locale.ROOT, "[%s] %s: encoded in %.2f s, %d buckets%n", c.label(), e.name(),
                        setup / 1e9, lsh.buckets());
                }
                int done = 0;
                // dense engines step(1); LSH step(chunk): it writes its buckets back to the grid at the end of
                // each call, as simulate does at each snapshot, so the chunk is the snapshot interval
                int chunk = rec == null ? 1 : o.lshChunk();
                boolean stopped = limit > 0 && setup / 1e9 > limit;
                while (!stopped && done < steps) {
                    int k = Math.min(chunk, steps - done);
                    long a = System.nanoTime();
                    try {
                        engine.step(k);
                    } catch (LimitReached x) {
                        // rec.count steps ran; the engine is closed below without writing its buckets back
                        wall[done] = System.nanoTime() - a;
                        done = rec.count;
                        stopped = true;
                        progress.printf(Locale.ROOT, "[%s] %s: %d steps in %.2f s, projected total %.1f s%n",
                            c.label(), e.name(), done, (System.nanoTime() - t0) / 1e9, rec.projectedSeconds);
                        break;
                    }
                    long b = System.nanoTime();
                    wall[done] = b - a; // with k > 1: the call's wall time, at its first step
                    done += k;
                }
                long total = System.nanoTime() - t0;
                int buckets = engine instanceof LshSmileEngine lsh ? lsh.buckets() : -1;
                int threads = threadsOf(engine);
                boolean perStepWall = chunk == 1;
                Phases phases = rec == null ? null : new Phases(encoding.totalNanos() / 1e9, rec.eval / 1e9,
                    rec.rehash / 1e9, rec.merge / 1e9, sum(wall, 0, done) / 1e9,
                    perStepWall ? earlyMs(wall, done) : Double.NaN,
                    stopped || !perStepWall ? Double.NaN : steadyMs(wall, done));
                // As issue 4 asks: LSH per-step times from its listener, the others' from the wall clock.
                long[] perStep = rec == null ? wall : rec.totalNanos;
                if (stopped) {
                    progress.printf(Locale.ROOT, "[%s] %s: skipped (> %s s) after %d steps%n", c.label(), e.name(),
                        plain(limit), done);
                    return new Row(c, e, steps, threads, setup / 1e9, done >= Math.min(EARLY_STEPS, steps)
                        ? earlyMs(perStep, done) : Double.NaN, Double.NaN, Double.NaN, Double.NaN, buckets, Double.NaN,
                        Double.NaN, done, limit, rec == null || done == 0 ? Double.NaN : rec.projectedSeconds, phases);
                }
                g.copyTo(finalState);
                double[] err = errors(finalState, reference == null ? finalState : reference);
                double ratio = reference == null ? 1.0 : total / 1e9 / exactTotal;
                progress.printf(Locale.ROOT, "[%s] %s: %d steps on %d thread%s, total %.2f s%s, max |error| %.3g%n",
                    c.label(), e.name(), steps, threads, threads == 1 ? "" : "s", total / 1e9,
                    buckets >= 0 ? ", " + buckets + " buckets" : "", err[0]);
                return new Row(c, e, steps, threads, setup / 1e9, earlyMs(perStep, steps), steadyMs(perStep, steps),
                    total / 1e9, ratio, buckets, err[0], err[1], -1, limit, total / 1e9, phases);
            }
        }
    }

    private static int threadsOf(Engine engine) {
        return switch (engine) {
            case ExactEngine x -> x.threads();
            case ActiveSetEngine a -> a.threads();
            default -> 1; // the LSH engine is single-threaded
        };
    }

    /** {max, mean} of |a - b| over every value. */
    static double[] errors(double[] a, double[] b) {
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / a.length};
    }

    /** Mean of steps 1 to min(10, done), in ms. */
    static double earlyMs(long[] nanos, int done) {
        return mean(nanos, 0, Math.min(EARLY_STEPS, done)) / 1e6;
    }

    /** Mean of the last min(50, done) steps, in ms. */
    static double steadyMs(long[] nanos, int done) {
        return mean(nanos, Math.max(0, done - STEADY_STEPS), done) / 1e6;
    }

    private static double mean(long[] v, int from, int to) {
        return to > from ? (double) sum(v, from, to) / (to - from) : Double.NaN;
    }

    private static long sum(long[] v, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s;
    }

    // ---- tables -----------------------------------------------------------------------------------------

    /** One paragraph naming the setting, for above the tables. */
    static String header(Options o) {
        StencilKernels k = Kernels.byName(o.kernels());
        int steps = o.steps();
        String early = "steps 1-" + Math.min(EARLY_STEPS, steps);
        String steady = "steps " + (Math.max(0, steps - STEADY_STEPS) + 1) + "-" + steps;
        String tau = String.format(Locale.ROOT, "%.0e", ActiveSetEngine.DEFAULT_TAU);
        String threads = o.threads() + " thread" + (o.threads() == 1 ? "" : "s");
        return String.join(" ",
            "Grain growth (Fan-Chen), preset " + PRESET.name() + " (dx = " + plain(PRESET.dx()) + ", dt = "
                + plain(PRESET.dt()) + "), periodic Voronoi state (seed " + SEED + "), " + steps + " steps.",
            "3grains: 3 grains, Q = 3; poly: Q = " + POLY_Q + ", size^2/" + CELLS_PER_GRAIN + " grains.",
            "exact and active (tau = " + tau + "): " + k.name() + " kernels (" + k.description() + "), up to "
                + threads + " (fewer bands where one would get < " + ExactEngine.MIN_BAND_WORK
                + " element updates per step; the threads column says how many ran).",
            "LSH: K = " + LSH_K + ", L = " + LSH_L + ", seed " + SEED + ", r = r0, one thread, driven by step("
                + o.lshChunk() + ") calls" + (o.lshChunk() >= steps ? " (one call: the buckets are written to the grid"
                + " once, at the end, as simulate does with --every " + steps + ")" : " (the buckets are written to"
                + " the grid after each call, as simulate does at each snapshot)") + ".",
            "Per-step times: exact and active, the wall clock around each step(1) call; LSH, the step's phases"
                + " (StepStats.totalNanos, which leaves out writing to the grid: see the second table);",
            "early = mean of " + early + ", steady = mean of " + steady + ".",
            "Total: wall clock of the constructor (for LSH, the encoding) and every step call.",
            "Errors: |value - exact engine's value| over every value after the last step.",
            "Warm-up: every engine, " + o.warmupSteps() + " untimed steps on " + o.warmupSize()
                + "^2 of each case kind.",
            "JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs.");
    }

    /** The main table: one row per case and engine. */
    static String resultTable(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| case | engine | threads | setup s | early ms/step | steady ms/step | total s | total / exact "
            + "| buckets | max abs error | mean abs error |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            String buckets = r.buckets() >= 0 ? Integer.toString(r.buckets()) : "-";
            List<String> cells = r.skipped()
                ? List.of(r.c().label(), r.engine().name(), Integer.toString(r.threads()), sig(r.setupSeconds()),
                    sig(r.earlyMs()), "-", "skipped (> " + plain(r.limitSeconds()) + " s) after " + r.skippedAfter() + " steps"
                        + (Double.isNaN(r.projectedSeconds()) ? "" : ", projected " + sig(r.projectedSeconds()) + " s"), "-", "-", "-", "-")
                : List.of(r.c().label(), r.engine().name(), Integer.toString(r.threads()), sig(r.setupSeconds()),
                    sig(r.earlyMs()), sig(r.steadyMs()), sig(r.totalSeconds()), sig(r.ratio()), buckets,
                    err(r.maxError()), err(r.meanError()));
            sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return sb.toString();
    }

    /** Phase table of the LSH rows; empty when there are none. */
    static String phaseTable(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            Phases p = r.phases();
            if (p == null) {
                continue;
            }
            if (sb.isEmpty()) {
                sb.append("| case | engine | steps | constructor s | encoding merge s | eval s | rehash s | merge s "
                    + "| phases s | step() calls wall s | other s | early ms/step (wall, chunk 1) "
                    + "| steady ms/step (wall, chunk 1) |\n");
                sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            }
            int done = r.skipped() ? r.skippedAfter() : r.steps();
            List<String> cells = List.of(r.c().label(), r.engine().name(),
                r.skipped() ? done + " (skipped)" : Integer.toString(done), sig(r.setupSeconds()),
                sig(p.encodeSeconds()), sig(p.evalSeconds()), sig(p.rehashSeconds()), sig(p.mergeSeconds()),
                sig(p.phaseSum()), sig(p.stepWallSeconds()), sig(p.stepWallSeconds() - p.phaseSum()),
                sig(p.wallEarlyMs()), sig(p.wallSteadyMs()));
            sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return sb.toString();
    }

    /** Three significant digits, plain notation; "-" for NaN. */
    static String sig(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return new BigDecimal(v).round(new MathContext(3)).toPlainString();
    }

    /** An error: exactly "0" when it is zero, else two decimals in scientific notation. */
    static String err(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.2e", v);
    }

    /** A number as typed: 120, 0.001. */
    static String plain(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
