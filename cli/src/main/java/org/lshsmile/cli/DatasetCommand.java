package org.lshsmile.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.io.Npy;
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
 * {@code lshsmile dataset}: frames of an exact simulation for learning ({@link DatasetWriter}), or with
 * {@code --check DIR} the check of an existing dataset ({@link Dataset}). The model options are
 * simulate's ({@link ModelOptions}); nanovoid runs without random sources, so the frames are a
 * deterministic function of the index.
 *
 * <p>Every option is checked before anything is written; a problem is one line on stderr and exit code 2.
 */
@Command(name = "dataset", sortOptions = false, showDefaultValues = false,
    header = "Write the frames of an exact simulation as a dataset for 'lshsmile learn'.",
    description = {
        "Runs the exact engine from the preset's initial state (or --init) and writes",
        "--frames F states, --every K steps apart, into --out DIR:",
        "  frame_00000.npy ...  frame i is the state after i*K steps (frame 0 the",
        "                       initial state), float64, shape (m, ny, nx)",
        "  index.json           written last: format version, model, preset, every",
        "                       parameter by name, switches, fields and their names,",
        "                       size, dx, dt, boundary, initial state, seed, K, the",
        "                       frames ({file, step}), engine, kernels, version",
        "A directory without index.json is an incomplete dataset. Models, presets and",
        "their options are simulate's ('lshsmile simulate --help'); nanovoid runs",
        "without random sources. Frame i equals the final.npy of 'lshsmile simulate'",
        "with the same options and --steps i*K, bit for bit.",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lshsmile dataset --model grain-growth --order-params 3 --size 128 \\",
        "      --frames 1700 --every 1 --out gg-data",
        "  lshsmile dataset --model nanovoid --ic v2 --frames 200 --every 10 \\",
        "      --out nv-data",
        "  lshsmile dataset --check gg-data",
        "",
        "Exit codes: 0 done, 1 I/O or memory failure, 2 bad input (or, with --check, a",
        "bad dataset), 3 NaN or infinity during the run (no index.json is written)."})
final class DatasetCommand implements Callable<Integer> {

    private static final int MAX_FRAMES = 10_000_000;

    /** This command's own options that belong to some models only: nanovoid runs without sources here. */
    private static final Map<String, Set<String>> MODEL_OPTIONS = Map.of(
        "--seed", Set.of(ModelPreset.GRAIN_GROWTH));

    /** The options --check may be combined with. */
    private static final Set<String> CHECK_OPTIONS = Set.of("--check", "--debug");

    @Spec
    private CommandSpec spec;

    private final boolean progress;

    // order: places in the help; the shared ModelOptions keep theirs (simulate's) in between
    @Option(names = "--model", order = 10, paramLabel = "NAME",
        description = "Model: grain-growth (Fan-Chen, Q non-conserved order parameters), cahn-hilliard (PFHub"
            + " benchmark 1, field c) or nanovoid (Millett et al., fields c_v, c_i, eta). Required unless --check.")
    private String model;

    @Mixin
    private ModelOptions modelOptions;

    @Option(names = "--seed", order = 50, paramLabel = "S",
        description = "Seed of the Voronoi grain centres (grain growth). Default: 1.")
    private Long seed;

    @Option(names = "--frames", order = 120, paramLabel = "F",
        description = "Frames to write, at least 2 (frame 0 is the initial state): the run takes (F - 1) x K"
            + " steps. Required unless --check.")
    private Integer frames;

    @Option(names = "--every", order = 121, paramLabel = "K",
        description = "Steps between frames. Default: 1.")
    private Integer every;

    @Option(names = "--out", order = 350, paramLabel = "DIR",
        description = "Dataset directory: created if missing; must be empty unless --force. Required unless"
            + " --check.")
    private Path out;

    @Option(names = "--force", order = 400,
        description = "Write into a non-empty --out: its index.json is deleted first (the directory reads as"
            + " incomplete until the new one is written), frame_NNNNN.npy files of the same names are replaced,"
            + " nothing else is touched (frames of an earlier, longer dataset stay, outside the new index).")
    private boolean force;

    @Option(names = "--check", order = 405, paramLabel = "DIR",
        description = "Check the dataset in DIR instead of writing one: index.json (format, model, parameters,"
            + " steps) and every frame (present, of the index's shape, finite). Prints one line; a problem is one"
            + " line on stderr and exit code 2. Only --debug may be given with it.")
    private Path check;

    @Option(names = "--debug", order = 410, description = "Show stack traces with errors.")
    private boolean debug;

    @Mixin
    private HelpOptions help;

