package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.simd.Kernels;

/**
 * Which nanovoid parameters pairs of states determine. The Fisher matrix {@code F = J^T J / m} of the
 * rollouts in log-parameter space ({@code J}'s column p is {@code d(rollouts)/d(log theta_p)} over all pairs,
 * by central differences; m residuals) is the curvature of the loss at the truth: a direction {@code d}
 * with {@code d^T F d} near 0 changes no rollout, so the data cannot fix it.
 *
 * <p>Setup: 32 x 32, periodic, dt = 0.02, T = 10, standard parameters, pairs at steps 0 and 60 of the true
 * trajectories from the group's states v0, v1, v2 ({@link #GROUP_STATES}), and from those plus
 * {@link NanovoidGradientTest#twoVoids}, whose smaller void holds interstitials ({@link #WITH_INTERSTITIALS},
 * the data of {@link NanovoidRecoveryTest}). For both forms it asserts the structure
 * {@code core/LEARNING-nanovoid.md} explains, with the numbers this test prints:
 * <ul>
 *   <li>group's states: the two smallest eigenvalues belong to R_surf and ki alone and are below 1e-5 of the
 *       largest: not identifiable. With the interstitial-filled void, ki stays so, while R_surf's
 *       information (left after refitting all others, relative to the largest eigenvalue) grows more than
 *       100-fold;</li>
 *   <li>the energy scale (Ev, Ei, kT, kv, ki, ke times s, L divided by s: a symmetry of every term but
 *       f_v) is nearly flat, below 1e-3 of the largest eigenvalue;</li>
 *   <li>with kT (the energy unit), ki and R_surf fixed, the other eight ({@link #IDENTIFIABLE}, i.e. the
 *       combinations Ev/kT, Ei/kT, kv/kT, ke/kT, L kT, R_bulk, Dv, Di) form a block with condition number
 *       below 1e5 whose smallest eigenvalue is at least 10 times ki's;</li>
 *   <li>the matrix predicts the adjoint gradient at a point 1e-5 off the truth ({@code 2 P F delta}, P
 *       pairs) within 1%, so the finite-difference columns are right.</li>
 * </ul>
 */
class NanovoidIdentifiabilityTest {

    static final int N = 32;
    static final double DT = 0.02;
    static final int T = 10;
    static final Boundary BC = Boundary.PERIODIC;
    /** The Xue group's initial states (physics.md 2.6). */
    static final String[] GROUP_STATES = {"v0", "v1", "v2"};
    /** The group's states and {@link NanovoidGradientTest#twoVoids} (a void holding interstitials). */
    static final String[] WITH_INTERSTITIALS = {"v0", "v1", "v2", "two-voids"};
    static final int[] PAIR_STEPS = {0, 60};

