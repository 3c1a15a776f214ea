package org.lshsmile.core.learn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.lshsmile.core.dist.Communicator;
import org.lshsmile.core.learn.optim.EarlyStop;
import org.lshsmile.core.learn.optim.Lbfgs;
import org.lshsmile.core.learn.optim.LogParametrization;
import org.lshsmile.core.learn.optim.Objective;
import org.lshsmile.core.learn.optim.Optimizer;

/**
 * Learns a model's parameters from pairs of states: epochs of an {@link Optimizer} over the loss and
 * gradient of a {@link RolloutGradient}.
 *
 * <p>The optimizer sees the free parameters only (the fixed ones keep their starting values), through
 * their logarithm when {@link Settings#logScale()} is on: grain-growth, Cahn-Hilliard and nanovoid
 * parameters are positive and span decades, so log scale keeps them positive and makes one step size fit
 * all. An epoch is one pass over the pairs: for {@code lbfgs} one iteration on the full batch (its line
 * search needs one fixed objective); for {@code sgd} and {@code adam} one step per mini-batch of
 * {@link Settings#batchSize()} pairs, in an order shuffled per epoch by {@link Settings#seed()}.
 *
 * <p>Parameters the model refuses (not positive, say) and parameters whose explicit step would be
 * unstable at the rollout's dt ({@code dt >= stableDt(dx)}) get loss {@code +infinity}: the L-BFGS line
 * search treats that as a step too long and backs off; for {@code sgd} and {@code adam} the run stops
 * with that reason (lower the learning rate).
 *
 * <p>Not thread-safe; the {@link RolloutGradient} stays the caller's (it is not closed here).
 */
public final class Trainer {

