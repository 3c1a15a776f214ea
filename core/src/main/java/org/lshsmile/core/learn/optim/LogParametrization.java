package org.lshsmile.core.learn.optim;

import java.util.Arrays;
import java.util.Objects;

/**
 * Optimises chosen parameters through their logarithm, so that they stay positive: the optimizer works
 * on {@code u} with {@code u_i = log(theta_i)} for the chosen indices and {@code u_i = theta_i} for the
 * others. {@link #wrap} turns an objective over {@code theta} into one over {@code u}, applying the chain
 * rule {@code dL/du_i = dL/dtheta_i * theta_i} on the chosen indices.
 *
 * <p>Positivity is exact, not approximate: {@link #toParameters} refuses, and the wrapped objective never
 * passes on, a {@code u_i} whose {@code exp} is not a positive finite double ({@code u_i < -745} underflows
 * to 0, {@code u_i > 709.78} overflows). The wrapped objective answers such a point with loss
 * {@code +infinity} and a {@code NaN} gradient without calling the inner objective, which {@link Lbfgs}
 * treats as a step too long, and {@link Sgd} and {@link Adam} report as a diverged step.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LogParametrization {

    private final boolean[] log;

    private LogParametrization(boolean[] log) {
        this.log = log;
    }

    /**
     * Every parameter through its logarithm.
     *
     * @param size the number of parameters, {@code >= 1}
     * @return the parametrisation
     */
    public static LogParametrization all(int size) {
        boolean[] log = new boolean[checkSize(size)];
        Arrays.fill(log, true);
        return new LogParametrization(log);
    }

    /**
     * The chosen parameters through their logarithm, the others as they are.
     *
     * @param size the number of parameters, {@code >= 1}
     * @param indices the log-parametrised indices, each in {@code [0, size)}
     * @return the parametrisation
     * @throws IllegalArgumentException if an index is out of range
     */
    public static LogParametrization of(int size, int... indices) {
        boolean[] log = new boolean[checkSize(size)];
        for (int index : indices) {
            if (index < 0 || index >= size) {
                throw new IllegalArgumentException("log-parametrised index " + index + " is outside [0, " + size
                    + "); pass indices of the parameter vector");
            }
            log[index] = true;
        }
        return new LogParametrization(log);
    }

    private static int checkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size + "; pass the number of parameters");
        }
        return size;
    }

    /**
     * The number of parameters.
     *
     * @return the length of {@code theta} and {@code u}
     */
    public int size() {
        return log.length;
    }

    /**
     * Whether a parameter is optimised through its logarithm.
     *
     * @param index the parameter's index
     * @return {@code true} if {@code u_index = log(theta_index)}
     */
    public boolean isLog(int index) {
        return log[index];
    }

    /**
     * The optimizer's variables for given parameters: {@code log(theta_i)} on the chosen indices.
     *
     * @param theta the parameters, length {@link #size()}, finite, positive on the chosen indices
     * @return a new array {@code u}
     * @throws IllegalArgumentException naming the first index whose value is not finite, or not positive
     *     where the logarithm is taken
     */
    public double[] toOptimizerVariables(double[] theta) {
        checkLength("theta", theta);
        double[] u = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double t = theta[i];
            if (!Double.isFinite(t)) {
                throw new IllegalArgumentException("theta[" + i + "] is " + t + "; parameters must be finite");
            }
            if (log[i] && !(t > 0)) {
                throw new IllegalArgumentException("theta[" + i + "] = " + t + " is not positive, but index " + i
                    + " is log-parametrised; start it at a positive value");
            }
            u[i] = log[i] ? Math.log(t) : t;
        }
        return u;
    }

    /**
     * The parameters for given optimizer variables: {@code exp(u_i)} on the chosen indices.
     *
     * @param u the optimizer's variables, length {@link #size()}, finite
     * @return a new array {@code theta}, positive on the chosen indices
     * @throws IllegalArgumentException naming the first index whose value is not finite, or whose
     *     {@code exp} under- or overflows
     */
    public double[] toParameters(double[] u) {
        checkLength("u", u);
        double[] theta = new double[u.length];
        int bad = toParameters(u, theta);
        if (bad >= 0) {
            throw new IllegalArgumentException("u[" + bad + "] = " + u[bad] + " gives theta[" + bad + "] = "
                + (log[bad] ? "exp(u) = " + Math.exp(u[bad]) : u[bad])
                + ", not a positive finite number; the optimizer left the representable range");
        }
        return theta;
    }

    /** Fills theta from u; returns the first index whose theta is not finite (or not positive where log), or -1. */
    private int toParameters(double[] u, double[] theta) {
        for (int i = 0; i < u.length; i++) {
            double t = log[i] ? Math.exp(u[i]) : u[i];
            if (!Double.isFinite(t) || log[i] && !(t > 0)) {
                return i;
            }
            theta[i] = t;
        }
        return -1;
    }

    /**
     * An objective over {@code u} for an objective over {@code theta}: maps {@code u} to {@code theta},
     * evaluates, and applies the chain rule to the gradient. A {@code u} outside the representable range
     * (see the class comment) gives loss {@code +infinity} and a {@code NaN} gradient, and the inner
     * objective is not called.
     *
     * @param objective the loss over the parameters {@code theta}
     * @return the loss over the optimizer's variables {@code u}
     */
    public Objective wrap(Objective objective) {
        Objects.requireNonNull(objective, "objective");
        return (u, gradient) -> {
            checkLength("u", u);
            double[] theta = new double[u.length];
            if (toParameters(u, theta) >= 0) {
                Arrays.fill(gradient, Double.NaN);
                return Double.POSITIVE_INFINITY;
            }
            double loss = objective.evaluate(theta, gradient);
            for (int i = 0; i < theta.length; i++) {
                if (log[i]) {
                    gradient[i] *= theta[i];
                }
            }
            return loss;
        };
    }

    private void checkLength(String what, double[] v) {
        if (v.length != log.length) {
            throw new IllegalArgumentException(what + " has length " + v.length + " but the parametrisation is for "
                + log.length + " parameters");
        }
    }
}
