package org.lshsmile.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.ModelPreset;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.StencilKernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lshsmile simulate}: one phase-field run (grain growth, Cahn-Hilliard or nanovoid) from a
 * generated or loaded initial state, with snapshots, checkpoints, diagnostics.csv, the final state and
 * run.json in the output directory; or, with {@code --resume DIR}, the continuation of such a run from
 * its newest valid checkpoint.
 *
 * <p>Every option is checked before anything is allocated or written; a problem is one line on stderr
 * and exit code 2.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = false,
    header = "Run a phase-field simulation and write its outputs to a directory.",
    description = {
        "Models and presets (--preset; the first is the default):",
        "  grain-growth   default (128^2, dx=0.5, dt=0.05), paper (dx=1);",
        "                 --ic voronoi|circle",
        "  cahn-hilliard  pfhub-1a (PFHub benchmark 1a: 200^2, dx=1, dt=1e-3, periodic),",
        "                 pfhub-1b (the same, noflux); --ic pfhub",
        "  nanovoid       default (128^2, dx=1, dt=0.02, literal form), paper (dt=0.1);",
        "                 --ic v0|v1|v2",
        "A preset gives the size, dx, dt, bc and initial state; options override them.",
        "",
        "Outputs in --out DIR:",
        "  final.npy         final state, float64, shape (m, ny, nx)",
        "  snap_<step>.npy   snapshots at step 0 and every --every steps; with --format",
        "                    png also snap_<step>.png (grain growth) or",
        "                    snap_<step>_<field>.png and final_<field>.png (the",
        "                    other models); with vti snap_<step>.vti and final.vti",
        "  diagnostics.csv   step,time,free_energy,total_<field>... at step 0, every",
        "                    --every steps and at the end; with --compare-exact also",
        "                    max_abs_error,mean_abs_error against the exact engine",
        "  run.json          model, parameters, grid, engine, kernels, timing, versions;",
        "                    'lsh' (settings, encoding, per-run totals) for --engine lsh,",
        "                    'compare_exact' (final and worst error) with --compare-exact",
        "  checkpoints/      with --checkpoint-every K: ckpt_<step>.ckpt every K steps",
        "                    and at the end, the newest 2 kept; --resume DIR continues",
        "With --engine lsh --stats FILE.csv, FILE (not in DIR) gets one row per step.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lshsmile simulate --model grain-growth --steps 1000 --out run1",
        "  lshsmile simulate --model grain-growth --grains 30 --order-params 8 \\",
        "      --size 256 --steps 2000 --every 200 --format npy,png --out run2",
        "  lshsmile simulate --model grain-growth --ic circle --dx 0.25 --size 256 \\",
        "      --steps 4000 --out shrink",
        "  lshsmile simulate --model grain-growth --init state.npy --steps 500 \\",
        "      --param L=8 --out run3",
        "  lshsmile simulate --model cahn-hilliard --preset pfhub-1b --steps 100000 \\",
        "      --every 10000 --format npy,png,vti --out bm1b",
        "  lshsmile simulate --model nanovoid --preset paper --ic v2 --cascades --noise \\",
        "      --seed 7 --steps 20000 --every 1000 --checkpoint-every 5000 --out voids",
        "  lshsmile simulate --resume voids",
        "  lshsmile simulate --resume voids --steps 40000",
        "  lshsmile simulate --model grain-growth --preset paper --steps 500 --every 100 \\",
        "      --engine lsh --r 1e-3 --stats lsh-steps.csv --compare-exact --out lsh1",
        "",
        "Exit codes: 0 done, 1 I/O or memory failure, 2 bad input, 3 NaN or infinity",
        "during the run (last_good.npy then holds the last finite state)."})
final class SimulateCommand implements Callable<Integer> {

    private static final int MAX_GRAINS = 65_536;
    private static final int MAX_ORDER_PARAMS = 4096;
    private static final int DEFAULT_ORDER_PARAMS = 8;
    private static final long DEFAULT_SEED = 1;