    /**
     * How to train.
     *
     * @param optimizer  the optimizer (its state is reset at the start of {@link #train})
     * @param epochs     most epochs, at least 1
     * @param batchSize  pairs per step of sgd/adam; 0 for the full batch (lbfgs always takes the full batch)
     * @param logScale   optimise the logarithm of every free parameter
     * @param free       which parameters learn, in {@link Learnable#parameterNames()} order; the others stay
     *                   at their starting values; null for all
     * @param earlyStop  stopping rule fed each epoch's loss and gradient norm (reset at the start); null for
     *                   none
     * @param seed       seed of the mini-batch order
     */
    public record Settings(Optimizer optimizer, int epochs, int batchSize, boolean logScale, boolean[] free,
                           EarlyStop earlyStop, long seed) {

        /** Checks the values. */
        public Settings {
            if (optimizer == null) {
                throw new IllegalArgumentException("optimizer must not be null; use Optimizers.create(\"lbfgs\")");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            if (batchSize < 0) {
                throw new IllegalArgumentException("batch size must be >= 0 (0: every pair), got " + batchSize);
            }
            if (batchSize > 0 && optimizer instanceof Lbfgs) {
                throw new IllegalArgumentException("lbfgs needs the full batch (its line search compares losses"
                    + " of one objective); drop the batch size or use sgd/adam for mini-batches");
            }
            free = free == null ? null : free.clone();
        }
    }

    /**
     * What one epoch did.
     *
     * @param epoch        1-based
     * @param loss         the loss at the parameters the epoch started from (full batch), or, with
     *                     mini-batches, the sum of the batch losses as the epoch went (each at the parameters
     *                     of its step): either way a sum over every pair
     * @param gradientNorm Euclidean norm of the loss's gradient in the optimizer's variables (the log of the
     *                     free parameters with log scale: relative sensitivities) at the same points, the
     *                     batch gradients summed
     * @param parameters   every parameter after the epoch, in {@link Learnable#parameterNames()} order
     * @param evaluations  loss-and-gradient evaluations of the full batch or of a mini-batch
     * @param seconds      wall time of the epoch
     */
    public record Epoch(int epoch, double loss, double gradientNorm, double[] parameters, int evaluations,
                        double seconds) {
    }

    /** Receives each epoch as it ends (progress bars, logs). */
    @FunctionalInterface
    public interface Listener {
        /** Called after epoch {@code e.epoch()}. */
        void epoch(Epoch e);
    }

    /**
     * What training produced.
     *
     * @param learned    the model at the final parameters
     * @param epochs     every epoch in order
     * @param finalLoss  the loss over every pair at the final parameters
     * @param stopReason why training stopped: {@code "epochs"} when all ran, else the rule that fired
     */
    public record Result(Learnable learned, List<Epoch> epochs, double finalLoss, String stopReason) {

        /** The final parameters, in {@link Learnable#parameterNames()} order. */
        public double[] parameters() {
            return learned.parameterValues();
        }
    }

    private final RolloutGradient gradient;
    private final double dx;
    /** The ranks sharing each batch (data-parallel), or null to train alone. */
    private final Communicator comm;

    /**
     * @param gradient the loss and gradient to train on (its T, dt, grid and kernels)
     */
    public Trainer(RolloutGradient gradient) {
        this(gradient, null);
    }

    /**
     * A data-parallel trainer: every rank holds all pairs and takes the same optimizer steps; each loss and
     * gradient is the sum over the batch, each rank computing the pairs at its positions in the batch
     * ({@code i mod ranks == rank}) and an allreduce adding the ranks' sums. The result matches training
     * alone up to the order of those sums (rounding).
     *
     * @param comm the ranks, or null to train alone
     */
    public Trainer(RolloutGradient gradient, Communicator comm) {
        if (gradient == null) {
            throw new IllegalArgumentException("gradient must not be null");
        }
        this.gradient = gradient;
        this.dx = gradient.dx();
        this.comm = comm;
    }

    /** This rank's share of {@code pairs}: all of them without ranks. */
    private List<RolloutGradient.Pair> share(List<RolloutGradient.Pair> pairs) {
        if (comm == null || comm.size() == 1) {
            return pairs;
        }
        List<RolloutGradient.Pair> mine = new ArrayList<>();
        for (int i = comm.rank(); i < pairs.size(); i += comm.size()) {
            mine.add(pairs.get(i));
        }
        return mine;
    }

    /** The loss over {@code pairs}, shared among the ranks. */
    private double loss(Learnable at, List<RolloutGradient.Pair> pairs) {
        List<RolloutGradient.Pair> mine = share(pairs);
        double local = mine.isEmpty() ? 0 : gradient.loss(at, mine);
        return comm == null || comm.size() == 1 ? local : comm.allreduceSum(new double[] {local})[0];
    }

    /** Loss and gradient over {@code pairs}, shared among the ranks; the gradient goes into {@code full}. */
    private double lossAndGradient(Learnable at, List<RolloutGradient.Pair> pairs, double[] full) {
        List<RolloutGradient.Pair> mine = share(pairs);
        double local = mine.isEmpty() ? 0 : gradient.lossAndGradient(at, mine, full);
        if (comm == null || comm.size() == 1) {
            return local;
        }
        double[] all = new double[full.length + 1];
        all[0] = local;
        System.arraycopy(full, 0, all, 1, full.length);
        comm.allreduceSum(all);
        System.arraycopy(all, 1, full, 0, full.length);
        return all[0];
    }

    /**
     * Trains from {@code start} on {@code pairs}.
     *
     * @param listener called after every epoch; may be null
     * @throws IllegalArgumentException for a null start or settings, no pairs, a free mask of the wrong length
     *                                  or with nothing free, or a starting point that is refused or unstable
     */
    public Result train(Learnable start, List<RolloutGradient.Pair> pairs, Settings settings, Listener listener) {
        if (start == null || settings == null) {
            throw new IllegalArgumentException("start and settings must not be null");
        }
        if (pairs == null || pairs.isEmpty()) {
            throw new IllegalArgumentException("no pairs to learn from");
        }
        double[] theta0 = start.parameterValues();
        int np = theta0.length;
        boolean[] free = settings.free() == null ? all(np) : settings.free();
        if (free.length != np) {
            throw new IllegalArgumentException("free mask has " + free.length + " entries, the model "
                + np + " parameters " + start.parameterNames());
        }
        int[] idx = indices(free);
        if (idx.length == 0) {
            throw new IllegalArgumentException("every parameter is fixed: nothing to learn; free at least one");
        }
        String bad = refusal(start, theta0);
        if (bad != null) {
            throw new IllegalArgumentException("the starting parameters " + bad);
        }
        double[] u0 = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            u0[i] = theta0[idx[i]];
        }
        LogParametrization param = settings.logScale() ? LogParametrization.all(idx.length) : null;
        double[] u = param != null ? param.toOptimizerVariables(u0) : u0;

        Optimizer opt = settings.optimizer();
        opt.reset();
        EarlyStop stop = settings.earlyStop();
        if (stop != null) {
            stop.reset();
        }
        int batch = settings.batchSize() == 0 ? pairs.size() : Math.min(settings.batchSize(), pairs.size());
        Random order = new Random(settings.seed());
        Integer[] perm = new Integer[pairs.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        List<Epoch> epochs = new ArrayList<>();
        String reason = "epochs";
        // one objective for the full batch, so L-BFGS reuses the loss and gradient of its accepted point
        Recorder fullBatch = batch == pairs.size() ? new Recorder(new FreeObjective(start, theta0, idx, pairs), param)
            : null;
        for (int e = 1; e <= settings.epochs(); e++) {
            long t0 = System.nanoTime();
            double loss;
            double gradientNorm;
            int evals = 0;
            if (fullBatch != null) {
                Optimizer.Step s = step(opt, u, fullBatch);
                loss = s.loss();
                gradientNorm = s.gradientNorm();
                evals = s.evaluations();
                if (opt instanceof Lbfgs l && l.lastStepFailed()) {
                    reason = "converged: the line search found no lower loss (at the rounding limit)";
                }
            } else {
                loss = 0;
                double[] sum = new double[idx.length];
                shuffle(perm, order);
                for (int from = 0; from < perm.length; from += batch) {
                    List<RolloutGradient.Pair> b = new ArrayList<>(batch);
                    for (int i = from; i < Math.min(from + batch, perm.length); i++) {
                        b.add(pairs.get(perm[i]));
                    }
                    Recorder f = new Recorder(new FreeObjective(start, theta0, idx, b), param);
                    Optimizer.Step s = step(opt, u, f);
                    loss += s.loss();
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += f.first[i];
                    }
                    evals += s.evaluations();
                }
                gradientNorm = norm(sum);
            }
            double[] theta = current(opt, theta0, idx, param, u);
            Epoch ep = new Epoch(e, loss, gradientNorm, theta, evals, (System.nanoTime() - t0) * 1e-9);
            epochs.add(ep);
            if (listener != null) {
                listener.epoch(ep);
            }
            if (!"epochs".equals(reason)) {
                break;
            }
            if (stop != null && stop.update(loss, gradientNorm)) {
                reason = stop.reason().orElse("early stop");
                break;
            }
        }
        double[] theta = current(opt, theta0, idx, param, u);
        Learnable learned = start.withParameters(theta);
        return new Result(learned, List.copyOf(epochs), loss(learned, pairs), reason);
    }

