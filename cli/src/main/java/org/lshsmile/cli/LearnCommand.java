package org.lshsmile.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lshsmile.core.learn.Learnable;
import org.lshsmile.core.learn.Learnables;
import org.lshsmile.core.learn.RolloutGradient;
import org.lshsmile.core.dist.Communicator;
import org.lshsmile.core.learn.Trainer;
import org.lshsmile.core.learn.optim.EarlyStop;
import org.lshsmile.core.learn.optim.Optimizer;
import org.lshsmile.core.learn.optim.Optimizers;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.StencilKernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lshsmile learn}: the parameters of a dataset's model learned from its pairs of frames T steps
 * apart, by an optimizer over the exact adjoint gradient of T explicit steps ({@link Trainer}). Writes
 * params.json (start, learned, the dataset's own values and the relative errors), loss.csv (one row per
 * epoch) and loss.png into --out. Every option and the dataset are checked before anything is written.
 */
@Command(name = "learn", sortOptions = false, showDefaultValues = false,
    header = "Learn a model's parameters from a dataset of frames ('lshsmile dataset').",
    description = {
        "Takes every pair of frames T steps apart (or --pairs N of them, evenly spread),",
        "and minimises the sum over the pairs of the mean squared difference between",
        "the T-step rollout from the first frame and the second frame, by gradient",
        "descent through the T steps (exact reverse-mode adjoint; checkpointed when the",
        "T states do not fit). The model, grid, dx and dt are the dataset's.",
        "Writes into --out: params.json (per parameter: learned, true (the dataset's",
        "value), rel_error, start, free; and the loss, stop reason and timing),",
        "loss.csv (per epoch: the loss at the epoch's start, gradient norm,",
        "evaluations, seconds, every parameter after it) and loss.png (log loss).",
        ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lshsmile dataset --model grain-growth --size 64 --frames 41 --out gg-data",
        "  lshsmile learn --data gg-data --T 10 --perturb 2 --out gg-learn",
        "  lshsmile learn --data gg-data --T 30 --init L=2.5 --init kappa_2=0.2 \\",
        "      --fix B --optimizer adam --lr 0.05 --batch 4 --epochs 300 --out gg-adam",
        "",
        "Exit codes: 0 done, 1 I/O or memory failure, 2 bad input (options or dataset),",
        "3 the optimizer diverged (loss not finite; lower --lr or use lbfgs)."})
final class LearnCommand implements Callable<Integer> {

    private static final Pattern GRAIN_SHORT = Pattern.compile("(L|kappa)_?([0-9]+)");
    /** The forms of --schedule (the rate times FACTOR every EVERY epochs, times GAMMA each epoch, cosine to FLOOR). */
    private static final String SCHEDULES = "constant, step:FACTOR:EVERY, exp:GAMMA or cosine:PERIOD:FLOOR";
    /** Largest --lr. */
    private static final double MAX_LR = 1e6;
    /** Frames held in memory may use at most this share of the heap. */
    private static final double HEAP_SHARE = 0.6;

    @Spec
    private CommandSpec spec;

    private final boolean progress;

    @Option(names = "--data", order = 10, paramLabel = "DIR", description = "Dataset directory written by"
        + " 'lshsmile dataset'. Required.")
    private Path data;

    @Option(names = "--T", order = 20, paramLabel = "T", description = "Steps between the two frames of a pair,"
        + " a multiple of the dataset's --every. Default: 10.")
    private Integer steps;

    @Option(names = "--pairs", order = 30, paramLabel = "N", description = "Use N pairs, evenly spread over the"
        + " dataset. Default: every pair.")
    private Integer pairCount;

    @Option(names = "--init", order = 40, paramLabel = "NAME=VALUE", description = "Starting value of a"
        + " parameter (repeatable). Grain growth: A, B, L, kappa (every grain), L_i, kappa_i or Li, kappai;"
        + " other models: the names of 'lshsmile simulate --param'. Unnamed parameters start at the dataset's"
        + " values (or perturbed by --perturb).")
    private List<String> init = new ArrayList<>();

