package org.lshsmile.core.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.learn.optim.Lbfgs;
import org.lshsmile.core.learn.optim.LogParametrization;
import org.lshsmile.core.learn.optim.Objective;
import org.lshsmile.core.learn.optim.Optimizer;
import org.lshsmile.core.model.Nanovoid;

/**
 * Parameter learning recovers the identifiable nanovoid combinations (issue 6's acceptance: within 5%;
 * asserted: within 1%). Noise-free pairs from the true model at 32 x 32, T = 10, from v0, v1, v2 and
 * {@link NanovoidGradientTest#twoVoids} ({@link NanovoidIdentifiabilityTest#WITH_INTERSTITIALS}); the eight
 * parameters of {@link NanovoidIdentifiabilityTest#IDENTIFIABLE} start at factors in [0.5, 2] at least
 * 2^(1/3) = 1.26 away from 1 (log-uniform, random sign, seed 42); kT (the energy unit), ki and R_surf stay
 * at the truth; L-BFGS on the logarithms with the adjoint gradient, until the loss falls by 1e12, a step
 * fails or {@value #MAX_ITERATIONS} iterations. Asserted and printed: the combinations Ev/kT, Ei/kT, kv/kT,
 * ke/kT, L kT, R_bulk, Dv, Di, and the value of any other free parameter.
 *
 * <p>Why the fourth state: from v0, v1, v2 alone the conservative form's loss along Di is so flat that the
 * small ripples the clamp puts on the loss hold L-BFGS in local minima for some starts (core/LEARNING-nanovoid.md).
 * Sweeps by hand, through system properties (comma-separated): {@code nanovoid.recovery.seeds} (default
 * 42), {@code nanovoid.recovery.states} (default {@code v0,v1,v2,two-voids}), {@code nanovoid.recovery.free}
 * (parameter names; default the eight above).
 */
class NanovoidRecoveryTest {

    static final int MAX_ITERATIONS = 200;
    static final double TOLERANCE = 0.01;
    static final String[] COMBINATIONS = {"Ev/kT", "Ei/kT", "kv/kT", "ke/kT", "L*kT", "R_bulk", "Dv", "Di"};
    /** The parameters the combinations are made of, besides kT. */
    static final List<String> IN_COMBINATIONS = List.of("Ev", "Ei", "kv", "ke", "L", "R_bulk", "Dv", "Di");

    /** The combinations, from a full parameter vector (order of {@link Nanovoid#parameters()}). */
    static double[] combinations(double[] t) {
        double kt = t[2];
        return new double[] {t[0] / kt, t[1] / kt, t[3] / kt, t[5] / kt, t[10] * kt, t[6], t[8], t[9]};
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Nanovoid.Form form : Nanovoid.Form.values()) {
            for (String seed : System.getProperty("nanovoid.recovery.seeds", "42").split(",")) {
                out.add(Arguments.of(form, Long.parseLong(seed.strip())));
            }
        }
        return out.stream();
    }

    static String[] list(String property, String[] fallback) {
        String v = System.getProperty(property);
        return v == null ? fallback : Arrays.stream(v.split(",")).map(String::strip).toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void lbfgsRecoversTheIdentifiableCombinations(Nanovoid.Form form, long seed) {
        long t0 = System.nanoTime();
        Learnable truth = Learnables.of(Nanovoid.standard(form));
        List<String> names = truth.parameterNames();
        double[] theta = truth.parameterValues();
        String[] states = list("nanovoid.recovery.states", NanovoidIdentifiabilityTest.WITH_INTERSTITIALS);
        List<RolloutGradient.Pair> pairs = NanovoidIdentifiabilityTest.pairs(truth, states);
        int[] free = Arrays.stream(list("nanovoid.recovery.free",
            Arrays.stream(NanovoidIdentifiabilityTest.IDENTIFIABLE).mapToObj(names::get).toArray(String[]::new)))
            .mapToInt(names::indexOf).toArray();
        assertTrue(Arrays.stream(free).allMatch(p -> p >= 0), "unknown parameter in nanovoid.recovery.free");
        SplittableRandom random = new SplittableRandom(seed);
        double[] start = new double[free.length];
        for (int k = 0; k < free.length; k++) {
            // a factor 2^e, |e| uniform in [1/3, 1), random sign: off by 26% to 100%, up or down
            double e = (1 + 2 * random.nextDouble()) / 3;
            start[k] = theta[free[k]] * Math.pow(2, random.nextBoolean() ? e : -e);
        }
        int[] evaluations = {0};
        double[] recovered = theta.clone();
        int iterations = 1;
        double firstLoss;
        double lastLoss;
        try (RolloutGradient g = NanovoidIdentifiabilityTest.rollouts(NanovoidIdentifiabilityTest.T)) {
            // the free parameters in, the rest at the truth; the gradient of the free ones out
            Objective loss = (x, gradient) -> {
                double[] full = theta.clone();
                for (int k = 0; k < free.length; k++) {
                    full[free[k]] = x[k];
                }
                double[] all = new double[full.length];
                double value = g.lossAndGradient(truth.withParameters(full), pairs, all);
                for (int k = 0; k < free.length; k++) {
                    gradient[k] = all[free[k]];
                }
                evaluations[0]++;
                return value;
            };
            LogParametrization log = LogParametrization.all(free.length);
            Objective objective = log.wrap(loss);
            double[] u = log.toOptimizerVariables(start);
            Lbfgs lbfgs = new Lbfgs();
            Optimizer.Step step = lbfgs.step(u, objective);
            firstLoss = step.loss();
            while (iterations < MAX_ITERATIONS && !lbfgs.lastStepFailed() && step.acceptedLoss() > 1e-12 * firstLoss) {
                step = lbfgs.step(u, objective);
                iterations++;
            }
            lastLoss = step.acceptedLoss();
            double[] x = log.toParameters(u);
            for (int k = 0; k < free.length; k++) {
                recovered[free[k]] = x[k];
            }
        }
        double[] begin = theta.clone();
        for (int k = 0; k < free.length; k++) {
            begin[free[k]] = start[k];
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
            "nanovoid recovery %s seed %d, pairs from %s: %d L-BFGS iterations, %d evaluations, %.1f s, loss %.2e -> %.2e%n",
            form, seed, String.join(" ", states), iterations, evaluations[0], (System.nanoTime() - t0) / 1e9,
            firstLoss, lastLoss));
        double worst = 0;
        double[] want = combinations(theta);
        double[] got = combinations(recovered);
        double[] from = combinations(begin);
        for (int k = 0; k < want.length; k++) {
            worst = Math.max(worst, line(out, COMBINATIONS[k], want[k], from[k], got[k]));
        }
        for (int p : free) {
            if (!IN_COMBINATIONS.contains(names.get(p))) {
                worst = Math.max(worst, line(out, names.get(p), theta[p], begin[p], recovered[p]));
            }
        }
        System.out.print(out);
        assertTrue(worst < TOLERANCE, "a combination is off by " + worst + ":\n" + out);
    }

    /** Appends one row; returns the relative error. */
    static double line(StringBuilder out, String name, double want, double from, double got) {
        double err = got / want - 1;
        out.append(String.format(Locale.ROOT, "  %-7s true %-8.4g start %-8.4g recovered %-12.8g rel err %+.1e%n",
            name, want, from, got, err));
        return Math.abs(err);
    }
}