    /** Options that belong to some models only, and those models. */
    private static final Map<String, Set<String>> MODEL_OPTIONS = new TreeMap<>(Map.of(
        "--grains", Set.of(ModelPreset.GRAIN_GROWTH),
        "--order-params", Set.of(ModelPreset.GRAIN_GROWTH),
        "--circle-radius", Set.of(ModelPreset.GRAIN_GROWTH),
        "--clamp", Set.of(ModelPreset.GRAIN_GROWTH),
        "--seed", Set.of(ModelPreset.GRAIN_GROWTH, ModelPreset.NANOVOID),
        "--form", Set.of(ModelPreset.NANOVOID),
        "--no-clamp", Set.of(ModelPreset.NANOVOID),
        "--no-void-mask", Set.of(ModelPreset.NANOVOID),
        "--cascades", Set.of(ModelPreset.NANOVOID),
        "--noise", Set.of(ModelPreset.NANOVOID)));

    /** The options --resume may be combined with. */
    private static final Set<String> RESUME_OPTIONS = Set.of("--resume", "--steps", "--debug");

    @Spec
    private CommandSpec spec;

    private final boolean progress;

    @Option(names = "--model", paramLabel = "NAME",
        description = "Model: grain-growth (Fan-Chen, Q non-conserved order parameters), cahn-hilliard (PFHub"
            + " benchmark 1, field c) or nanovoid (Millett et al., fields c_v, c_i, eta). Required unless --resume.")
    private String model;

    @Option(names = "--preset", paramLabel = "NAME",
        description = "Parameter set and defaults of the model (see above). grain-growth: default (dx=0.5, dt=0.05,"
            + " L=5, kappa=0.1, A=B=1) or paper (dx=1, where grain boundaries are pinned by the lattice);"
            + " cahn-hilliard: pfhub-1a or pfhub-1b; nanovoid: default or paper. Default: the model's first.")
    private String preset;

    @Option(names = "--init", paramLabel = "FILE.npy",
        description = "Initial state from a float64 .npy of shape (m, ny, nx), or (ny, nx) when m = 1. The grid"
            + " size (and Q) come from the file, so --size, --ic, --grains, --order-params, --circle-radius (and"
            + " for grain growth --seed) must not be given.")
    private Path init;

    @Option(names = "--ic", paramLabel = "KIND",
        description = "Generated initial state. grain-growth: voronoi (--grains sharp Voronoi grains) or circle (a"
            + " disc grain of --circle-radius in a matrix grain; Q = 2); cahn-hilliard: pfhub (c0 = 0.5,"
            + " eps = 0.01); nanovoid: v0 (one void r=7), v1 (one void r=10), v2 (two voids). Default: the"
            + " preset's (voronoi, pfhub, v0).")
    private String ic;

    @Option(names = "--seed", paramLabel = "S",
        description = "Seed of the Voronoi grain centres (grain growth) or of the nanovoid --cascades and --noise."
            + " Default: 1.")
    private Long seed;

    @Option(names = "--grains", paramLabel = "G",
        description = "Voronoi grains. Default: Q. With more grains than Q, touching grains get different order"
            + " parameters.")
    private Integer grains;

    @Option(names = "--order-params", paramLabel = "Q",
        description = "Order parameters (fields). Default: 8, or G when --grains G is below 8; 2 for --ic circle.")
    private Integer orderParams;

    @Option(names = "--circle-radius", paramLabel = "R",
        description = "Radius of the --ic circle grain in length units (cells times dx). Default: a quarter of"
            + " the box side.")
    private Double circleRadius;

    @Option(names = "--size", paramLabel = "N",
        description = "Grid of N x N cells for generated states. Default: the preset's (128, or 200 for"
            + " cahn-hilliard).")
    private Integer size;

    @Option(names = "--dx", paramLabel = "H", description = "Grid spacing. Default: the preset's.")
    private Double dx;

    @Option(names = "--dt", paramLabel = "T",
        description = "Time step. Default: the preset's, or 90%% of the stable bound when that is smaller. A dt"
            + " at or above the model's stable bound (grain growth: 2 / (L (8 kappa / dx^2 + 2 A))) is refused"
            + " without --unsafe-dt.")
    private Double dt;