    @Option(names = "--perturb", order = 50, paramLabel = "F", description = "Start every free parameter not"
        + " given by --init at its dataset value times a factor drawn log-uniformly from [1/F, F] (seeded by"
        + " --seed; drawn again until the explicit step is stable at the dataset's dt): a recovery experiment."
        + " F >= 1.")
    private Double perturb;

    @Option(names = "--fix", order = 60, paramLabel = "NAME", description = "Keep a parameter at its starting"
        + " value (repeatable; L and kappa fix every grain's).")
    private List<String> fix = new ArrayList<>();

    @Option(names = "--optimizer", order = 70, defaultValue = "lbfgs", paramLabel = "NAME", description = "lbfgs"
        + " (full batch, strong-Wolfe line search), adam or sgd. Default: ${DEFAULT-VALUE}.")
    private String optimizer;

    @Option(names = "--epochs", order = 80, defaultValue = "100", paramLabel = "E", description = "Most epochs"
        + " (passes over the pairs; for lbfgs one iteration each). Default: ${DEFAULT-VALUE}.")
    private int epochs;

    @Option(names = "--lr", order = 90, paramLabel = "RATE", description = "adam/sgd: learning rate, in log"
        + " parameters unless --linear (0.05 is a relative step of about 5%%); > 0 and at most 1e6. Default: 0.05.")
    private Double lr;

    @Option(names = "--schedule", order = 100, paramLabel = "SPEC", description = "adam/sgd: learning-rate"
        + " schedule: " + SCHEDULES + ". Default: constant.")
    private String schedule;

    @Option(names = "--batch", order = 110, paramLabel = "B", description = "adam/sgd: pairs per step. Default:"
        + " every pair (full batch).")
    private Integer batch;

    @Option(names = "--linear", order = 120, description = "Optimise the parameters themselves, not their"
        + " logarithms (log scale keeps them positive and fits one step size to all).")
    private boolean linear;

    @Option(names = "--tol", order = 130, defaultValue = "1e-9", paramLabel = "REL", description = "Stop when the"
        + " loss has not fallen by this relative amount for --patience epochs. Default: ${DEFAULT-VALUE}.")
    private double tol;

    @Option(names = "--patience", order = 140, defaultValue = "10", paramLabel = "P", description = "See --tol."
        + " Default: ${DEFAULT-VALUE}.")
    private int patience;

    @Option(names = "--target-loss", order = 150, defaultValue = "0", paramLabel = "X", description = "Stop once"
        + " the loss is at or below X. Default: ${DEFAULT-VALUE}.")
    private double targetLoss;

    @Option(names = "--engine", order = 160, defaultValue = "exact", paramLabel = "NAME", description = "Forward"
        + " model of the rollouts: exact or lsh (LSH-SMILE; the gradient is exact along the LSH trajectory, every"
        + " state kept; single-threaded). Default: ${DEFAULT-VALUE}.")
    private String engine;

    @Option(names = "--lsh-mode", order = 170, paramLabel = "MODE", description = "LSH engine: verified (default)"
        + " or paper.")
    private String lshMode;

    @Option(names = "--r", order = 180, paramLabel = "R", description = "LSH engine: bucket width. Default: 1e-4.")
    private Double lshR;

    @Option(names = "--r0", order = 190, paramLabel = "R0", description = "LSH engine: re-evaluation threshold."
        + " Default: --r.")
    private Double lshR0;

    @Option(names = "--K", order = 200, paramLabel = "K", description = "LSH engine: hashes per table. Default: 3.")
    private Integer lshK;

    @Option(names = "--L", order = 210, paramLabel = "L", description = "LSH engine: tables. Default: 10.")
    private Integer lshL;

    @Option(names = "--checkpoint-every", order = 220, defaultValue = "0", paramLabel = "K", description = "States"
        + " between the checkpoints of a rollout (1..T; 0 keeps every state when they fit in 512 MiB, else"
        + " sqrt(T)). Default: ${DEFAULT-VALUE}.")
    private int checkpointEvery;