    DatasetCommand(boolean progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (check != null) {
            return check(stdout);
        }
        DatasetWriter.Spec s = build();
        DatasetWriter.Result r = DatasetWriter.write(s, spec.commandLine().getErr());
        DatasetIndex index = r.index();
        stdout.printf(Locale.ROOT, "dataset: %d frames of shape %s, steps 0 to %d every %d, in %s%n",
            index.frames().size(), DatasetWriter.shape(s.init()), s.steps(), s.every(), s.out());
        stdout.printf(Locale.ROOT, "  %s, dx = %s, dt = %s, %s; %.2f s (%.2f s stepping, %.1f steps per second)%n",
            index.modelName(), Checks.fmt(index.dx()), Checks.fmt(index.dt()), index.boundary().label(),
            r.wallSeconds(), r.stepSeconds(), r.stepSeconds() > 0 ? s.steps() / r.stepSeconds() : Double.NaN);
        return 0;
    }

    private int check(PrintWriter stdout) {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!CHECK_OPTIONS.contains(o.longestName())) {
                throw CliException.usage(o.longestName() + " cannot be combined with --check (it reads an existing"
                    + " dataset)", "drop " + o.longestName());
            }
        }
        Dataset d;
        try {
            d = Dataset.open(check);
        } catch (CliException e) {
            throw Checks.named("--check", e);
        }
        d.verify();
        DatasetIndex x = d.index();
        stdout.printf(Locale.ROOT, "dataset %s: %s (preset %s), %d frames of shape %s, steps %d to %d every %d,"
                + " dx = %s, dt = %s, %s: index and every frame ok%n", check, x.modelName(), x.preset(), d.size(),
            Npy.shapeString(x.frameShape()), x.step(0), x.step(d.size() - 1), x.every(), Checks.fmt(x.dx()),
            Checks.fmt(x.dt()), x.boundary().label());
        return 0;
    }

    /** Checks every option and builds the run; nothing is written. */
    private DatasetWriter.Spec build() {
        Checks.required(spec, List.of("--model", "--frames", "--out"),
            "see 'lshsmile dataset --help', or use --check DIR to check a dataset");
        String name = ModelOptions.modelName(model);
        modelOptions.checkModelOptions(name, MODEL_OPTIONS);
        ModelPreset p = modelOptions.preset(name);
        StencilKernels k = modelOptions.kernels();
        Boundary boundary = modelOptions.boundary(p);
        int f = Checks.intInRange("--frames", frames, 2, MAX_FRAMES, "give the number of frames, e.g. --frames 100"
            + " (frame 0 is the initial state)");
        int k0 = Checks.intInRange("--every", every != null ? every : 1, 1, Integer.MAX_VALUE,
            "give the steps between frames, e.g. --every 10");
        int nThreads = modelOptions.threads();
        double h = modelOptions.dx(p);
        String kind = modelOptions.initialStateKind(name, p);
        ModelSwitches switches = modelOptions.switches(name, seed, false, false);
        modelOptions.checkInit(name);
        OutputDir.check(out, force, "--out");
        RunSpec.InitialState state = modelOptions.initialState(name, p, kind, h, boundary, seed);
        if (state.is3d()) {
            throw CliException.usage("datasets (and learning) are 2-D only so far", "drop --nz");
        }
        Model m = modelOptions.model(p, state, switches);
        double t = modelOptions.timeStep(m, p, h, 2);
        checkDisk(f, state);
        return new DatasetWriter.Spec(m, switches, p.name(), state, h, t, modelOptions.unsafeDt(), boundary, f, k0, k,
            modelOptions.kernelsRequested(), nThreads, seed != null ? seed : ModelOptions.DEFAULT_SEED, out, progress);
    }

    /** Refuses a dataset larger than the free space where --out is (or would be created). */
    private void checkDisk(int f, RunSpec.InitialState st) {
        long frame = DatasetWriter.frameBytes(st.fields(), st.ny(), st.nx());
        long need = frame * f;
        Path at = out.toAbsolutePath();
        while (at != null && !Files.exists(at)) {
            at = at.getParent();
        }
        long free;
        try {
            free = at == null ? Long.MAX_VALUE : Files.getFileStore(at).getUsableSpace();
        } catch (IOException e) {
            return; // no answer: writing will say if the disk fills up
        }
        if (need > free) {
            throw CliException.usage("the dataset needs " + MemoryBudget.human(need) + " (" + f + " frames of "
                + MemoryBudget.human(frame) + ") but " + at + " has " + MemoryBudget.human(free) + " free",
                "use fewer --frames, a smaller --size, or another --out");
        }
    }
}