    @Option(names = "--steps", paramLabel = "S",
        description = "Time steps to run (0 is allowed). Required unless --resume; with --resume, the new total"
            + " counted from the start of the run.")
    private Integer steps;

    @Option(names = "--bc", paramLabel = "BC",
        description = "Boundary condition: periodic or noflux (mirror). Default: the preset's.")
    private String bc;

    @Option(names = "--engine", defaultValue = "exact", paramLabel = "NAME",
        description = "Engine: exact (dense explicit Euler, every cell every step) or active (recomputes only the"
            + " cells whose 13-point stencil changed by more than --tau in the previous step, with a dense sweep"
            + " when more than 10%% of the cells are active; --tau 0 gives exact's bits with the scalar kernels)"
            + " or lsh (LSH-SMILE: one update per bucket of alike elements; single-threaded; see --lsh-mode,"
            + " --r, --r0, --K, --L). Default: ${DEFAULT-VALUE}.")
    private String engine;

    @Option(names = "--lsh-mode", paramLabel = "MODE",
        description = "LSH engine: verified (merges checked by feature distance; default) or paper (as published).")
    private String lshMode;

    @Option(names = "--r", paramLabel = "R", description = "LSH engine: bucket width and merge radius. Default: 1e-3.")
    private Double lshR;

    @Option(names = "--r0", paramLabel = "R0", description = "LSH engine: re-evaluation threshold. Default: --r.")
    private Double lshR0;

    @Option(names = "--K", paramLabel = "K", description = "LSH engine: hashes per table (AND). Default: 3.")
    private Integer lshK;

    @Option(names = "--L", paramLabel = "L", description = "LSH engine: tables (OR). Default: 10.")
    private Integer lshL;

    @Option(names = "--lsh-seed", paramLabel = "S",
        description = "LSH engine: seed of the hash family. Default: --seed when given, else 42.")
    private Long lshSeed;

    /** Seed of the LSH hash family when neither --lsh-seed nor --seed is given. */
    static final long DEFAULT_LSH_SEED = 42L;

    @Option(names = "--check-invariants",
        description = "LSH engine: check the bucket invariants after every step (slow; for debugging).")
    private boolean checkInvariants;

    @Option(names = "--stats", paramLabel = "FILE.csv",
        description = "LSH engine: write one CSV row per step (step 0 is the encoding) to FILE: step, buckets,"
            + " active_buckets, active_elements, evals, merges, rejected_merges, rehashed, eval_ns, rehash_ns,"
            + " merge_ns, total_ns. A relative FILE is relative to the working directory, not to --out. An existing"
            + " FILE is refused without --force.")
    private Path stats;

    @Option(names = "--compare-exact",
        description = "Engines other than exact: also run the exact engine (same model, kernels and threads) from"
            + " the same initial state, and at every diagnostics row (step 0, every --every steps, the end) add the"
            + " max and mean |error| over all cells and fields to diagnostics.csv (max_abs_error, mean_abs_error)"
            + " and the final and worst values to run.json. Not with --checkpoint-every or --resume.")
    private boolean compareExact;

    @Option(names = "--tau", paramLabel = "T",
        description = "Active engine: change threshold, a finite number >= 0 (0: any change). Default: 1e-10.")
    private Double tau;

    @Option(names = "--kernels", defaultValue = "${sys:lshsmile.kernels:-auto}", paramLabel = "K",
        description = "Stencil kernels: auto (Vector API when available, else scalar), scalar, simd or native (the C"
            + " library native/target/liblshsmile.so through FFM, or the file -Dlshsmile.native.lib names; an error if"
            + " it is absent). They give identical bits for every model. Default: ${DEFAULT-VALUE}.")
    private String kernels;

    @Option(names = "--threads", paramLabel = "N",
        description = "Threads (row bands; the result does not depend on it). Default: the number of processors.")
    private Integer threads;