    static final int KT = 2;
    static final int KI = 4;
    static final int RS = 7;
    /** Ev, Ei, kv, ke, R_bulk, Dv, Di, L: free with kT, ki and R_surf fixed, they give the identifiable combinations. */
    static final int[] IDENTIFIABLE = {0, 1, 3, 5, 6, 8, 9, 10};
    /** The energy scale in log space: Ev, Ei, kT, kv, ki, ke up, L down (not normalised). */
    static final double[] SCALE = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, -1};
    /**
     * Coordinates with the scale split off: log kT (the scale) and the logs of the invariants, in parameter
     * order ({@code log theta = A phi}, see {@link #inCombinations}).
     */
    static final String[] COMBINATIONS = {"Ev/kT", "Ei/kT", "kT", "kv/kT", "ki/kT", "ke/kT", "R_bulk", "R_surf", "Dv",
        "Di", "L*kT"};
    static final double H = 1e-5;

    /** The data: pairs (state at s, state at s + T) along the true trajectories from these initial states. */
    static List<RolloutGradient.Pair> pairs(Learnable truth, String... states) {
        List<RolloutGradient.Pair> out = new ArrayList<>();
        try (RolloutGradient one = rollouts(1); RolloutGradient g = rollouts(T)) {
            for (String ic : states) {
                double[] x = ic.equals("two-voids") ? NanovoidGradientTest.twoVoids(N) : Nanovoid.initialState(ic, N, N);
                int k = 0;
                for (int s : PAIR_STEPS) {
                    for (; k < s; k++) {
                        double[] y = new double[x.length];
                        one.rollout(truth, x, k, y);
                        x = y;
                    }
                    double[] target = new double[x.length];
                    g.rollout(truth, x, k, target);
                    out.add(new RolloutGradient.Pair(x.clone(), k, target));
                }
            }
        }
        return out;
    }

    static RolloutGradient rollouts(int steps) {
        return new RolloutGradient(3, N, N, 1.0, BC, DT, steps, Kernels.fromSystemProperty(), 1, 0, 0);
    }

    /** F = J^T J / m in log-parameter space, J by central differences with relative step {@link #H}. */
    static double[][] fisher(Learnable truth, List<RolloutGradient.Pair> pairs) {
        double[] theta = truth.parameterValues();
        int np = theta.length;
        int len = pairs.get(0).start().length;
        double[][] cols = new double[np][len * pairs.size()];
        try (RolloutGradient g = rollouts(T)) {
            double[] up = new double[len];
            double[] down = new double[len];
            for (int p = 0; p < np; p++) {
                double[] t = theta.clone();
                t[p] = theta[p] * (1 + H);
                Learnable lu = truth.withParameters(t);
                t[p] = theta[p] * (1 - H);
                Learnable ld = truth.withParameters(t);
                for (int q = 0; q < pairs.size(); q++) {
                    RolloutGradient.Pair pr = pairs.get(q);
                    g.rollout(lu, pr.start(), pr.startStep(), up);
                    g.rollout(ld, pr.start(), pr.startStep(), down);
                    for (int k = 0; k < len; k++) {
                        cols[p][q * len + k] = (up[k] - down[k]) / (2 * H);
                    }
                }
            }
        }
        double[][] f = new double[np][np];
        for (int a = 0; a < np; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int k = 0; k < cols[a].length; k++) {
                    s += cols[a][k] * cols[b][k];
                }
                f[a][b] = s / cols[a].length;
                f[b][a] = f[a][b];
            }
        }
        return f;
    }

    /**
     * F in the coordinates of {@link #COMBINATIONS}: {@code A^T F A} with {@code log theta = A phi}, i.e.
     * {@code log Ev = log(Ev/kT) + log kT}, ..., {@code log L = log(L kT) - log kT}: A is the identity
     * with column kT replaced by {@link #SCALE}.
     */
    static double[][] inCombinations(double[][] f) {
        int n = f.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1;
            a[i][KT] = SCALE[i];
        }
        double[][] r = new double[n][n];
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        r[p][q] += a[i][p] * f[i][j] * a[j][q];
                    }
                }
            }
        }
        return r;
    }

    /**
     * Eigenvalues of a symmetric matrix in ascending order, by cyclic Jacobi rotations; column j of
     * {@code vectors} (n x n, overwritten) receives the unit eigenvector of eigenvalue j.
     */
    static double[] eigen(double[][] matrix, double[][] vectors) {
        int n = matrix.length;
        double[][] a = new double[n][];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i] = matrix[i].clone();
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = 0;
            double all = 0;
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    all += a[p][q] * a[p][q];
                    off += p == q ? 0 : a[p][q] * a[p][q];
                }
            }
            if (off <= 1e-32 * all) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    // rotation by angle phi in the (p, q) plane with tan(phi) = t that zeroes a[p][q]
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double kp = a[k][p];
                        a[k][p] = c * kp - s * a[k][q];
                        a[k][q] = s * kp + c * a[k][q];
                    }
                    for (int k = 0; k < n; k++) {
                        double pk = a[p][k];
                        a[p][k] = c * pk - s * a[q][k];
                        a[q][k] = s * pk + c * a[q][k];
                        double vp = v[k][p];
                        v[k][p] = c * vp - s * v[k][q];
                        v[k][q] = s * vp + c * v[k][q];
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Double.compare(a[x][x], a[y][y]));
        double[] values = new double[n];
        for (int j = 0; j < n; j++) {
            values[j] = a[order[j]][order[j]];
            for (int i = 0; i < n; i++) {
                vectors[i][j] = v[i][order[j]];
            }
        }
        return values;
    }

    /**
     * {@code 1 / (F^-1)_ii}: the curvature left along coordinate i once every other coordinate is refitted
     * (the Schur complement); its square root is the rms change of the rollouts per unit change of the
     * coordinate that no other coordinate can undo.
     */
    static double[] informationAfterRefit(double[][] f) {
        int n = f.length;
        double[][] v = new double[n][n];
        double[] lambda = eigen(f, v);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double inverse = 0;
            for (int j = 0; j < n; j++) {
                inverse += v[i][j] * v[i][j] / lambda[j];
            }
            out[i] = 1 / inverse;
        }
        return out;
    }

    static double[][] block(double[][] f, int[] idx) {
        double[][] r = new double[idx.length][idx.length];
        for (int a = 0; a < idx.length; a++) {
            for (int b = 0; b < idx.length; b++) {
                r[a][b] = f[idx[a]][idx[b]];
            }
        }
        return r;
    }

    static double quadratic(double[][] f, double[] x, double[] y) {
        double s = 0;
        for (int a = 0; a < x.length; a++) {
            for (int b = 0; b < y.length; b++) {
                s += x[a] * f[a][b] * y[b];
            }
        }
        return s;
    }

    /** What {@link #analyse} found; {@code lambda} ascending with unit eigenvectors in the columns of {@code v}. */
    record Analysis(double[][] f, double[] lambda, double[][] v, double scale, double[] refit, double[] identifiable,
                    double adjointError, String text) {

        double max() {
            return lambda[lambda.length - 1];
        }
    }

    /** F for these pairs, its eigen-structure, the energy scale, the identifiable block; printed. */
    static Analysis analyse(Learnable truth, List<RolloutGradient.Pair> pairs, String[] states) {
        List<String> names = truth.parameterNames();
        int np = names.size();
        double[][] f = fisher(truth, pairs);
        double[][] v = new double[np][np];
        double[] lambda = eigen(f, v);
        double max = lambda[np - 1];

        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
            "nanovoid identifiability %s (%dx%d %s, dt %s, T %d, %d pairs from %s at steps %s)%n",
            ((Nanovoid) truth.model()).form(), N, N, BC, DT, T, pairs.size(), String.join(" ", states),
            Arrays.toString(PAIR_STEPS)));
        out.append("  eigenvalues of F (log parameters), /lambda_max, eigenvector entries > 0.1:\n");
        for (int j = 0; j < np; j++) {
            out.append(String.format(Locale.ROOT, "    %.2e  %.1e :", lambda[j], lambda[j] / max));
            for (int p = 0; p < np; p++) {
                if (Math.abs(v[p][j]) > 0.1) {
                    out.append(String.format(Locale.ROOT, " %+.2f %s", v[p][j], names.get(p)));
                }
            }
            out.append('\n');
        }
        double norm = Math.sqrt(Arrays.stream(SCALE).map(x -> x * x).sum());
        double[] u = Arrays.stream(SCALE).map(x -> x / norm).toArray();
        double scale = quadratic(f, u, u);
        out.append(String.format(Locale.ROOT, "  energy scale u = (Ev,Ei,kT,kv,ki,ke up, L down)/sqrt(7): "
            + "u^T F u = %.2e = %.1e lambda_max%n", scale, scale / max));
        double[] refit = informationAfterRefit(inCombinations(f));
        double[] rawRefit = informationAfterRefit(f);
        out.append("  information left after refitting all others (rms change per e-fold = sqrt):\n");
        for (int p = 0; p < np; p++) {
            out.append(String.format(Locale.ROOT, "    %-7s %.2e (rms %.1e)   raw %-7s %.2e%n", COMBINATIONS[p],
                refit[p], Math.sqrt(refit[p]), names.get(p), rawRefit[p]));
        }
        double[] block = eigen(block(f, IDENTIFIABLE), new double[IDENTIFIABLE.length][IDENTIFIABLE.length]);
        out.append(String.format(Locale.ROOT, "  kT, ki, R_surf fixed: eigenvalues %s, condition %.1e%n",
            Arrays.toString(Arrays.stream(block).mapToObj(x -> String.format(Locale.ROOT, "%.1e", x)).toArray()),
            block[block.length - 1] / block[0]));
        double adjointError = adjointError(truth, pairs, f);
        out.append(String.format(Locale.ROOT, "  adjoint gradient at 1e-5 off vs 2 P F delta: rel %.1e%n",
            adjointError));
        System.out.print(out);
        return new Analysis(f, lambda, v, scale, refit, block, adjointError, out.toString());
    }

    /**
     * At {@code log theta + delta} the loss gradient in log space is {@code 2 P F delta} to first order (P
     * pairs, each loss a mean over its len residuals: {@code (2 / len) J^T J delta}); relative error of
     * that prediction against the adjoint, for a fixed delta of size 1e-5.
     */
    static double adjointError(Learnable truth, List<RolloutGradient.Pair> pairs, double[][] f) {
        int np = f.length;
        double[] delta = new double[np];
        Arrays.setAll(delta, p -> H * (p % 2 == 0 ? 1 : -1) * (1 + 0.1 * p));
        double[] theta = truth.parameterValues();
        double[] at = new double[np];
        Arrays.setAll(at, p -> theta[p] * Math.exp(delta[p]));
        double[] grad = new double[np];
        try (RolloutGradient g = rollouts(T)) {
            g.lossAndGradient(truth.withParameters(at), pairs, grad);
        }
        double diff = 0;
        double ref = 0;
        for (int p = 0; p < np; p++) {
            double predicted = 0;
            for (int q = 0; q < np; q++) {
                predicted += 2 * pairs.size() * f[p][q] * delta[q];
            }
            double adjoint = grad[p] * at[p];
            diff += (adjoint - predicted) * (adjoint - predicted);
            ref += predicted * predicted;
        }
        return Math.sqrt(diff / ref);
    }

    /** The assertions every data set shares: ki null, energy scale flat, the identifiable block conditioned. */
    static void assertCommonStructure(Analysis a, int kiEigen) {
        assertTrue(a.adjointError() < 1e-2, "F does not predict the adjoint gradient: rel " + a.adjointError());
        assertTrue(Math.abs(a.v()[KI][kiEigen]) > 0.95, "eigenvector " + kiEigen + " is not ki alone:\n" + a.text());
        assertTrue(a.lambda()[kiEigen] < 1e-5 * a.max(), "ki is not near-null:\n" + a.text());
        assertTrue(a.scale() < 1e-3 * a.max(), "the energy scale is not near-null:\n" + a.text());
        double[] b = a.identifiable();
        assertTrue(b[b.length - 1] < 1e5 * b[0], "identifiable block badly conditioned:\n" + a.text());
        assertTrue(b[0] > 10 * a.lambda()[kiEigen], "identifiable block's weakest direction is not clear of ki:\n"
            + a.text());
    }

    @ParameterizedTest
    @EnumSource(Nanovoid.Form.class)
    void rsurfKiAndTheEnergyScaleAreNearNull(Nanovoid.Form form) {
        Learnable truth = Learnables.of(Nanovoid.standard(form));
        Analysis group = analyse(truth, pairs(truth, GROUP_STATES), GROUP_STATES);
        assertTrue(Math.abs(group.v()[RS][0]) > 0.95, "eigenvector 0 is not R_surf alone:\n" + group.text());
        assertTrue(group.lambda()[0] < 1e-5 * group.max(), "R_surf is not near-null:\n" + group.text());
        assertCommonStructure(group, 1);

        Analysis with = analyse(truth, pairs(truth, WITH_INTERSTITIALS), WITH_INTERSTITIALS);
        assertCommonStructure(with, 0);
        double gain = (with.refit()[RS] / with.max()) / (group.refit()[RS] / group.max());
        System.out.printf(Locale.ROOT, "  R_surf information / lambda_max, with interstitials in a void: x %.0f%n",
            gain);
        assertTrue(gain > 100, "interstitials in a void do not make R_surf visible: x " + gain);
    }
}
