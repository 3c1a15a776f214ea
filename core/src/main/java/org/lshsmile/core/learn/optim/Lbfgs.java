package org.lshsmile.core.learn.optim;

import java.util.Arrays;

/**
 * Limited-memory BFGS (Nocedal, Math. Comp. 35, 1980; Liu and Nocedal 1989) with a strong-Wolfe line
 * search.
 *
 * <p><b>Direction.</b> {@code d = -H g} by the two-loop recursion over the last {@code history} pairs
 * {@code s = x_{k+1} - x_k}, {@code y = g_{k+1} - g_k}, with {@code H0 = (s.y / y.y) I} from the newest
 * pair. A pair is stored only if {@code s.y > 1e-10 |s| |y|}, which keeps {@code H} positive definite. If
 * the direction is nonetheless not a descent direction ({@code g.d >= 0}, or not finite: rounding in a
 * badly scaled history), the history is cleared and the step uses steepest descent {@code d = -g}
 * ({@link #restarts()} counts these resets).
 *
 * <p><b>Line search</b> (Nocedal and Wright, <i>Numerical Optimization</i>, 2nd ed., Algorithms 3.5 and
 * 3.6): trial points {@code x + alpha d} from {@code alpha = 1} (or {@code min(1, 1/|g|)} for a
 * steepest-descent step) until one satisfies the sufficient-decrease (Armijo) condition
 * {@code f(alpha) <= f(0) + 1e-4 alpha g.d} and the strong curvature condition
 * {@code |g(alpha).d| <= 0.9 |g.d|}. While no upper bound is known the step grows by a factor 4; once a
 * bracket is known the next trial is the minimiser of the cubic through both ends (values and slopes),
 * kept at least a tenth of the bracket away from its ends, or the midpoint when the cubic has none. A
 * trial whose loss or gradient is not finite counts as "step too long": it becomes the upper end of the
 * bracket and the next trial is the midpoint towards the last good step, so such a point is never
 * accepted. At most {@value #MAX_EVALUATIONS} trials per search; if none met both conditions, the trial
 * with the lowest loss among those satisfying sufficient decrease is accepted (if any). If the search
 * finds no such point along a quasi-Newton direction, the history is cleared and the search is repeated
 * along {@code -g}; if that fails too, {@code theta} is left unchanged and {@link #lastStepFailed()} is
 * {@code true}. Such a step costs up to {@code 2 * }{@value #MAX_EVALUATIONS} evaluations; a further step
 * from the same point with the same objective returns at once, with no evaluation, and stays failed.
 *
 * <p><b>Accuracy.</b> The search compares loss values, so it cannot see decreases below the rounding of
 * the loss: near a minimiser {@code x*} with loss {@code f*} and curvature {@code lambda} along the
 * search direction, progress stops (with {@link #lastStepFailed()}) at a distance of about
 * {@code sqrt(2 eps |f*| / lambda)}, {@code eps = 2.2e-16}: about {@code 3e-8} for {@code f* = 5},
 * {@code lambda = 1}, and no limit of this kind when {@code f* = 0}. Callers should stop on
 * {@link #lastStepFailed()}.
 *
 * <p><b>What {@link #step} reports.</b> {@code loss} and {@code gradientNorm} are at {@code theta} as it
 * was when the step began; {@code acceptedLoss} is the loss at the accepted point, where {@code theta} is
 * after the step (equal to {@code loss} when the step did not move); {@code evaluations} counts every
 * objective call in the step, line-search trials included. The loss and gradient at the accepted point
 * are kept, so the next step does not evaluate the objective again at its starting point, provided it is
 * given the same {@code Objective} instance and a {@code theta} bitwise equal to the accepted point;
 * otherwise it evaluates afresh (the curvature history is kept: call {@link #reset()} to drop it).
 */
public final class Lbfgs implements Optimizer {

    /** The history length used by {@link #Lbfgs()}. */
    public static final int DEFAULT_HISTORY = 10;