    @Option(names = "--param", paramLabel = "NAME=VALUE",
        description = "Override a model parameter (repeatable). grain-growth: L, kappa, A, B (all grains), or"
            + " L_i, kappa_i (grain i, 1-based); cahn-hilliard: M, kappa, rho, ca, cb; nanovoid: Ev, Ei, kT, kv,"
            + " ki, ke, R_bulk, R_surf, Dv, Di, L.")
    private List<String> params = new ArrayList<>();

    @Option(names = "--clamp", description = "Grain growth: clamp every field to [0, 1] after each step.")
    private boolean clamp;

    @Option(names = "--form", paramLabel = "FORM",
        description = "Nanovoid: literal (M lap mu, the paper's form) or conservative (div(M grad mu), conserves"
            + " c_v and c_i without sources, recombination and clamp). Default: literal.")
    private String form;

    @Option(names = "--no-clamp", description = "Nanovoid: do not clamp the fields to [0, 1] (with the standard"
        + " parameters eta then diverges).")
    private boolean noClamp;

    @Option(names = "--no-void-mask", description = "Nanovoid: keep the solid free energy inside voids (the"
        + " group's code zeroes it where 1 - c_v - c_i < 1e-6).")
    private boolean noVoidMask;

    @Option(names = "--cascades", description = "Nanovoid: random cascade sources (p = 0.01 per cell and step where"
        + " eta < 0.8, strength U(0,1) * 0.01, vacancy bias 0.3), seeded by --seed.")
    private boolean cascades;

    @Option(names = "--noise", description = "Nanovoid: thermal noise N(0,1)/100 on each field, seeded by --seed.")
    private boolean noise;

