package org.lshsmile.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.StencilKernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lshsmile demo}: a fixed grain-growth run (256 x 256, Q = 8, 30 Voronoi grains, seed 42, preset
 * default, 10000 steps, t = 500) writing PNG frames every 1000 steps, final.npy, diagnostics.csv and run.json into
 * {@code ./lshsmile-demo/}; then a short LSH section ({@link LshDemo}): the LSH-SMILE engine (verified,
 * r = 1e-3) and the exact engine side by side for 200 steps on a smaller state of the same kind (128 x 128,
 * 8 grains: the same grain density), writing lsh_buckets.png and one line with buckets, error and times.
 * The directory belongs to the demo: its files are replaced on every run (other files in it are left alone).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "Grain-growth demo with PNG frames in ./lshsmile-demo/, then LSH-SMILE against exact.",
    description = {
        "30 Voronoi grains (seed 42, periodic) on Q = 8 order parameters, preset",
        "default (dx = 0.5, dt = 0.05), 10000 steps, exact engine, auto kernels,",
        "2 threads. Writes into ./lshsmile-demo/, replacing the previous demo's files",
        "(other files there are left alone):",
        "  frame_00000.png ... frame_00010.png  every 1000 steps: one colour per order",
        "                                       parameter, grain boundaries dark",
        "  final.npy, diagnostics.csv, run.json as 'lshsmile simulate' writes them",
        "Prints steps per second, the free-energy drop and the grains at start and end.",
        "",
        "Then the LSH section: the LSH-SMILE engine (verified, r = 1e-3, K = 3, L = 10)",
        "and the exact engine side by side for 200 steps from 8 Voronoi grains on",
        "128 x 128 (the same grain density), writing",
        "  lsh_buckets.png  the LSH buckets at the end, one colour per bucket: grain",
        "                   interiors are a few large buckets, boundaries many small",
        "and printing one line: buckets, elements, max and mean |error| against the",
        "exact engine, and both engines' times.",
        ""})
final class DemoCommand implements Callable<Integer> {

    private static final int SIZE = 256;
    private static final int ORDER_PARAMS = 8;
    private static final int GRAINS = 30;
    private static final long SEED = 42;
    /** The LSH section's side and grains: a quarter of the area, a quarter of the grains (rounded up). */
    private static final int LSH_SIZE = 128;
    private static final int LSH_GRAINS = 8;

    @Spec
    private CommandSpec spec;

    @Option(names = "--debug", description = "Show stack traces with errors.")
    private boolean debug;

    private final Path out;
    private final int steps;
    private final int every;
    private final int lshSteps;
    private boolean progress;

    /**
     * The public demo: ./lshsmile-demo, 10000 steps (t = 500: long enough for grains with fewer than six sides
     * to vanish), a frame every 1000; 200 LSH steps (the LSH engine's cost grows with the buckets, so its
     * section stays short).
     */
    DemoCommand() {
        this(Path.of("lshsmile-demo"), 10000, 1000, 200);
    }

    /** A smaller demo for tests: another directory, fewer steps. */
    DemoCommand(Path out, int steps, int every, int lshSteps) {
        this.out = out;
        this.steps = steps;
        this.every = every;
        this.lshSteps = lshSteps;
    }

    DemoCommand progress(boolean on) {
        this.progress = on;
        return this;
    }

    @Override
    public Integer call() {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw CliException.usage(out + " exists and is not a directory, so the demo cannot write there",
                "move it away or run the demo from another directory");
        }
        OutputDir.check(out, true, "demo directory");
        Preset p = Preset.DEFAULT;
        GrainGrowth model = p.grainGrowth(ORDER_PARAMS, false);
        StencilKernels k = KernelChoice.resolve("auto");
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        double[] v = GrainStates.voronoi(SIZE, SIZE, GRAINS, ORDER_PARAMS, SEED, true).values();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", "voronoi");
        d.put("seed", SEED);
        d.put("grains", GRAINS);
        d.put("periodic", true);
        RunSpec run = new RunSpec("demo", model, ModelSwitches.NONE, p.name(),
            new RunSpec.InitialState(v, ORDER_PARAMS, SIZE, SIZE, d), p.dx(), p.dt(), false, Boundary.PERIODIC, steps,
            every, k, "auto", threads, SEED, out, RunSpec.Naming.frames(), 0, RunSpec.Start.FRESH, progress);
        Runner.Result r = Runner.run(run, spec.commandLine().getErr());
        Summary.print(spec.commandLine().getOut(), run, r);

        double[] small = GrainStates.voronoi(LSH_SIZE, LSH_SIZE, LSH_GRAINS, ORDER_PARAMS, SEED, true).values();
        OutputDir dir = OutputDir.create(out);
        LshDemo.Result l;
        try {
            l = LshDemo.run(model, small, ORDER_PARAMS, LSH_SIZE, LSH_SIZE, p.dx(), Boundary.PERIODIC, p.dt(), k,
                threads, lshSteps, dir);
        } catch (OutOfMemoryError e) {
            throw new CliException(CliException.FAILURE, "out of memory in the demo's LSH section",
                "give java more heap (LSHSMILE_JAVA_OPTS=-Xmx4g ./lshsmile demo)", e);
        }
        LshDemo.print(spec.commandLine().getOut(), l, dir);
        return 0;
    }
}