    @Option(names = "--kernels", order = 250, defaultValue = "${sys:lshsmile.kernels:-auto}", paramLabel = "K",
        description = "Stencil kernels: auto, scalar or simd (the adjoint follows: SIMD with simd, else scalar)."
            + " Default: auto.")
    private String kernels;

    @Option(names = "--threads", order = 260, paramLabel = "N", description = "Threads for the row bands."
        + " Default: the number of processors.")
    private Integer threads;

    @Option(names = "--seed", order = 270, defaultValue = "1", paramLabel = "S", description = "Seed of --perturb"
        + " and of the mini-batch order. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--out", order = 350, paramLabel = "DIR", description = "Output directory: created if missing;"
        + " must be empty unless --force. Required.")
    private Path out;

    @Option(names = "--distributed", order = 395,
        description = "Data-parallel over pairs as one rank of an MPI job: mpirun -np N ./lshsmile learn ..."
            + " --distributed. Every rank reads the dataset and takes the same optimizer steps; each computes the"
            + " pairs at its positions in every batch (i mod N) and an allreduce sums the losses and gradients, so"
            + " the result is that of one process to rounding. Rank 0 writes the files. Give each rank --threads"
            + " cores / N.")
    private boolean distributed;

    /** Ranks of the run (1 without --distributed), for params.json. */
    private int ranks = 1;

    @Option(names = "--force", order = 400, description = "Write into a non-empty --out, replacing params.json,"
        + " loss.csv and loss.png.")
    private boolean force;

    @Option(names = "--debug", order = 410, description = "Show stack traces with errors.")
    private boolean debug;

    @Mixin
    private HelpOptions help;

    LearnCommand(boolean progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        if (distributed) {
            return DistributedRun.call(spec.commandLine().getErr(), this::learn);
        }
        return learn(null, () -> { });
    }

