package org.lshsmile.core.learn.optim;

import java.util.Arrays;
import java.util.Objects;

/** Argument checks with one-line messages (option, value, fix) and the checked objective call. */
final class Checks {

    private Checks() {}

    static double learningRate(double lr) {
        return positiveFinite("lr", lr, "set a positive step size such as 1e-3");
    }

    static double momentum(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum
                + "; use 0 for plain SGD or e.g. 0.9");
        }
        return momentum;
    }

    static void nesterov(boolean nesterov, double momentum) {
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException(
                "nesterov needs momentum > 0, got momentum 0; set momentum (e.g. 0.9) or turn nesterov off");
        }
    }

    static double beta(String name, double beta, String usual) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta
                + "; the usual value is " + usual);
        }
        return beta;
    }

    static double epsilon(double epsilon) {
        return positiveFinite("epsilon", epsilon, "the usual value is 1e-8");
    }

    private static double positiveFinite(String name, double value, String fix) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value + "; " + fix);
        }
        return value;
    }

    static int history(int history) {
        if (history < 1 || history > Lbfgs.MAX_HISTORY) {
            throw new IllegalArgumentException("history must be in [1, " + Lbfgs.MAX_HISTORY + "], got "
                + history + "; the usual value is 10");
        }
        return history;
    }

    /** The schedule must exist and, for a cosine schedule, decay towards its floor (floor <= lr). */
    static Schedule schedule(Schedule schedule, double lr) {
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must not be null; use Schedule.constant() for none");
        }
        if (schedule instanceof Schedule.Cosine c && c.floor() > lr) {
            throw new IllegalArgumentException("schedule " + c.spec() + " has floor " + c.floor()
                + " above lr " + lr + "; choose a floor below lr, e.g. cosine:" + c.period() + ":" + lr / 100);
        }
        return schedule;
    }

    /**
     * Checks {@code theta} for a step and returns its length; {@code stateLength} is the length the
     * optimizer's state was sized for, or -1 when it holds none.
     */
    static int theta(double[] theta, int stateLength) {
        Objects.requireNonNull(theta, "theta");
        if (theta.length == 0) {
            throw new IllegalArgumentException("theta is empty; pass at least one parameter");
        }
        if (stateLength >= 0 && theta.length != stateLength) {
            throw new IllegalArgumentException("theta has length " + theta.length + " but the optimizer's state is for "
                + stateLength + "; call reset() before changing the parameter vector");
        }
        for (int i = 0; i < theta.length; i++) {
            if (!Double.isFinite(theta[i])) {
                throw new IllegalArgumentException("theta[" + i + "] is " + theta[i] + "; parameters must be finite (if an optimizer produced it, it diverged: lower lr)");
            }
        }
        return theta.length;
    }

    /**
     * Calls the objective at the point a step starts from, with a zeroed gradient, and insists on a
     * finite loss and gradient: nothing sensible can be done from a point where they are not.
     */
    static double evaluateStart(Objective objective, double[] theta, double[] gradient) {
        Arrays.fill(gradient, 0.0);
        double loss = objective.evaluate(theta, gradient);
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("objective returned loss " + loss
                + " at the current theta (the step's starting point); lower lr or check the objective");
        }
        int bad = firstNonFinite(gradient);
        if (bad >= 0) {
            throw new IllegalStateException("objective returned gradient[" + bad + "] = " + gradient[bad]
                + " at the current theta (the step's starting point); lower lr or check the objective");
        }
        return loss;
    }

    /** Index of the first non-finite entry, or -1. */
    static int firstNonFinite(double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Euclidean norm, scaled by the largest magnitude so that finite entries give a finite norm. */
    static double norm(double[] v) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        if (max == 0 || !Double.isFinite(max)) {
            return max;
        }
        double s = 0;
        for (double x : v) {
            double r = x / max;
            s += r * r;
        }
        return max * Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
