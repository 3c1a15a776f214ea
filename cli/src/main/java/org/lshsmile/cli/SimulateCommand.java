package org.lshsmile.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.ModelPreset;
import org.lshsmile.simd.StencilKernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
@Command(name = "simulate", sortOptions = false, showDefaultValues = false,
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

    /** This command's own options that belong to some models only, and those models. */
    private static final Map<String, Set<String>> MODEL_OPTIONS = Map.of(
        "--seed", Set.of(ModelPreset.GRAIN_GROWTH, ModelPreset.NANOVOID),
        "--cascades", Set.of(ModelPreset.NANOVOID),
        "--noise", Set.of(ModelPreset.NANOVOID));

    /** The options --resume may be combined with. */
    private static final Set<String> RESUME_OPTIONS = Set.of("--resume", "--steps", "--debug", "--distributed");

    @Spec
    private CommandSpec spec;

    private final boolean progress;

    // order: places in the help; the shared ModelOptions keep theirs in between
    @Option(names = "--model", order = 10, paramLabel = "NAME",
        description = "Model: grain-growth (Fan-Chen, Q non-conserved order parameters), cahn-hilliard (PFHub"
            + " benchmark 1, field c) or nanovoid (Millett et al., fields c_v, c_i, eta). Required unless --resume.")
    private String model;

    @Mixin
    private ModelOptions modelOptions;

    @Option(names = "--seed", order = 50, paramLabel = "S",
        description = "Seed of the Voronoi grain centres (grain growth) or of the nanovoid --cascades and --noise."
            + " Default: 1.")
    private Long seed;

    @Option(names = "--steps", order = 120, paramLabel = "S",
        description = "Time steps to run (0 is allowed). Required unless --resume; with --resume, the new total"
            + " counted from the start of the run.")
    private Integer steps;

    @Option(names = "--engine", order = 140, defaultValue = "exact", paramLabel = "NAME",
        description = "Engine: exact (dense explicit Euler, every cell every step) or active (recomputes only the"
            + " cells whose 13-point stencil changed by more than --tau in the previous step, with a dense sweep"
            + " when more than 10%% of the cells are active; --tau 0 gives exact's bits with the scalar kernels)"
            + " or lsh (LSH-SMILE: one update per bucket of alike elements; single-threaded; see --lsh-mode,"
            + " --r, --r0, --K, --L). Default: ${DEFAULT-VALUE}.")
    private String engine;

    @Option(names = "--lsh-mode", order = 150, paramLabel = "MODE",
        description = "LSH engine: verified (merges checked by feature distance; default) or paper (as published).")
    private String lshMode;

    @Option(names = "--r", order = 160, paramLabel = "R",
        description = "LSH engine: bucket width and merge radius. Default: 1e-3.")
    private Double lshR;

    @Option(names = "--r0", order = 170, paramLabel = "R0",
        description = "LSH engine: re-evaluation threshold. Default: --r.")
    private Double lshR0;

    @Option(names = "--K", order = 180, paramLabel = "K",
        description = "LSH engine: hashes per table (AND). Default: 3.")
    private Integer lshK;

    @Option(names = "--L", order = 190, paramLabel = "L", description = "LSH engine: tables (OR). Default: 10.")
    private Integer lshL;

    @Option(names = "--lsh-seed", order = 200, paramLabel = "S",
        description = "LSH engine: seed of the hash family. Default: --seed when given, else 42.")
    private Long lshSeed;

    /** Seed of the LSH hash family when neither --lsh-seed nor --seed is given. */
    static final long DEFAULT_LSH_SEED = 42L;

    @Option(names = "--check-invariants", order = 210,
        description = "LSH engine: check the bucket invariants after every step (slow; for debugging).")
    private boolean checkInvariants;

    @Option(names = "--stats", order = 220, paramLabel = "FILE.csv",
        description = "LSH engine: write one CSV row per step (step 0 is the encoding) to FILE: step, buckets,"
            + " active_buckets, active_elements, evals, merges, rejected_merges, rehashed, eval_ns, rehash_ns,"
            + " merge_ns, total_ns. A relative FILE is relative to the working directory, not to --out. An existing"
            + " FILE is refused without --force.")
    private Path stats;

    @Option(names = "--compare-exact", order = 230,
        description = "Engines other than exact: also run the exact engine (same model, kernels and threads) from"
            + " the same initial state, and at every diagnostics row (step 0, every --every steps, the end) add the"
            + " max and mean |error| over all cells and fields to diagnostics.csv (max_abs_error, mean_abs_error)"
            + " and the final and worst values to run.json. Not with --checkpoint-every or --resume.")
    private boolean compareExact;

    @Option(names = "--tau", order = 240, paramLabel = "T",
        description = "Active engine: change threshold, a finite number >= 0 (0: any change). Default: 1e-10.")
    private Double tau;

    @Option(names = "--cascades", order = 320,
        description = "Nanovoid: random cascade sources (p = 0.01 per cell and step where eta < 0.8, strength"
            + " U(0,1) * 0.01, vacancy bias 0.3), seeded by --seed.")
    private boolean cascades;

    @Option(names = "--noise", order = 330,
        description = "Nanovoid: thermal noise N(0,1)/100 on each field, seeded by --seed.")
    private boolean noise;

    @Option(names = "--out", order = 350, paramLabel = "DIR",
        description = "Output directory: created if missing; must be empty unless --force. Required unless"
            + " --resume.")
    private Path out;

    @Option(names = "--every", order = 360, paramLabel = "K",
        description = "Steps between snapshots and diagnostics rows. Default: --steps (snapshots of the first and"
            + " last state only).")
    private Integer every;

    @Option(names = "--format", order = 370, split = ",", defaultValue = "npy", paramLabel = "FMT",
        description = "Snapshot formats, comma-separated: any of npy, png, vti. Default: ${DEFAULT-VALUE}.")
    private List<String> formats;

    @Option(names = "--slice", order = 375, paramLabel = "Z",
        description = "3-D runs: the slice z (0-based) the PNG snapshots show. Default: the middle one, nz / 2.")
    private Integer slice;

    @Option(names = "--checkpoint-every", order = 380, paramLabel = "K",
        description = "Write a checkpoint (state and settings, crash-safe) every K steps and at the end into"
            + " DIR/checkpoints/, keeping the newest 2. Default: none.")
    private Integer checkpointEvery;

    @Option(names = "--resume", order = 390, paramLabel = "DIR",
        description = "Continue the run in DIR from its newest valid checkpoint, with its settings, to its end;"
            + " only --steps N may be given, to change the total. The result is bitwise that of an uninterrupted"
            + " run.")
    private Path resume;

    @Option(names = "--force", order = 400,
        description = "Write into a non-empty --out, replacing the files of the same names (final.*, diagnostics.csv,"
            + " run.json, snapshots) and dropping an earlier run's checkpoints/ckpt_*.ckpt; nothing else is touched."
            + " Also replaces an existing --stats FILE.")
    private boolean force;

    @Option(names = "--distributed", order = 395,
        description = "Run as one rank of an MPI job: mpirun -np N ./lshsmile simulate ... --distributed. The grid is"
            + " cut into N slabs along its slowest axis (y in 2-D, z in 3-D), each rank steps its slab and exchanges"
            + " two ghost layers with its neighbours every step, and rank 0 gathers the state and writes every file;"
            + " with the exact and active engines the state is bitwise that of one process; the lsh engine (verified"
            + " mode) hashes each rank's slab with the ghost layers as fixed elements, with errors like one"
            + " process's. Needs Open MPI and the shim native/target/liblshsmile_mpi.so (built when mpicc is"
            + " present).")
    private boolean distributed;

    @Option(names = "--debug", order = 410, description = "Show stack traces with errors.")
    private boolean debug;

    @Mixin
    private HelpOptions help;

    SimulateCommand(boolean progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        if (distributed) {
            return DistributedRun.call(() -> resume != null ? resumed() : build(), spec.commandLine().getOut(),
                spec.commandLine().getErr());
        }
        RunSpec run = resume != null ? resumed() : build();
        Runner.Result r = Runner.run(run, spec.commandLine().getErr());
        Summary.print(spec.commandLine().getOut(), run, r);
        return 0;
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

    /** Checks every option and builds the run; nothing is written. */
    private RunSpec build() {
        Checks.required(spec, List.of("--model", "--steps", "--out"),
            "see 'lshsmile simulate --help', or use --resume DIR to continue a run");
        String name = ModelOptions.modelName(model);
        modelOptions.checkModelOptions(name, MODEL_OPTIONS);
        ModelPreset p = modelOptions.preset(name);
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
        StencilKernels k = modelOptions.kernels();
        Boundary boundary = modelOptions.boundary(p);
        RunSpec.Naming naming = naming();
        Checks.intInRange("--steps", steps, 0, Integer.MAX_VALUE, "give the number of time steps, e.g. --steps 1000");
        int k0 = every != null ? every : Math.max(1, steps);
        Checks.intInRange("--every", k0, 1, Integer.MAX_VALUE, "give the steps between snapshots, e.g. --every 100");
        int ckpt = checkpointEvery == null ? 0 : Checks.intInRange("--checkpoint-every", checkpointEvery, 1,
            Integer.MAX_VALUE, "give the steps between checkpoints, e.g. --checkpoint-every 1000");
        checkCompareAndStats(engineName, ckpt);
        int nThreads = modelOptions.threads();
        double h = modelOptions.dx(p);
        String kind = modelOptions.initialStateKind(name, p);
        ModelSwitches switches = modelOptions.switches(name, seed, cascades, noise);
        modelOptions.checkInit(name);
        OutputDir.check(out, force, "--out");
        if (stats != null) {
            StatsCsv.check(stats, force);
        }

        RunSpec.InitialState state = modelOptions.initialState(name, p, kind, h, boundary, seed);
        naming = threeD(state, engineName, k, naming);
        Model m = modelOptions.model(p, state, switches);
        double t = modelOptions.timeStep(m, p, h, state.is3d() ? 3 : 2);
        return new RunSpec("simulate", m, switches, p.name(), state, h, t, modelOptions.unsafeDt(), boundary, steps,
            k0, k, modelOptions.kernelsRequested(), nThreads, seed != null ? seed : ModelOptions.DEFAULT_SEED, out,
            naming, ckpt, RunSpec.Start.FRESH, progress, engineName, threshold, lshSettings(engineName, ckpt), stats,
            compareExact);
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

    /** Refuses what 3-D grids do not have yet (the active engine, C kernels); the PNG slice. */
    private RunSpec.Naming threeD(RunSpec.InitialState state, String engineName, StencilKernels k,
                                  RunSpec.Naming naming) {
        if (!state.is3d()) {
            if (slice != null) {
                throw CliException.usage("--slice applies only to 3-D runs", "drop --slice, or add --nz");
            }
            return naming;
        }
        if (engineName.equals(RunSpec.ACTIVE)) {
            throw CliException.usage("--engine " + engineName + " is 2-D only so far; this grid is "
                + state.nz() + " x " + state.ny() + " x " + state.nx(), "use --engine exact or lsh for 3-D grids");
        }
        if (!k.has3d()) {
            throw CliException.usage("--kernels " + k.name() + " has no 3-D step", "use --kernels simd or scalar"
                + " (or auto) for 3-D grids");
        }
        if (slice == null) {
            return naming;
        }
        return naming.withSlice(Checks.intInRange("--slice", slice, 0, state.nz() - 1,
            "give a slice index from 0 to " + (state.nz() - 1)));
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
}
