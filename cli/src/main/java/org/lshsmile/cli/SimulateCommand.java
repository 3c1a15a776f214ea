package org.lshsmile.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;
import org.lshsmile.core.io.NpyFormatException;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.StencilKernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lshsmile simulate}: one phase-field run from a generated or loaded initial state, with
 * snapshots, diagnostics.csv, final.npy and run.json in the output directory.
 *
 * <p>Every option is checked before anything is allocated or written; a problem is one line on stderr
 * and exit code 2.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = false,
    header = "Run a phase-field simulation and write its outputs to a directory.",
    description = {
        "Outputs in --out DIR:",
        "  final.npy         final state, float64, shape (m, ny, nx)",
        "  snap_<step>.npy   snapshots at step 0 and every --every steps (.png too",
        "                    with --format npy,png)",
        "  diagnostics.csv   step,time,free_energy,total_eta_1,... at step 0, every",
        "                    --every steps and at the end",
        "  run.json          model, parameters, grid, engine, kernels, timing, versions",
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
        "",
        "Exit codes: 0 done, 1 I/O or memory failure, 2 bad input, 3 NaN or infinity",
        "during the run (last_good.npy then holds the last finite state)."})
final class SimulateCommand implements Callable<Integer> {

    private static final int MAX_GRAINS = 65_536;
    private static final int MAX_ORDER_PARAMS = 4096;
    private static final int DEFAULT_ORDER_PARAMS = 8;

    @Spec
    private CommandSpec spec;

    private final boolean progress;

    @Option(names = "--model", required = true, paramLabel = "NAME",
        description = "Model: grain-growth (Fan-Chen, Q non-conserved order parameters).")
    private String model;

    @Option(names = "--preset", defaultValue = "default", paramLabel = "NAME",
        description = "Parameter set: default (dx=0.5, dt=0.05, L=5, kappa=0.1, A=B=1) or paper (the same with"
            + " dx=1, where grain boundaries are pinned by the lattice). Default: ${DEFAULT-VALUE}.")
    private String preset;

    @Option(names = "--init", paramLabel = "FILE.npy",
        description = "Initial state from a float64 .npy of shape (m, ny, nx), or (ny, nx) when m = 1. The grid"
            + " size and Q come from the file, so --size, --ic, --seed, --grains, --order-params and"
            + " --circle-radius must not be given.")
    private Path init;