    /** The largest history length accepted. */
    public static final int MAX_HISTORY = 1000;

    /** Most objective evaluations in one line search. */
    public static final int MAX_EVALUATIONS = 30;

    private static final double C1 = 1e-4; // sufficient decrease
    private static final double C2 = 0.9; // curvature, the usual value for quasi-Newton methods
    private static final double GROW = 4; // extrapolation factor while no upper bound is known
    private static final double SAFE = 0.1; // interpolated trials keep this fraction of the bracket from its ends

    private final int history;

    private double[][] s;
    private double[][] y;
    private double[] rho;
    private int pairs;
    private int newest = -1;
    private int restarts;
    private boolean lastFailed;

    private double[] gradient;
    private double[] direction;
    private double[] alphas;
    private double[] trial;
    private double[] trialGradient;
    private double[] bestGradient;

    private double[] cachedPoint;
    private double cachedLoss;
    private Objective cachedObjective;

    /** L-BFGS with {@value #DEFAULT_HISTORY} stored pairs. */
    public Lbfgs() {
        this(DEFAULT_HISTORY);
    }

    /**
     * L-BFGS with a given history length.
     *
     * @param history number of curvature pairs kept, in {@code [1, }{@value #MAX_HISTORY}{@code ]}
     * @throws IllegalArgumentException naming the bad value and a fix
     */
    public Lbfgs(int history) {
        this.history = Checks.history(history);
    }

    /**
     * Performs one L-BFGS iteration: direction, line search, update of {@code theta} and of the history;
     * see the class comment for what the returned step holds.
     */
    @Override
    public Step step(double[] theta, Objective objective) {
        int n = Checks.theta(theta, gradient == null ? -1 : gradient.length);
        allocate(n);
        int evaluations = 0;
        double loss;
        boolean cached = objective == cachedObjective && Arrays.equals(theta, cachedPoint);
        if (cached) {
            loss = cachedLoss;
        } else {
            loss = Checks.evaluateStart(objective, theta, gradient);
            evaluations++;
            remember(theta, loss, objective);
        }
        double gradientNorm = Checks.norm(gradient);
        if (cached && lastFailed) {
            return new Step(loss, gradientNorm, 0, loss); // the same search from the same point fails again
        }
        lastFailed = false;
        if (gradientNorm == 0) {
            return new Step(loss, 0, evaluations, loss);
        }
        boolean quasiNewton = pairs > 0;
        double slope = quasiNewton ? twoLoop() : Double.NaN;
        if (!(slope < 0)) {
            if (quasiNewton) {
                clearHistory();
                restarts++;
                quasiNewton = false;
            }
            slope = steepest(gradientNorm);
        }
        Search search = lineSearch(theta, loss, slope, quasiNewton ? 1 : Math.min(1, 1 / gradientNorm), objective);
        evaluations += search.evaluations;
        if (!search.accepted && quasiNewton) {
            clearHistory();
            restarts++;
            slope = steepest(gradientNorm);
            search = lineSearch(theta, loss, slope, Math.min(1, 1 / gradientNorm), objective);
            evaluations += search.evaluations;
        }
        if (!search.accepted) {
            lastFailed = true;
            return new Step(loss, gradientNorm, evaluations, loss);
        }
        accept(theta, search.alpha);
        remember(theta, search.loss, objective);
        return new Step(loss, gradientNorm, evaluations, search.loss);
    }

    /**
     * Whether the last step found no acceptable point and left {@code theta} unchanged.
     *
     * @return {@code true} if the last step's line search failed along {@code -g}
     */
    public boolean lastStepFailed() {
        return lastFailed;
    }

    /**
     * How often the history was cleared for a non-descent direction or a failed quasi-Newton line search
     * since construction or {@link #reset()}.
     *
     * @return the number of resets to steepest descent
     */
    public int restarts() {
        return restarts;
    }

    /**
     * Number of curvature pairs currently stored.
     *
     * @return between 0 and {@link #history()}
     */
    public int storedPairs() {
        return pairs;
    }

