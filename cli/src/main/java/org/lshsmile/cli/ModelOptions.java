package org.lshsmile.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.ModelPreset;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.StencilKernels;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that choose a model, its parameters, grid and initial state, and the kernels, shared by
 * {@code simulate} and {@code dataset} (a picocli mixin), with the checks and builders behind them. Each
 * command calls the checks in its own order and keeps {@code --model} and {@code --seed}, whose help
 * differs between them.
 *
 * <p>{@code order}: an option's place in the help. These keep the places they have in simulate's help;
 * the commands number their own options around them.
 */
final class ModelOptions {

    /** Seed of the Voronoi centres (and of simulate's nanovoid sources) when {@code --seed} is not given. */
    static final long DEFAULT_SEED = 1;

    private static final int MAX_GRAINS = 65_536;
    private static final int MAX_ORDER_PARAMS = 4096;
    private static final int DEFAULT_ORDER_PARAMS = 8;

    /** Options of this mixin that belong to some models only, and those models. */
    private static final Map<String, Set<String>> MODEL_OPTIONS = Map.of(
        "--grains", Set.of(ModelPreset.GRAIN_GROWTH),
        "--order-params", Set.of(ModelPreset.GRAIN_GROWTH),
        "--circle-radius", Set.of(ModelPreset.GRAIN_GROWTH),
        "--clamp", Set.of(ModelPreset.GRAIN_GROWTH),
        "--form", Set.of(ModelPreset.NANOVOID),
        "--no-clamp", Set.of(ModelPreset.NANOVOID),
        "--no-void-mask", Set.of(ModelPreset.NANOVOID));

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--preset", order = 20, paramLabel = "NAME",
        description = "Parameter set and defaults of the model (see above). grain-growth: default (dx=0.5, dt=0.05,"
            + " L=5, kappa=0.1, A=B=1) or paper (dx=1, where grain boundaries are pinned by the lattice);"
            + " cahn-hilliard: pfhub-1a or pfhub-1b; nanovoid: default or paper. Default: the model's first.")
    private String preset;

    @Option(names = "--init", order = 30, paramLabel = "FILE.npy",
        description = "Initial state from a float64 .npy of shape (m, ny, nx), or (ny, nx) when m = 1, or (m, nz, ny,"
            + " nx) for a 3-D grid. The grid size (and Q) come from the file, so --size, --nz, --ic, --grains,"
            + " --order-params, --circle-radius (and"
            + " for grain growth --seed) must not be given.")
    private Path init;

    @Option(names = "--ic", order = 40, paramLabel = "KIND",
        description = "Generated initial state. grain-growth: voronoi (--grains sharp Voronoi grains) or circle (a"
            + " disc grain of --circle-radius in a matrix grain; Q = 2); cahn-hilliard: pfhub (c0 = 0.5,"
            + " eps = 0.01); nanovoid: v0 (one void r=7), v1 (one void r=10), v2 (two voids). Default: the"
            + " preset's (voronoi, pfhub, v0).")
    private String ic;

    @Option(names = "--grains", order = 60, paramLabel = "G",
        description = "Voronoi grains. Default: Q. With more grains than Q, touching grains get different order"
            + " parameters.")
    private Integer grains;

    @Option(names = "--order-params", order = 70, paramLabel = "Q",
        description = "Order parameters (fields). Default: 8, or G when --grains G is below 8; 2 for --ic circle.")
    private Integer orderParams;

    @Option(names = "--circle-radius", order = 80, paramLabel = "R",
        description = "Radius of the --ic circle grain in length units (cells times dx). Default: a quarter of"
            + " the box side.")
    private Double circleRadius;

    @Option(names = "--size", order = 90, paramLabel = "N",
        description = "Grid of N x N cells for generated states. Default: the preset's (128, or 200 for"
            + " cahn-hilliard).")
    private Integer size;

    @Option(names = "--nz", order = 95, paramLabel = "NZ",
        description = "Slices along z: a 3-D grid of NZ x N x N cells (seven-point stencils; exact or lsh engine, the"
            + " lsh engine with 25-point feature vectors; simd or scalar kernels). Default: 1, a 2-D grid. 3-D states: grain-growth voronoi (3-D seeds), cahn-hilliard"
            + " pfhub with a z term, nanovoid spherical voids.")
    private Integer nz;

    @Option(names = "--dx", order = 100, paramLabel = "H", description = "Grid spacing. Default: the preset's.")
    private Double dx;

    @Option(names = "--dt", order = 110, paramLabel = "T",
        description = "Time step. Default: the preset's, or 90%% of the stable bound when that is smaller. A dt"
            + " at or above the model's stable bound (grain growth: 2 / (L (8 kappa / dx^2 + 2 A))) is refused"
            + " without --unsafe-dt.")
    private Double dt;

    @Option(names = "--bc", order = 130, paramLabel = "BC",
        description = "Boundary condition: periodic or noflux (mirror). Default: the preset's.")
    private String bc;

    @Option(names = "--kernels", order = 250, defaultValue = "${sys:lshsmile.kernels:-auto}", paramLabel = "K",
        description = "Stencil kernels: auto (Vector API when available, else scalar), scalar, simd or native (the C"
            + " library native/target/liblshsmile.so through FFM, or the file -Dlshsmile.native.lib names; an error if"
            + " it is absent). They give identical bits for every model. Default: ${DEFAULT-VALUE}.")
    private String kernels;

    @Option(names = "--threads", order = 260, paramLabel = "N",
        description = "Threads (row bands; the result does not depend on it). Default: the number of processors.")
    private Integer threads;

    @Option(names = "--param", order = 270, paramLabel = "NAME=VALUE",
        description = "Override a model parameter (repeatable). grain-growth: L, kappa, A, B (all grains), or"
            + " L_i, kappa_i (grain i, 1-based); cahn-hilliard: M, kappa, rho, ca, cb; nanovoid: Ev, Ei, kT, kv,"
            + " ki, ke, R_bulk, R_surf, Dv, Di, L.")
    private List<String> params = new ArrayList<>();

    @Option(names = "--clamp", order = 280, description = "Grain growth: clamp every field to [0, 1] after each step.")
    private boolean clamp;

    @Option(names = "--form", order = 290, paramLabel = "FORM",
        description = "Nanovoid: literal (M lap mu, the paper's form) or conservative (div(M grad mu), conserves"
            + " c_v and c_i without sources, recombination and clamp). Default: literal.")
    private String form;

    @Option(names = "--no-clamp", order = 300,
        description = "Nanovoid: do not clamp the fields to [0, 1] (with the standard parameters eta then diverges).")
    private boolean noClamp;

    @Option(names = "--no-void-mask", order = 310,
        description = "Nanovoid: keep the solid free energy inside voids (the group's code zeroes it where"
            + " 1 - c_v - c_i < 1e-6).")
    private boolean noVoidMask;

    @Option(names = "--unsafe-dt", order = 340,
        description = "Allow a dt at or above the stable bound (expect oscillation or blow-up; a NaN stops the run"
            + " with exit code 3).")
    private boolean unsafeDt;

    private boolean given(String option) {
        return mixee.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The {@code --model} name, trimmed and lower-cased; a usage error for an unknown model. */
    static String modelName(String model) {
        String name = model.trim().toLowerCase(Locale.ROOT);
        if (!ModelPreset.models().contains(name)) {
            throw CliException.usage("unknown --model '" + model + "'", "use " + orList(ModelPreset.models()));
        }
        return name;
    }

    /**
     * Refuses options that do not belong to the model.
     *
     * @param own the command's own model-specific options, and their models
     */
    void checkModelOptions(String name, Map<String, Set<String>> own) {
        Map<String, Set<String>> all = new TreeMap<>(MODEL_OPTIONS);
        all.putAll(own);
        for (Map.Entry<String, Set<String>> e : all.entrySet()) {
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

    /** The {@code --preset} of the model, or its default. */
    ModelPreset preset(String name) {
        try {
            return preset == null ? ModelPreset.defaultFor(name) : ModelPreset.byName(name, preset);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--preset", e, "use one of the model's presets");
        }
    }

    /** The {@code --kernels}. */
    StencilKernels kernels() {
        return KernelChoice.resolve(kernels);
    }

    /** What {@code --kernels} said, trimmed and lower-cased. */
    String kernelsRequested() {
        return kernels.trim().toLowerCase(Locale.ROOT);
    }

    /** The {@code --bc}, or the preset's. */
    Boundary boundary(ModelPreset p) {
        try {
            return bc != null ? Boundary.parse(bc) : p.boundary();
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--bc", e, "use periodic or noflux");
        }
    }

    /** The {@code --threads}, or the number of processors. */
    int threads() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        return Checks.intInRange("--threads", n, 1, 1024, "use 1 to the number of cores ("
            + Runtime.getRuntime().availableProcessors() + " here)");
    }

    /** The {@code --dx}, or the preset's. */
    double dx(ModelPreset p) {
        return Checks.finiteInRange("--dx", dx != null ? dx : p.dx(), 1e-6, 1e6, "use a grid spacing such as 0.5");
    }

    /** The kind of generated initial state: {@code --ic}, or the preset's. */
    String initialStateKind(String name, ModelPreset p) {
        List<String> kinds = ModelPreset.initialStates(name);
        String kind = (ic != null ? ic : p.initialState()).trim().toLowerCase(Locale.ROOT);
        if (!kinds.contains(kind)) {
            throw CliException.usage("unknown --ic '" + ic + "' for " + name, "use " + orList(kinds)
                + ", or --init FILE.npy");
        }
        return kind;
    }

    /**
     * The model's switches: grain growth's {@code --clamp}; nanovoid's {@code --form}, {@code --no-clamp},
     * {@code --no-void-mask} and the random sources.
     *
     * @param seed     the command's {@code --seed}, or null
     * @param cascades nanovoid cascade sources
     * @param noise    nanovoid thermal noise
     */
    ModelSwitches switches(String name, Long seed, boolean cascades, boolean noise) {
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

    /** Refuses the options that {@code --init} replaces. */
    void checkInit(String name) {
        if (init == null) {
            return;
        }
        List<String> clash = new ArrayList<>(List.of("--size", "--nz", "--ic", "--grains", "--order-params",
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

    /**
     * The initial state: the {@code --init} file, or a generated one.
     *
     * @param seed the command's {@code --seed}, or null
     */
    RunSpec.InitialState initialState(String name, ModelPreset p, String kind, double h, Boundary boundary,
                                      Long seed) {
        return init != null ? readInit(name, p) : generate(name, p, kind, h, boundary, seed);
    }

    /** The preset's model for the state's fields, with the switches and the {@code --param} overrides. */
    Model model(ModelPreset p, RunSpec.InitialState state, ModelSwitches switches) {
        Model m = switches.apply(p.model(state.fields()));
        for (String kv : params) {
            m = applyParam(m, kv);
        }
        return m;
    }

    /** Whether {@code --unsafe-dt} was given. */
    boolean unsafeDt() {
        return unsafeDt;
    }

    /**
     * The {@code --dt}, refused at or above the stable bound without {@code --unsafe-dt}; or the preset's,
     * or 90% of the stable bound when that is smaller (said in an INFO line).
     */
    double timeStep(Model m, ModelPreset p, double h, int dims) {
        double stable = m.stableDt(h, dims);
        if (!(stable > 0)) {
            // huge --param values (L=1e308) make the bound underflow to 0: no dt is stable, refuse before any output
            throw CliException.usage("no time step is stable with " + (params.isEmpty() ? "these parameters"
                : "--param " + String.join(" --param ", params)) + " (the explicit step's bound is "
                + Checks.fmt(stable) + " for dx = " + Checks.fmt(h) + ")", "use smaller parameter values, e.g. the"
                + " preset's");
        }
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
        mixee.commandLine().getErr().println("[INFO] dt: " + Checks.fmt(t) + " (the preset's "
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
        try {
            return readInitFile(name, p);
        } catch (CliException e) {
            throw Checks.named("--init", e);
        }
    }

    private RunSpec.InitialState readInitFile(String name, ModelPreset p) {
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

    private RunSpec.InitialState generate(String name, ModelPreset p, String kind, double h, Boundary boundary,
                                          Long seed) {
        int n = Checks.intInRange("--size", size != null ? size : p.size(), 2, Grid.MAX_SIDE,
            "use a grid side such as 128");
        int slices = Checks.intInRange("--nz", nz != null ? nz : 1, 1, Grid.MAX_SIDE,
            "use --nz 1 for a 2-D grid, or a slice count such as 64");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", kind);
        if (slices > 1) {
            d.put("nz", slices);
        }
        if (name.equals(ModelPreset.CAHN_HILLIARD)) {
            sizeFits(1, slices, n);
            d.put("c0", ModelPreset.PFHUB_C0);
            d.put("eps", ModelPreset.PFHUB_EPS);
            double[] v = slices == 1 ? ModelPreset.pfhubInitial(n, n, h)
                : CahnHilliard.pfhub1Initial3d(slices, n, n, h, ModelPreset.PFHUB_C0, ModelPreset.PFHUB_EPS);
            return new RunSpec.InitialState(v, 1, slices, n, n, d);
        }
        if (name.equals(ModelPreset.NANOVOID)) {
            sizeFits(3, slices, n);
            return new RunSpec.InitialState(Nanovoid.initialState(kind, slices, n, n), 3, slices, n, n, d);
        }
        if (kind.equals("circle")) {
            if (slices > 1) {
                throw CliException.usage("--ic circle is a 2-D state", "drop --nz, or use --ic voronoi in 3-D");
            }
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
        long maxGrains = Math.min(MAX_GRAINS, (long) slices * n * n);
        Checks.intInRange("--grains", g, 1, maxGrains, "use --grains " + Math.min(maxGrains, 30) + " or fewer"
            + (maxGrains < MAX_GRAINS ? ", or a larger --size" : ""));
        sizeFits(q, slices, n);
        long s = seed != null ? seed : DEFAULT_SEED;
        d.put("seed", s);
        d.put("grains", g);
        d.put("periodic", boundary == Boundary.PERIODIC);
        try {
            double[] v = GrainStates.voronoi(slices, n, n, g, q, s, boundary == Boundary.PERIODIC).values();
            return new RunSpec.InitialState(v, q, slices, n, n, d);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--ic voronoi", e, "use more --order-params or fewer --grains");
        }
    }

    /** Refuses a generated state of {@code fields} x n x n that cannot fit, naming --size. */
    private static void sizeFits(int fields, int nz, int n) {
        try {
            Checks.memory(fields, nz, n, n);
        } catch (CliException e) {
            throw Checks.named(nz > 1 ? "--size and --nz" : "--size", e);
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
        sizeFits(2, 1, n);
        d.put("radius", r);
        return new RunSpec.InitialState(GrainStates.circle(n, n, h, r), 2, n, n, d);
    }

    /** "a", "a or b", "a, b or c". */
    static String orList(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }
}