    @Option(names = "--ic", defaultValue = "voronoi", paramLabel = "KIND",
        description = "Generated initial state: voronoi (--grains sharp Voronoi grains) or circle (a disc grain of"
            + " --circle-radius in a matrix grain; Q = 2). Default: ${DEFAULT-VALUE}.")
    private String ic;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
        description = "Seed of the Voronoi grain centres. Default: ${DEFAULT-VALUE}.")
    private long seed;

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

    @Option(names = "--size", defaultValue = "128", paramLabel = "N",
        description = "Grid of N x N cells for generated states. Default: ${DEFAULT-VALUE}.")
    private int size;

    @Option(names = "--dx", paramLabel = "H", description = "Grid spacing. Default: the preset's.")
    private Double dx;

    @Option(names = "--dt", paramLabel = "T",
        description = "Time step. Default: the preset's, or 90%% of the stable bound when that is smaller. A dt"
            + " at or above the stable bound 2 / (L (8 kappa / dx^2 + 2 A)) is refused without --unsafe-dt.")
    private Double dt;

    @Option(names = "--steps", required = true, paramLabel = "S", description = "Time steps to run (0 is allowed).")
    private int steps;

    @Option(names = "--bc", defaultValue = "periodic", paramLabel = "BC",
        description = "Boundary condition: periodic or noflux (mirror). Default: ${DEFAULT-VALUE}.")
    private String bc;

    @Option(names = "--engine", defaultValue = "exact", paramLabel = "NAME",
        description = "Engine: exact (dense explicit Euler, every cell every step). Default: ${DEFAULT-VALUE}.")
    private String engine;

    @Option(names = "--kernels", defaultValue = "${sys:lshsmile.kernels:-auto}", paramLabel = "K",
        description = "Stencil kernels: auto (Vector API when available, else scalar), scalar or simd. All give"
            + " identical bits. Default: ${DEFAULT-VALUE}.")
    private String kernels;

    @Option(names = "--threads", paramLabel = "N",
        description = "Threads (row bands; the result does not depend on it). Default: the number of processors.")
    private Integer threads;

    @Option(names = "--param", paramLabel = "NAME=VALUE",
        description = "Override a model parameter (repeatable): L, kappa, A, B (all grains), or L_i, kappa_i"
            + " (grain i, 1-based).")
    private List<String> params = new ArrayList<>();

    @Option(names = "--clamp", description = "Clamp every field to [0, 1] after each step.")
    private boolean clamp;

    @Option(names = "--unsafe-dt", description = "Allow a dt at or above the stable bound (expect oscillation or"
        + " blow-up; a NaN stops the run with exit code 3).")
    private boolean unsafeDt;

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "Output directory: created if missing; must be empty unless --force.")
    private Path out;

    @Option(names = "--every", paramLabel = "K",
        description = "Steps between snapshots and diagnostics rows. Default: --steps (snapshots of the first and"
            + " last state only).")
    private Integer every;

    @Option(names = "--format", split = ",", defaultValue = "npy", paramLabel = "FMT",
        description = "Snapshot formats, comma-separated: npy, png. Default: ${DEFAULT-VALUE}.")
    private List<String> formats;

    @Option(names = "--force", description = "Write into a non-empty --out, replacing the files of the same names"
        + " (final.npy, diagnostics.csv, run.json, snapshots); nothing else is touched.")
    private boolean force;

    @Option(names = "--debug", description = "Show stack traces with errors.")
    private boolean debug;

    SimulateCommand(boolean progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        RunSpec run = build();
        Runner.Result r = Runner.run(run, spec.commandLine().getErr());
        Summary.print(spec.commandLine().getOut(), run, r);
        return 0;
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Checks every option and builds the run; nothing is written. */
    private RunSpec build() {
        if (!model.trim().equalsIgnoreCase("grain-growth")) {
            throw CliException.usage("unknown --model '" + model + "'",
                "use --model grain-growth (the only model so far)");
        }
        Preset p;
        try {
            p = Preset.byName(preset);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--preset", e, "use default or paper");
        }
        if (!engine.trim().equalsIgnoreCase("exact")) {
            throw CliException.usage("unknown --engine '" + engine + "'",
                "use --engine exact (the only engine so far)");
        }
        StencilKernels k = KernelChoice.resolve(kernels);
        Boundary boundary;
        try {
            boundary = Boundary.parse(bc);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--bc", e, "use periodic or noflux");
        }
        boolean npy = false;
        boolean png = false;
        for (String f : formats) {
            switch (f.trim().toLowerCase(Locale.ROOT)) {
                case "npy" -> npy = true;
                case "png" -> png = true;
                default -> throw CliException.usage("unknown --format '" + f + "'", "use npy, png or npy,png");
            }
        }
        Checks.intInRange("--steps", steps, 0, Integer.MAX_VALUE, "give the number of time steps, e.g. --steps 1000");
        int k0 = every != null ? every : Math.max(1, steps);
        Checks.intInRange("--every", k0, 1, Integer.MAX_VALUE, "give the steps between snapshots, e.g. --every 100");
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Checks.intInRange("--threads", nThreads, 1, 1024, "use 1 to the number of cores ("
            + Runtime.getRuntime().availableProcessors() + " here)");
        double h = Checks.finiteInRange("--dx", dx != null ? dx : p.dx(), 1e-6, 1e6, "use a grid spacing such as 0.5");
        String kind = ic.trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("voronoi") && !kind.equals("circle")) {
            throw CliException.usage("unknown --ic '" + ic + "'", "use voronoi or circle, or --init FILE.npy");
        }
        if (init != null) {
            for (String o : List.of("--size", "--ic", "--seed", "--grains", "--order-params", "--circle-radius")) {
                if (given(o)) {
                    throw CliException.usage(o + " cannot be combined with --init (the file gives the state and its"
                        + " size)", "drop " + o + " or --init");
                }
            }
        }
        OutputDir.check(out, force, "--out");

        RunSpec.InitialState state = init != null ? readInit() : generate(kind, h, boundary);
        GrainGrowth m = p.grainGrowth(state.fields(), clamp);
        for (String kv : params) {
            m = applyParam(m, kv);
        }
        double stable = m.stableDt(h);
        double t;
        if (dt != null) {
            t = dt;
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
        } else if (p.dt() < stable) {
            t = p.dt();
        } else {
            t = Double.parseDouble(Checks.roundDown(0.9 * stable));
            spec.commandLine().getErr().println("[INFO] dt: " + Checks.fmt(t) + " (the preset's "
                + Checks.fmt(p.dt()) + " is above the stable bound " + Checks.fmt(stable) + " for dx = "
                + Checks.fmt(h) + ")");
        }
        return new RunSpec("simulate", m, p.name(), state, h, t, unsafeDt, boundary, steps, k0, k,
            kernels.trim().toLowerCase(Locale.ROOT), nThreads, out, RunSpec.Naming.snapshots(npy, png), progress);
    }

    private static GrainGrowth applyParam(GrainGrowth m, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0 || eq == kv.length() - 1) {
            throw CliException.usage("--param '" + kv + "' is not NAME=VALUE", "write e.g. --param L=8 or"
                + " --param kappa_2=0.05");
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
            throw CliException.usage("--param " + kv + ": the value must be finite", "give a positive finite number");
        }
        try {
            return m.with(name, v);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--param " + kv, e, "use a name from L, kappa, A, B, L_i, kappa_i (i = 1.."
                + m.orderParameters() + ") with a positive finite value");
        }
    }

    private RunSpec.InitialState generate(String kind, double h, Boundary boundary) {
        int n = Checks.intInRange("--size", size, 2, Grid.MAX_SIDE, "use a grid side such as 128");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", kind);
        if (kind.equals("circle")) {
            if (given("--grains")) {
                throw CliException.usage("--grains does not apply to --ic circle (it has 2 grains)", "drop --grains");
            }
            if (orderParams != null && orderParams != 2) {
                throw CliException.usage("--ic circle has 2 order parameters, not " + orderParams,
                    "drop --order-params");
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
        d.put("seed", seed);
        d.put("grains", g);
        d.put("periodic", boundary == Boundary.PERIODIC);
        try {
            double[] v = GrainStates.voronoi(n, n, g, q, seed, boundary == Boundary.PERIODIC).values();
            return new RunSpec.InitialState(v, q, n, n, d);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--ic voronoi", e, "use more --order-params or fewer --grains");
        }
    }

    private RunSpec.InitialState readInit() {
        long bytes;
        try {
            bytes = Files.size(init);
        } catch (NoSuchFileException e) {
            throw CliException.usage("cannot read --init " + init + ": no such file", "check the path");
        } catch (AccessDeniedException e) {
            throw CliException.usage("cannot read --init " + init + ": permission denied", "check its permissions");
        } catch (IOException e) {
            throw CliException.usage("cannot read --init " + init + ": " + OutputDir.reason(e), "check the path");
        }
        if (Files.isDirectory(init)) {
            throw CliException.usage("--init " + init + " is a directory", "give a .npy file");
        }
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && bytes > max * 0.45) {
            throw CliException.usage("--init " + init + " is " + MemoryBudget.human(bytes) + ", too large for the "
                + MemoryBudget.human(max) + " Java heap", "raise the heap (LSHSMILE_JAVA_OPTS=-Xmx16g ./lshsmile ...)");
        }
        NpyArray a;
        try {
            a = Npy.read(init);
        } catch (NpyFormatException e) {
            throw new CliException(CliException.USAGE, CliException.oneLine(e.getMessage()), null, e);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read --init " + init + ": " + OutputDir.reason(e),
                "check the path and its permissions", e);
        }
        int[] s = a.shape();
        if (s.length != 2 && s.length != 3) {
            throw CliException.usage(init + " has shape " + Npy.shapeString(s), "grain growth needs (m, ny, nx),"
                + " or (ny, nx) for one field");
        }
        int m = s.length == 3 ? s[0] : 1;
        int ny = s[s.length - 2];
        int nx = s[s.length - 1];
        if (m < 1 || m > MAX_ORDER_PARAMS || ny < 2 || nx < 2 || ny > Grid.MAX_SIDE || nx > Grid.MAX_SIDE) {
            throw CliException.usage(init + " has shape " + Npy.shapeString(s) + ": m must be 1.." + MAX_ORDER_PARAMS
                + " and ny, nx 2.." + Grid.MAX_SIDE, "save a state of shape (m, ny, nx)");
        }
        Checks.memory(m, ny, nx);
        double[] v = a.data();
        int plane = ny * nx;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                int f = i / plane;
                int y = i % plane / nx;
                int x = i % nx;
                String cell = s.length == 3 ? "[" + f + ", " + y + ", " + x + "] (field " + f + ", y=" + y + ", x=" + x
                    + ")" : "[" + y + ", " + x + "] (y=" + y + ", x=" + x + ")";
                throw CliException.usage(init + ": the initial state has a non-finite value " + v[i] + " at " + cell,
                    "replace NaN and infinity with finite values, e.g. numpy.nan_to_num");
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", "file");
        d.put("path", init.toAbsolutePath().toString());
        d.put("shape", s);
        return new RunSpec.InitialState(v, m, ny, nx, d);
    }
}