    /**
     * Checks everything, then calls {@code checked} (a distributed run meets there), then trains; with
     * {@code comm} each rank computes its share of every batch and rank 0 alone prints and writes.
     */
    private int learn(Communicator comm, Runnable checked) {
        boolean root = comm == null || comm.rank() == 0;
        ranks = comm == null ? 1 : comm.size();
        PrintWriter err = root ? spec.commandLine().getErr() : new PrintWriter(java.io.Writer.nullWriter());
        PrintWriter stdout = root ? spec.commandLine().getOut() : new PrintWriter(java.io.Writer.nullWriter());
        Checks.required(spec, List.of("--data", "--out"), "see 'lshsmile learn --help'");
        int t = Checks.intInRange("--T", steps != null ? steps : 10, 1, 1_000_000, "give the steps between the two"
            + " frames of a pair, e.g. --T 10");
        Checks.intInRange("--epochs", epochs, 1, 10_000_000, "give the most epochs, e.g. --epochs 100");
        Checks.intInRange("--patience", patience, 1, 10_000_000, "e.g. --patience 10");
        Checks.finiteInRange("--tol", tol, 0, 1, "e.g. --tol 1e-9");
        Checks.finiteInRange("--target-loss", targetLoss, 0, Double.MAX_VALUE, "e.g. --target-loss 0");
        boolean lsh = switch (engine.trim().toLowerCase(Locale.ROOT)) {
            case "exact" -> false;
            case "lsh" -> true;
            default -> throw CliException.usage("unknown --engine '" + engine + "'", "use exact or lsh");
        };
        RolloutGradient.LshForward lshForward = lshSettings(lsh);
        Optimizer opt = optimizer();
        int batchSize = batchSize();
        if (checkpointEvery != 0) {
            Checks.intInRange("--checkpoint-every", checkpointEvery, 1, t, "use 1..T (" + t + "), or 0 for auto");
        }
        StencilKernels k = KernelChoice.resolve(kernels);
        if (k.name().equals("native")) {
            throw CliException.usage("--kernels native has no adjoint kernels", "use auto, simd or scalar");
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Checks.intInRange("--threads", nThreads, 1, 1024, "use 1 to the number of cores");

        Dataset d;
        try {
            d = Dataset.open(data);
        } catch (CliException e) {
            throw Checks.named("--data", e);
        }
        DatasetIndex index = d.index();
        List<DatasetIndex.Pair> all;
        try {
            all = index.pairs(t);
        } catch (CliException e) {
            throw Checks.named("--T", e);
        }
        List<DatasetIndex.Pair> chosen = choosePairs(all);
        Model truthModel = index.model();
        Learnable truth;
        try {
            truth = Learnables.of(truthModel);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("model " + index.modelName() + " of " + data + " cannot be learned ("
                + CliException.oneLine(e.getMessage()) + ")", "learn from a grain-growth, cahn-hilliard or"
                + " nanovoid dataset");
        }
        List<String> names = truth.parameterNames();
        boolean[] free = freeMask(truthModel, names);
        Learnable start = start(truth, truthModel, names, free, index);
        OutputDir.check(out, force, "--out");
        checkHeap(index, chosen);
        List<RolloutGradient.Pair> pairs = load(d, chosen);
        checked.run();
        // after every check, so that a refused command line prints its one error line only
        if (init.isEmpty() && perturb == null) {
            err.println("[WARN] no --init or --perturb: learning starts at the dataset's own parameters (loss 0);"
                + " give --init NAME=VALUE or --perturb F");
        }

        KernelChoice.announce(err, kernels, k, nThreads, nThreads);
        err.printf(Locale.ROOT, "[INFO] learn: %s from %s, %d pairs T = %d steps apart (of %d), %d parameters free"
                + " of %d, %s%s, engine %s%n", index.modelName(), data, pairs.size(), t, all.size(), count(free),
            names.size(), opt, linear ? "" : " on log parameters", lsh ? "lsh" : "exact");
        err.flush();

        Trainer.Result result;
        long t0 = System.nanoTime();
        try (RolloutGradient g = new RolloutGradient(index.fields(), index.ny(), index.nx(), index.dx(),
                 index.boundary(), index.dt(), t, k, lsh ? 1 : nThreads, checkpointEvery, 64L * 1024, lshForward);
             Progress bar = new Progress(progress && root, "learn", epochs, " epochs")) {
            Trainer.Settings settings = new Trainer.Settings(opt, epochs, batchSize, !linear, free,
                new EarlyStop(tol, patience, targetLoss, 0), seed);
            result = new Trainer(g, comm).train(start, pairs, settings, e -> bar.update(e.epoch()));
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore(null, e, "change the starting values (--init, --perturb)");
        } catch (IllegalStateException e) {
            throw new CliException(CliException.NON_FINITE, CliException.oneLine(e.getMessage()), null, e);
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        if (root) {
            write(index, t, pairs.size(), start, truth, result, free, seconds, lsh);
        }
        double[] learned = result.parameters();
        double[] want = truth.parameterValues();
        stdout.printf(Locale.ROOT, "learned in %d epochs (%s), %.2f s (%.3f s per epoch); loss %.3e -> %.3e%n",
            result.epochs().size(), result.stopReason(), seconds, seconds / result.epochs().size(),
            result.epochs().get(0).loss(), result.finalLoss());
        for (int i = 0; i < names.size(); i++) {
            stdout.printf(Locale.ROOT, "  %-10s %-12s learned %-14s dataset %-12s rel. error %.2e%n", names.get(i),
                free[i] ? "(free)" : "(fixed)", Checks.fmt(learned[i]), Checks.fmt(want[i]),
                Math.abs(learned[i] - want[i]) / Math.abs(want[i]));
        }
        stdout.printf(Locale.ROOT, "wrote params.json, loss.csv, loss.png into %s%n", out);
        return 0;
    }

    private RolloutGradient.LshForward lshSettings(boolean lsh) {
        boolean any = lshMode != null || lshR != null || lshR0 != null || lshK != null || lshL != null;
        if (!lsh) {
            if (any) {
                throw CliException.usage("--lsh-mode, --r, --r0, --K and --L apply only to --engine lsh",
                    "add --engine lsh or drop them");
            }
            return null;
        }
        LshSmileEngine.Mode mode;
        try {
            mode = LshSmileEngine.Mode.parse(lshMode == null ? "verified" : lshMode);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--lsh-mode", e, "use verified or paper");
        }
        double r = Checks.finiteInRange("--r", lshR != null ? lshR : 1e-4, Double.MIN_VALUE, 1e300,
            "give the bucket width, e.g. --r 1e-4");
        double r0 = Checks.finiteInRange("--r0", lshR0 != null ? lshR0 : r, 0, 1e300,
            "give the re-evaluation threshold, e.g. --r0 1e-4");
        int kk = Checks.intInRange("--K", lshK != null ? lshK : 3, 1, 64, "give the hashes per table, e.g. --K 3");
        int l = Checks.intInRange("--L", lshL != null ? lshL : 10, 1, 256, "give the number of tables, e.g. --L 10");
        return new RolloutGradient.LshForward(mode, r, r0, kk, l, seed);
    }

    private Optimizer optimizer() {
        String name = optimizer.trim().toLowerCase(Locale.ROOT);
        boolean firstOrder = name.equals("adam") || name.equals("sgd");
        if (!firstOrder && (lr != null || schedule != null)) {
            throw CliException.usage("--lr and --schedule apply only to --optimizer adam or sgd (lbfgs chooses its"
                + " steps by line search)", "drop them or use --optimizer adam");
        }
        double rate = lr != null ? lr : 0.05;
        if (!(rate > 0) || !(rate <= MAX_LR)) {
            // a step of 1e6 (on log parameters a factor e^1e6) is far past any useful rate; larger ones only diverge
            throw CliException.usage("--lr must be a finite number > 0 and at most " + Checks.fmt(MAX_LR) + ", got "
                + Checks.fmt(rate), "give a learning rate such as --lr 0.05");
        }
        Optimizers.Builder b = Optimizers.Options.builder().lr(rate);
        if (schedule != null) {
            try {
                b.schedule(schedule);
            } catch (IllegalArgumentException e) {
                throw Checks.fromCore("--schedule", e, "use " + SCHEDULES);
            }
        }
        try {
            return Optimizers.create(name, b.build());
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--optimizer", e, "use lbfgs, adam or sgd");
        }
    }

    private int batchSize() {
        if (batch == null) {
            return 0;
        }
        if (optimizer.trim().equalsIgnoreCase("lbfgs")) {
            throw CliException.usage("--batch applies only to --optimizer adam or sgd (lbfgs needs the full batch)",
                "drop --batch or use --optimizer adam");
        }
        return Checks.intInRange("--batch", batch, 1, Integer.MAX_VALUE, "give the pairs per step, e.g. --batch 4");
    }

    private List<DatasetIndex.Pair> choosePairs(List<DatasetIndex.Pair> all) {
        if (pairCount == null) {
            return all;
        }
        int n = Checks.intInRange("--pairs", pairCount, 1, Integer.MAX_VALUE, "give how many pairs, e.g. --pairs 8");
        if (n >= all.size()) {
            return all;
        }
        List<DatasetIndex.Pair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(all.get(n == 1 ? 0 : (int) Math.round((double) i * (all.size() - 1) / (n - 1))));
        }
        return out;
    }

    /** The learnable indices a name stands for: itself, or for grain growth L / kappa every grain's. */
    private static List<Integer> indicesOf(String option, String name, Model m, List<String> names) {
        String n = canonical(name.trim(), m);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String p = names.get(i);
            if (p.equals(n) || m instanceof GrainGrowth && p.startsWith(n + "_") && (n.equals("L") || n.equals("kappa"))) {
                out.add(i);
            }
        }
        if (out.isEmpty()) {
            throw CliException.usage(option + " " + name + ": " + m.name() + " has no learnable parameter '" + name
                + "'", "use one of " + String.join(", ", names) + (m instanceof GrainGrowth ? " (or L, kappa for"
                    + " every grain)" : ""));
        }
        return out;
    }