    /**
     * The history length.
     *
     * @return the number of pairs kept at most
     */
    public int history() {
        return history;
    }

    @Override
    public String name() {
        return "lbfgs";
    }

    @Override
    public void reset() {
        gradient = null;
        s = null;
        y = null;
        rho = null;
        pairs = 0;
        newest = -1;
        restarts = 0;
        lastFailed = false;
        cachedPoint = null;
        cachedObjective = null;
    }

    @Override
    public String toString() {
        return "lbfgs(history=" + history + ")";
    }

    /**
     * Stores a curvature pair without the curvature test, so that tests can force a non-descent
     * direction; sizes the state for {@code s.length} parameters if it holds none.
     */
    void addPairUnchecked(double[] sk, double[] yk) {
        allocate(sk.length);
        push(sk, yk, 1 / Checks.dot(sk, yk));
    }

    private void allocate(int n) {
        if (gradient != null) {
            return;
        }
        gradient = new double[n];
        direction = new double[n];
        trial = new double[n];
        trialGradient = new double[n];
        bestGradient = new double[n];
        s = new double[history][n];
        y = new double[history][n];
        rho = new double[history];
        alphas = new double[history];
    }

    private void remember(double[] theta, double loss, Objective objective) {
        if (cachedPoint == null) {
            cachedPoint = new double[theta.length];
        }
        System.arraycopy(theta, 0, cachedPoint, 0, theta.length);
        cachedLoss = loss;
        cachedObjective = objective;
    }

    private void clearHistory() {
        pairs = 0;
        newest = -1;
    }

    private void push(double[] sk, double[] yk, double rhoK) {
        newest = (newest + 1) % history;
        System.arraycopy(sk, 0, s[newest], 0, sk.length);
        System.arraycopy(yk, 0, y[newest], 0, yk.length);
        rho[newest] = rhoK;
        pairs = Math.min(pairs + 1, history);
    }

    /** direction = -g; returns the slope g.d = -|g|^2. */
    private double steepest(double gradientNorm) {
        for (int i = 0; i < direction.length; i++) {
            direction[i] = -gradient[i];
        }
        return -gradientNorm * gradientNorm;
    }