    /** One optimizer step; a non-finite loss at the step's start becomes an exception naming the fix. */
    private static Optimizer.Step step(Optimizer opt, double[] u, Recorder f) {
        try {
            return opt.step(u, f);
        } catch (IllegalStateException ex) {
            throw new IllegalStateException(opt.name() + " reached parameters "
                + (f.inner.lastRefusal != null ? "that " + f.inner.lastRefusal : "where the loss is not finite")
                + "; lower the learning rate, or use lbfgs (its line search backs off)", ex);
        }
    }

    /** The objective in the optimizer's variables, keeping the gradient of its first evaluation. */
    private static final class Recorder implements Objective {
        private final FreeObjective inner;
        private final Objective wrapped;
        private double[] first;

        Recorder(FreeObjective inner, LogParametrization param) {
            this.inner = inner;
            this.wrapped = param != null ? param.wrap(inner) : inner;
        }

        @Override
        public double evaluate(double[] v, double[] g) {
            double loss = wrapped.evaluate(v, g);
            if (first == null) {
                first = g.clone();
            }
            return loss;
        }
    }

    /** The parameters for the optimizer's variables; an update that left the representable range is divergence. */
    private static double[] current(Optimizer opt, double[] theta0, int[] idx, LogParametrization param, double[] u) {
        try {
            return parameters(theta0, idx, param != null ? param.toParameters(u) : u);
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException(opt.name() + " diverged (" + ex.getMessage() + "); lower the learning"
                + " rate, or use lbfgs (its line search backs off)", ex);
        }
    }

    /** Why these parameters get loss +infinity, or null when they are fine. */
    private String refusal(Learnable base, double[] theta) {
        Learnable at;
        try {
            at = base.withParameters(theta);
        } catch (IllegalArgumentException ex) {
            return "are refused by the model (" + ex.getMessage() + ")";
        }
        double bound = at.model().stableDt(dx);
        if (!(gradient.dt() < bound)) {
            return "make the explicit step unstable (dt = " + gradient.dt() + " >= stable bound " + bound + " at "
                + Arrays.toString(theta) + ")";
        }
        return null;
    }

    /** The loss and gradient of the free parameters, the fixed ones held at their starting values. */
    private final class FreeObjective implements Objective {
        private final Learnable base;
        private final double[] theta0;
        private final int[] idx;
        private final List<RolloutGradient.Pair> pairs;
        private final double[] full;
        private String lastRefusal;

        FreeObjective(Learnable base, double[] theta0, int[] idx, List<RolloutGradient.Pair> pairs) {
            this.base = base;
            this.theta0 = theta0;
            this.idx = idx;
            this.pairs = pairs;
            this.full = new double[theta0.length];
        }

        @Override
        public double evaluate(double[] v, double[] g) {
            double[] theta = parameters(theta0, idx, v);
            String bad = refusal(base, theta);
            double loss;
            if (bad != null) {
                lastRefusal = bad;
                Arrays.fill(full, Double.NaN);
                loss = Double.POSITIVE_INFINITY;
            } else {
                Arrays.fill(full, 0);
                loss = lossAndGradient(base.withParameters(theta), pairs, full);
            }
            for (int i = 0; i < idx.length; i++) {
                g[i] = full[idx[i]];
            }
            return loss;
        }
    }

    private static double[] parameters(double[] theta0, int[] idx, double[] v) {
        double[] t = theta0.clone();
        for (int i = 0; i < idx.length; i++) {
            t[idx[i]] = v[i];
        }
        return t;
    }

    private static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    private static int[] indices(boolean[] free) {
        int n = 0;
        for (boolean f : free) {
            n += f ? 1 : 0;
        }
        int[] idx = new int[n];
        for (int i = 0, j = 0; i < free.length; i++) {
            if (free[i]) {
                idx[j++] = i;
            }
        }
        return idx;
    }

    private static void shuffle(Integer[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Integer t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double norm(double[] g) {
        double s = 0;
        for (double v : g) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