    @Option(names = "--unsafe-dt", description = "Allow a dt at or above the stable bound (expect oscillation or"
        + " blow-up; a NaN stops the run with exit code 3).")
    private boolean unsafeDt;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Output directory: created if missing; must be empty unless --force. Required unless"
            + " --resume.")
    private Path out;

    @Option(names = "--every", paramLabel = "K",
        description = "Steps between snapshots and diagnostics rows. Default: --steps (snapshots of the first and"
            + " last state only).")
    private Integer every;

    @Option(names = "--format", split = ",", defaultValue = "npy", paramLabel = "FMT",
        description = "Snapshot formats, comma-separated: any of npy, png, vti. Default: ${DEFAULT-VALUE}.")
    private List<String> formats;

    @Option(names = "--checkpoint-every", paramLabel = "K",
        description = "Write a checkpoint (state and settings, crash-safe) every K steps and at the end into"
            + " DIR/checkpoints/, keeping the newest 2. Default: none.")
    private Integer checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR",
        description = "Continue the run in DIR from its newest valid checkpoint, with its settings, to its end;"
            + " only --steps N may be given, to change the total. The result is bitwise that of an uninterrupted"
            + " run.")
    private Path resume;

    @Option(names = "--force", description = "Write into a non-empty --out, replacing the files of the same names"
        + " (final.*, diagnostics.csv, run.json, snapshots) and dropping an earlier run's checkpoints/ckpt_*.ckpt;"
        + " nothing else is touched. Also replaces an existing --stats FILE.")
    private boolean force;

    @Option(names = "--debug", description = "Show stack traces with errors.")
    private boolean debug;

    SimulateCommand(boolean progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        RunSpec run = resume != null ? resumed() : build();
        Runner.Result r = Runner.run(run, spec.commandLine().getErr());
        Summary.print(spec.commandLine().getOut(), run, r);
        return 0;
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private RunSpec resumed() {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUME_OPTIONS.contains(o.longestName())) {
                throw CliException.usage(o.longestName() + " cannot be combined with --resume (the run's settings"
                    + " come from its checkpoint)", "drop " + o.longestName() + "; only --steps N may be given, to"
                    + " change the total");
            }
        }
        if (steps != null) {
            Checks.intInRange("--steps", steps, 0, Integer.MAX_VALUE, "give the total number of time steps");
        }
        return Resume.plan(resume, steps, progress, spec.commandLine().getErr());
    }

    private void requireRunOptions() {
        List<String> missing = new ArrayList<>();
        for (String o : List.of("--model", "--steps", "--out")) {
            if (!given(o)) {
                missing.add("'" + o + "=" + spec.findOption(o).paramLabel() + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw CliException.usage("Missing required option" + (missing.size() == 1 ? "" : "s") + ": "
                + String.join(", ", missing), "see 'lshsmile simulate --help', or use --resume DIR to continue a run");
        }
    }

    /** Refuses options that do not belong to the model. */
    private void checkModelOptions(String name) {
        for (Map.Entry<String, Set<String>> e : MODEL_OPTIONS.entrySet()) {
            String o = e.getKey();
            if (given(o) && !e.getValue().contains(name)) {
                String fix = o.equals("--clamp") && name.equals(ModelPreset.NANOVOID)
                    ? "drop --clamp: nanovoid clamps by default (--no-clamp switches it off)"
                    : "drop " + o;
                throw CliException.usage(o + " does not apply to " + name + " (it is an option of "
                    + String.join(" and ", e.getValue().stream().sorted().toList()) + ")", fix);
            }
        }
    }

    /** Checks every option and builds the run; nothing is written. */
    private RunSpec build() {
        requireRunOptions();
        String name = model.trim().toLowerCase(Locale.ROOT);
        if (!ModelPreset.models().contains(name)) {
            throw CliException.usage("unknown --model '" + model + "'", "use " + orList(ModelPreset.models()));
        }
        checkModelOptions(name);
        ModelPreset p;
        try {
            p = preset == null ? ModelPreset.defaultFor(name) : ModelPreset.byName(name, preset);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--preset", e, "use one of the model's presets");
        }
        String engineName = engine.trim().toLowerCase(Locale.ROOT);
        if (!engineName.equals(RunSpec.EXACT) && !engineName.equals(RunSpec.ACTIVE)
            && !engineName.equals(RunSpec.LSH)) {
            throw CliException.usage("unknown --engine '" + engine + "'", "use --engine exact, active or lsh");
        }
        if (tau != null && !engineName.equals(RunSpec.ACTIVE)) {
            throw CliException.usage("--tau applies only to --engine active", "add --engine active or drop --tau");
        }
        double threshold = tau != null ? tau : ActiveSetEngine.DEFAULT_TAU;
        if (!(threshold >= 0) || !Double.isFinite(threshold)) {
            throw CliException.usage("--tau must be a finite number >= 0, got " + Checks.fmt(threshold),
                "give a change threshold such as --tau 1e-10 (0 recomputes every cell whose stencil changed at all)");
        }
        StencilKernels k = KernelChoice.resolve(kernels);
        Boundary boundary;
        try {
            boundary = bc != null ? Boundary.parse(bc) : p.boundary();
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--bc", e, "use periodic or noflux");
        }
        RunSpec.Naming naming = naming();
        Checks.intInRange("--steps", steps, 0, Integer.MAX_VALUE, "give the number of time steps, e.g. --steps 1000");
        int k0 = every != null ? every : Math.max(1, steps);
        Checks.intInRange("--every", k0, 1, Integer.MAX_VALUE, "give the steps between snapshots, e.g. --every 100");
        int ckpt = checkpointEvery == null ? 0 : Checks.intInRange("--checkpoint-every", checkpointEvery, 1,
            Integer.MAX_VALUE, "give the steps between checkpoints, e.g. --checkpoint-every 1000");
        checkCompareAndStats(engineName, ckpt);
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Checks.intInRange("--threads", nThreads, 1, 1024, "use 1 to the number of cores ("
            + Runtime.getRuntime().availableProcessors() + " here)");
        double h = Checks.finiteInRange("--dx", dx != null ? dx : p.dx(), 1e-6, 1e6, "use a grid spacing such as 0.5");
        List<String> kinds = ModelPreset.initialStates(name);
        String kind = (ic != null ? ic : p.initialState()).trim().toLowerCase(Locale.ROOT);
        if (!kinds.contains(kind)) {
            throw CliException.usage("unknown --ic '" + ic + "' for " + name, "use " + orList(kinds)
                + ", or --init FILE.npy");
        }
        ModelSwitches switches = switches(name);
        if (init != null) {
            List<String> clash = new ArrayList<>(List.of("--size", "--ic", "--grains", "--order-params",
                "--circle-radius"));
            if (name.equals(ModelPreset.GRAIN_GROWTH)) {
                clash.add("--seed");
            }
            for (String o : clash) {
                if (given(o)) {
                    throw CliException.usage(o + " cannot be combined with --init (the file gives the state and its"
                        + " size)", "drop " + o + " or --init");
                }
            }
        }
        OutputDir.check(out, force, "--out");
        if (stats != null) {
            StatsCsv.check(stats, force);
        }

        RunSpec.InitialState state = init != null ? readInit(name, p) : generate(name, p, kind, h, boundary);
        Model m = switches.apply(p.model(state.fields()));
        for (String kv : params) {
            m = applyParam(m, kv);
        }
        double t = timeStep(m, p, h);
        return new RunSpec("simulate", m, switches, p.name(), state, h, t, unsafeDt, boundary, steps, k0, k,
            kernels.trim().toLowerCase(Locale.ROOT), nThreads, seed != null ? seed : DEFAULT_SEED, out, naming, ckpt,
            RunSpec.Start.FRESH, progress, engineName, threshold, lshSettings(engineName, ckpt), stats, compareExact);
    }

    /** Refuses --compare-exact with the exact engine or with checkpoints, and --stats without the LSH engine. */
    private void checkCompareAndStats(String engineName, int ckpt) {
        if (compareExact && engineName.equals(RunSpec.EXACT)) {
            throw CliException.usage("--compare-exact compares another engine with the exact one, but --engine is"
                + " exact", "add --engine lsh or --engine active, or drop --compare-exact");
        }
        if (compareExact && ckpt > 0) {
            throw CliException.usage("--compare-exact cannot be combined with --checkpoint-every (a resumed run could"
                + " not continue the exact comparison)", "drop --checkpoint-every or --compare-exact");
        }
        if (stats != null && !engineName.equals(RunSpec.LSH)) {
            throw CliException.usage("--stats applies only to --engine lsh (it writes the LSH engine's per-step"
                + " statistics)", "add --engine lsh or drop --stats");
        }
    }

    /** The LSH engine's settings, or null for the other engines (whose runs must not carry LSH options). */
    private RunSpec.LshSettings lshSettings(String engineName, int ckpt) {
        boolean any = lshMode != null || lshR != null || lshR0 != null || lshK != null || lshL != null
            || lshSeed != null || checkInvariants;
        if (!engineName.equals(RunSpec.LSH)) {
            if (any) {
                throw CliException.usage("--lsh-mode, --r, --r0, --K, --L, --lsh-seed and --check-invariants apply"
                    + " only to --engine lsh", "add --engine lsh or drop them");
            }
            return null;
        }
        if (ckpt > 0) {
            throw CliException.usage("--checkpoint-every is not supported with --engine lsh yet",
                "drop --checkpoint-every or use --engine exact or active");
        }
        org.lshsmile.core.lsh.LshSmileEngine.Mode mode;
        try {
            mode = org.lshsmile.core.lsh.LshSmileEngine.Mode.parse(lshMode == null ? "verified" : lshMode);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--lsh-mode", e, "use verified or paper");
        }
        double r = lshR != null ? lshR : 1e-3;
        if (!(r > 0) || !Double.isFinite(r)) {
            throw CliException.usage("--r must be a finite number > 0, got " + Checks.fmt(r),
                "give the bucket width, e.g. --r 1e-3");
        }
        double r0 = lshR0 != null ? lshR0 : r;
        if (!(r0 >= 0) || !Double.isFinite(r0)) {
            throw CliException.usage("--r0 must be a finite number >= 0, got " + Checks.fmt(r0),
                "give the re-evaluation threshold, e.g. --r0 1e-3");
        }
        int k = lshK != null ? lshK : 3;
        int l = lshL != null ? lshL : 10;
        Checks.intInRange("--K", k, 1, 64, "give the hashes per table, e.g. --K 3");
        Checks.intInRange("--L", l, 1, 256, "give the number of tables, e.g. --L 10");
        // --seed S alone fixes the whole run, hash family included; --lsh-seed varies the hashes on their own
        long hashSeed = lshSeed != null ? lshSeed : seed != null ? seed : DEFAULT_LSH_SEED;
        return new RunSpec.LshSettings(mode, r, r0, k, l, hashSeed, checkInvariants);
    }

    private RunSpec.Naming naming() {
        boolean npy = false;
        boolean png = false;
        boolean vti = false;
        for (String f : formats) {
            switch (f.trim().toLowerCase(Locale.ROOT)) {
                case "npy" -> npy = true;
                case "png" -> png = true;
                case "vti" -> vti = true;
                default -> throw CliException.usage("unknown --format '" + f + "'",
                    "use any of npy, png, vti, comma-separated (e.g. npy,vti)");
            }
        }
        return RunSpec.Naming.snapshots(npy, png, vti);
    }

    private ModelSwitches switches(String name) {
        if (name.equals(ModelPreset.GRAIN_GROWTH)) {
            return new ModelSwitches(clamp, Nanovoid.Form.LITERAL, true, Nanovoid.Sources.NONE);
        }
        if (!name.equals(ModelPreset.NANOVOID)) {
            return ModelSwitches.NONE;
        }
        Nanovoid.Form f;
        try {
            f = Nanovoid.Form.parse(form != null ? form : "literal");
        } catch (IllegalArgumentException e) {
            throw CliException.usage("unknown --form '" + form + "'", "use literal or conservative");
        }
        if (seed != null && !cascades && !noise) {
            throw CliException.usage("--seed applies to nanovoid only with --cascades or --noise (the rest is not"
                + " random)", "add --cascades or --noise, or drop --seed");
        }
        long s = seed != null ? seed : DEFAULT_SEED;
        return new ModelSwitches(!noClamp, f, !noVoidMask, Nanovoid.Sources.standard(s, cascades, noise));
    }

    private double timeStep(Model m, ModelPreset p, double h) {
        double stable = m.stableDt(h);
        if (dt != null) {
            double t = dt;
            if (!(t > 0) || !Double.isFinite(t)) {
                throw CliException.usage("--dt must be a positive finite number, got " + Checks.fmt(t),
                    "give a time step such as --dt " + Checks.roundDown(Math.min(p.dt(), 0.9 * stable)));
            }
            if (t >= stable && !unsafeDt) {
                throw CliException.usage("--dt " + Checks.fmt(t) + " is at or above the stability limit for dx = "
                    + Checks.fmt(h) + " and these parameters",
                    "the largest stable dt is just below " + Checks.fmt(stable) + ": use --dt "
                        + Checks.roundDown(stable) + " or less, or add --unsafe-dt to run anyway");
            }
            return t;
        }
        if (p.dt() < stable) {
            return p.dt();
        }
        double t = Double.parseDouble(Checks.roundDown(0.9 * stable));
        spec.commandLine().getErr().println("[INFO] dt: " + Checks.fmt(t) + " (the preset's "
            + Checks.fmt(p.dt()) + " is above the stable bound " + Checks.fmt(stable) + " for dx = "
            + Checks.fmt(h) + ")");
        return t;
    }

    private static Model applyParam(Model m, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0 || eq == kv.length() - 1) {
            throw CliException.usage("--param '" + kv + "' is not NAME=VALUE", "write e.g. --param "
                + m.parameters().keySet().iterator().next() + "=0.5");
        }
        String name = kv.substring(0, eq).trim();
        String text = kv.substring(eq + 1).trim();
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw CliException.usage("--param " + kv + ": '" + text + "' is not a number", "write e.g. --param "
                + name + "=0.5");
        }
        if (!Double.isFinite(v)) {
            throw CliException.usage("--param " + kv + ": the value must be finite", "give a finite number");
        }
        try {
            return ModelParams.with(m, name, v);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--param " + kv, e, "use a name from " + ModelParams.names(m)
                + " with a value the model accepts");
        }
    }

    private RunSpec.InitialState readInit(String name, ModelPreset p) {
        if (name.equals(ModelPreset.GRAIN_GROWTH)) {
            return InitFile.read(init, name, 0, MAX_ORDER_PARAMS, "");
        }
        Model m = p.model(name.equals(ModelPreset.NANOVOID) ? 3 : 1);
        List<String> fieldNames = new ArrayList<>();
        for (int f = 0; f < m.fields(); f++) {
            fieldNames.add(m.fieldName(f));
        }
        return InitFile.read(init, name, m.fields(), m.fields(), String.join(", ", fieldNames));
    }

    private RunSpec.InitialState generate(String name, ModelPreset p, String kind, double h, Boundary boundary) {
        int n = Checks.intInRange("--size", size != null ? size : p.size(), 2, Grid.MAX_SIDE,
            "use a grid side such as 128");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", kind);
        if (name.equals(ModelPreset.CAHN_HILLIARD)) {
            Checks.memory(1, n, n);
            d.put("c0", ModelPreset.PFHUB_C0);
            d.put("eps", ModelPreset.PFHUB_EPS);
            return new RunSpec.InitialState(ModelPreset.pfhubInitial(n, n, h), 1, n, n, d);
        }
        if (name.equals(ModelPreset.NANOVOID)) {
            Checks.memory(3, n, n);
            return new RunSpec.InitialState(Nanovoid.initialState(kind, n, n), 3, n, n, d);
        }
        if (kind.equals("circle")) {
            return circle(n, h, d);
        }
        if (circleRadius != null) {
            throw CliException.usage("--circle-radius applies only to --ic circle", "drop --circle-radius or use"
                + " --ic circle");
        }
        int q = orderParams != null ? orderParams
            : grains != null ? Math.max(1, Math.min(grains, DEFAULT_ORDER_PARAMS)) : DEFAULT_ORDER_PARAMS;
        Checks.intInRange("--order-params", q, 1, MAX_ORDER_PARAMS, "use e.g. --order-params 8");
        int g = grains != null ? grains : q;
        long maxGrains = Math.min(MAX_GRAINS, (long) n * n);
        Checks.intInRange("--grains", g, 1, maxGrains, "use --grains " + Math.min(maxGrains, 30) + " or fewer"
            + (maxGrains < MAX_GRAINS ? ", or a larger --size" : ""));
        Checks.memory(q, n, n);
        long s = seed != null ? seed : DEFAULT_SEED;
        d.put("seed", s);
        d.put("grains", g);
        d.put("periodic", boundary == Boundary.PERIODIC);
        try {
            double[] v = GrainStates.voronoi(n, n, g, q, s, boundary == Boundary.PERIODIC).values();
            return new RunSpec.InitialState(v, q, n, n, d);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--ic voronoi", e, "use more --order-params or fewer --grains");
        }
    }

    private RunSpec.InitialState circle(int n, double h, Map<String, Object> d) {
        if (given("--grains")) {
            throw CliException.usage("--grains does not apply to --ic circle (it has 2 grains)", "drop --grains");
        }
        if (orderParams != null && orderParams != 2) {
            throw CliException.usage("--ic circle has 2 order parameters, not " + orderParams, "drop --order-params");
        }
        if (given("--seed")) {
            throw CliException.usage("--seed does not apply to --ic circle (it is not random)", "drop --seed");
        }
        double side = n * h;
        double r = circleRadius != null ? circleRadius : side / 4;
        if (!(r > 0) || !Double.isFinite(r)) {
            throw CliException.usage("--circle-radius must be a positive finite length, got " + Checks.fmt(r),
                "give a radius in length units (cells times dx)");
        }
        if (r > side / 2) {
            throw CliException.usage("--circle-radius " + Checks.fmt(r) + " does not fit in the box of side "
                + Checks.fmt(side) + " (--size x --dx)", "use a radius up to " + Checks.fmt(side / 2));
        }
        Checks.memory(2, n, n);
        d.put("radius", r);
        return new RunSpec.InitialState(GrainStates.circle(n, n, h, r), 2, n, n, d);
    }

    /** "a", "a or b", "a, b or c". */
    private static String orList(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }
}