    /** direction = -H g by the two-loop recursion; returns the slope g.d (NaN if d is not finite). */
    private double twoLoop() {
        double[] q = direction;
        System.arraycopy(gradient, 0, q, 0, q.length);
        for (int k = 0, j = newest; k < pairs; k++, j = (j - 1 + history) % history) {
            double a = rho[j] * Checks.dot(s[j], q);
            alphas[j] = a;
            axpy(-a, y[j], q);
        }
        double[] yNew = y[newest];
        double gamma = Checks.dot(s[newest], yNew) / Checks.dot(yNew, yNew);
        for (int i = 0; i < q.length; i++) {
            q[i] *= gamma;
        }
        for (int k = 0, j = (newest - pairs + 1 + history) % history; k < pairs; k++, j = (j + 1) % history) {
            double b = rho[j] * Checks.dot(y[j], q);
            axpy(alphas[j] - b, s[j], q);
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = -q[i];
        }
        return Checks.firstNonFinite(q) >= 0 ? Double.NaN : Checks.dot(gradient, q);
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    /**
     * Moves theta to theta + alpha d (the same arithmetic as the trial, so bitwise the evaluated point),
     * stores the pair if its curvature is positive, and takes the accepted gradient.
     */
    private void accept(double[] theta, double alpha) {
        double[] sk = trial; // both scratch arrays are free once the line search has returned
        double[] yk = trialGradient;
        for (int i = 0; i < theta.length; i++) {
            double next = theta[i] + alpha * direction[i];
            sk[i] = next - theta[i];
            yk[i] = bestGradient[i] - gradient[i];
            theta[i] = next;
        }
        double sy = Checks.dot(sk, yk);
        if (sy > 1e-10 * Checks.norm(sk) * Checks.norm(yk)) {
            push(sk, yk, 1 / sy);
        }
        double[] swap = gradient;
        gradient = bestGradient;
        bestGradient = swap;
    }

    private record Search(boolean accepted, double alpha, double loss, int evaluations) {}

    /**
     * Strong-Wolfe line search along {@code direction} from {@code theta} (loss f0, slope dg0 < 0). On
     * success, {@code bestGradient} holds the gradient at the accepted step.
     */
    private Search lineSearch(double[] theta, double f0, double dg0, double alpha0, Objective objective) {
        int n = theta.length;
        // lo: the lowest-loss trial so far that satisfies sufficient decrease (0 at the start);
        // hi: the other end of the bracket, +infinity while none is known; fHi is NaN when hi was non-finite.
        double lo = 0;
        double fLo = f0;
        double dgLo = dg0;
        double hi = Double.POSITIVE_INFINITY;
        double fHi = Double.NaN;
        double dgHi = Double.NaN;
        double best = Double.NaN;
        double fBest = f0;
        double alpha = alpha0;
        int evaluations = 0;
        while (evaluations < MAX_EVALUATIONS) {
            for (int i = 0; i < n; i++) {
                trial[i] = theta[i] + alpha * direction[i];
            }
            Arrays.fill(trialGradient, 0.0);
            double f = objective.evaluate(trial, trialGradient);
            evaluations++;
            if (!Double.isFinite(f) || Checks.firstNonFinite(trialGradient) >= 0) {
                hi = alpha;
                fHi = Double.NaN;
                dgHi = Double.NaN;
            } else {
                double dg = Checks.dot(trialGradient, direction);
                boolean decrease = f <= f0 + C1 * alpha * dg0;
                if (decrease && f < fBest) {
                    best = alpha;
                    fBest = f;
                    double[] swap = bestGradient;
                    bestGradient = trialGradient;
                    trialGradient = swap;
                }
                if (!decrease || f >= fLo) {
                    hi = alpha;
                    fHi = f;
                    dgHi = dg;
                } else if (Math.abs(dg) <= -C2 * dg0) {
                    return new Search(true, alpha, f, evaluations);
                } else {
                    if (dg * (hi - lo) >= 0) {
                        hi = lo;
                        fHi = fLo;
                        dgHi = dgLo;
                    }
                    lo = alpha;
                    fLo = f;
                    dgLo = dg;
                }
            }
            if (hi == Double.POSITIVE_INFINITY) {
                alpha = GROW * lo;
            } else {
                double next = Double.isNaN(fHi) ? 0.5 * (lo + hi) : cubic(lo, fLo, dgLo, hi, fHi, dgHi);
                if (next == lo || next == hi) {
                    break; // the bracket has shrunk below the spacing of doubles
                }
                alpha = next;
            }
        }
        return Double.isNaN(best)
            ? new Search(false, 0, f0, evaluations)
            : new Search(true, best, fBest, evaluations);
    }

    /**
     * Minimiser of the cubic with values and slopes (f1, g1) at a1 and (f2, g2) at a2 (Nocedal and
     * Wright, eq. 3.59), kept inside the bracket at least {@link #SAFE} of its width from either end;
     * the midpoint if the cubic has no minimiser.
     */
    static double cubic(double a1, double f1, double g1, double a2, double f2, double g2) {
        double lower = Math.min(a1, a2);
        double upper = Math.max(a1, a2);
        double width = upper - lower;
        double d1 = g1 + g2 - 3 * (f1 - f2) / (a1 - a2);
        double disc = d1 * d1 - g1 * g2;
        double a = Double.NaN;
        if (disc >= 0) {
            double d2 = Math.signum(a2 - a1) * Math.sqrt(disc);
            a = a2 - (a2 - a1) * (g2 + d2 - d1) / (g2 - g1 + 2 * d2);
        }
        if (!Double.isFinite(a)) {
            return lower + 0.5 * width;
        }
        return Math.max(lower + SAFE * width, Math.min(upper - SAFE * width, a));
    }
}