    /** Grain growth's short forms L2, kappa3 as L_2, kappa_3. */
    private static String canonical(String name, Model m) {
        if (m instanceof GrainGrowth) {
            Matcher x = GRAIN_SHORT.matcher(name);
            if (x.matches()) {
                return x.group(1) + "_" + x.group(2);
            }
        }
        return name;
    }

    private boolean[] freeMask(Model m, List<String> names) {
        boolean[] free = new boolean[names.size()];
        java.util.Arrays.fill(free, true);
        for (String f : fix) {
            for (int i : indicesOf("--fix", f, m, names)) {
                free[i] = false;
            }
        }
        if (count(free) == 0) {
            throw CliException.usage("--fix fixes every parameter: nothing to learn", "free at least one parameter");
        }
        return free;
    }

    private static void applyInit(double[] theta, Map<Integer, Double> values) {
        for (Map.Entry<Integer, Double> e : values.entrySet()) {
            theta[e.getKey()] = e.getValue();
        }
    }

    /** Whether the parameters are accepted and their explicit step is stable at the dataset's dt. */
    private static boolean stable(Learnable truth, double[] theta, DatasetIndex index) {
        try {
            return index.dt() < truth.withParameters(theta).model().stableDt(index.dx());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The starting point: the dataset's values, perturbed by --perturb (drawn again until the step is stable
     * at the dataset's dt), then the --init values.
     */
    private Learnable start(Learnable truth, Model m, List<String> names, boolean[] free, DatasetIndex index) {
        double[] theta = truth.parameterValues();
        Set<Integer> given = new LinkedHashSet<>();
        Map<Integer, Double> values = new HashMap<>();
        for (String s : init) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--init " + s + " is not NAME=VALUE", "e.g. --init L=2.5");
            }
            String name = s.substring(0, eq).trim();
            double v;
            try {
                v = Double.parseDouble(s.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw CliException.usage("--init " + s + ": '" + s.substring(eq + 1).trim() + "' is not a number",
                    "e.g. --init " + name + "=2.5");
            }
            if (!(v > 0) || !Double.isFinite(v)) {
                throw CliException.usage("--init " + s + ": parameters must be positive and finite", "give a value > 0");
            }
            for (int i : indicesOf("--init", name, m, names)) {
                given.add(i);
                values.put(i, v);
            }
        }
        if (perturb != null) {
            double f = Checks.finiteInRange("--perturb", perturb, 1, 1e6, "give a factor >= 1, e.g. --perturb 2");
            Random r = new Random(seed);
            double[] base = theta;
            for (int attempt = 0; ; attempt++) {
                theta = base.clone();
                for (int i = 0; i < theta.length; i++) {
                    double u = r.nextDouble() * 2 - 1; // drawn for every parameter: the factors do not depend on --fix
                    if (free[i] && !given.contains(i)) {
                        theta[i] *= Math.pow(f, u);
                    }
                }
                applyInit(theta, values);
                if (stable(truth, theta, index)) {
                    break;
                }
                if (attempt == 999) {
                    throw CliException.usage("--perturb " + Checks.fmt(f) + ": 1000 draws all made the explicit step"
                        + " unstable at the dataset's dt", "use a smaller --perturb factor");
                }
            }
        }
        applyInit(theta, values);
        Learnable s;
        try {
            s = truth.withParameters(theta);
        } catch (IllegalArgumentException e) {
            throw Checks.fromCore("--init", e, "give other starting values");
        }
        double bound = s.model().stableDt(index.dx());
        if (!(index.dt() < bound)) {
            // the trainer would refuse it too, but only after the output checks and the frames are loaded
            throw CliException.usage("the explicit step is unstable at the dataset's dt = " + Checks.fmt(index.dt())
                + " with " + (init.isEmpty() ? "the starting parameters" : "--init " + String.join(" --init ", init))
                + " (their stable bound is " + Checks.fmt(bound) + ")", "give smaller starting values");
        }
        return s;
    }

    /** Refuses frames that would not fit in the heap: distinct frames times their size. */
    private static void checkHeap(DatasetIndex index, List<DatasetIndex.Pair> pairs) {
        Set<Integer> frames = new LinkedHashSet<>();
        for (DatasetIndex.Pair p : pairs) {
            frames.add(p.from());
            frames.add(p.to());
        }
        long bytes = (long) frames.size() * index.fields() * index.ny() * index.nx() * Double.BYTES;
        long max = (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
        if (bytes > max) {
            throw CliException.usage(pairs.size() + " pairs need " + frames.size() + " frames in memory ("
                + org.lshsmile.core.grid.MemoryBudget.human(bytes) + "), more than " + (int) (HEAP_SHARE * 100)
                + "% of the Java heap (" + org.lshsmile.core.grid.MemoryBudget.human(Runtime.getRuntime().maxMemory())
                + ")", "use --pairs N with fewer pairs, or a larger heap (LSHSMILE_JAVA_OPTS=-Xmx16g)");
        }
    }

    /** Loads each frame once, shared by the pairs it belongs to. */
    private static List<RolloutGradient.Pair> load(Dataset d, List<DatasetIndex.Pair> chosen) {
        Map<Integer, double[]> frames = new HashMap<>();
        List<RolloutGradient.Pair> out = new ArrayList<>(chosen.size());
        for (DatasetIndex.Pair p : chosen) {
            double[] a = frames.computeIfAbsent(p.from(), d::frame);
            double[] b = frames.computeIfAbsent(p.to(), d::frame);
            out.add(new RolloutGradient.Pair(a, d.index().step(p.from()), b));
        }
        return out;
    }

    private void write(DatasetIndex index, int t, int pairs, Learnable start, Learnable truth, Trainer.Result r,
                       boolean[] free, double seconds, boolean lsh) {
        List<String> names = truth.parameterNames();
        double[] s = start.parameterValues();
        double[] want = truth.parameterValues();
        double[] got = r.parameters();
        Map<String, Object> params = new LinkedHashMap<>();
        List<String> fixed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("learned", got[i]);
            p.put("true", want[i]);
            p.put("rel_error", Math.abs(got[i] - want[i]) / Math.abs(want[i]));
            p.put("start", s[i]);
            p.put("free", free[i]);
            params.put(names.get(i), p);
            if (!free[i]) {
                fixed.add(names.get(i));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lshsmile_version", VersionProvider.version());
        m.put("dataset", data.toAbsolutePath().toString());
        m.put("model", index.modelName());
        m.put("T", t);
        m.put("pairs", pairs);
        m.put("engine", lsh ? "lsh" : "exact");
        m.put("optimizer", optimizer.trim().toLowerCase(Locale.ROOT));
        m.put("log_parameters", !linear);
        m.put("fixed", fixed);
        m.put("epochs", r.epochs().size());
        m.put("stop_reason", r.stopReason());
        m.put("initial_loss", r.epochs().get(0).loss());
        m.put("final_loss", r.finalLoss());
        m.put("seconds", seconds);
        m.put("seconds_per_epoch", seconds / r.epochs().size());
        m.put("ranks", ranks);
        m.put("parameters", params);
        OutputDir dir = OutputDir.create(out);
        StringBuilder csv = new StringBuilder("epoch,loss,gradient_norm,evaluations,seconds");
        for (String n : names) {
            csv.append(',').append(n);
        }
        csv.append('\n');
        double[] losses = new double[r.epochs().size()];
        for (Trainer.Epoch e : r.epochs()) {
            losses[e.epoch() - 1] = e.loss();
            csv.append(e.epoch()).append(',').append(e.loss()).append(',').append(e.gradientNorm()).append(',')
                .append(e.evaluations()).append(',').append(String.format(Locale.ROOT, "%.6f", e.seconds()));
            for (double v : e.parameters()) {
                csv.append(',').append(v);
            }
            csv.append('\n');
        }
        dir.write("loss.csv", o -> o.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        dir.write("loss.png", o -> Png.write(LossPlot.render(losses), o));
        dir.write("params.json", o -> o.write(Json.write(m).getBytes(StandardCharsets.UTF_8)));
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }
}
