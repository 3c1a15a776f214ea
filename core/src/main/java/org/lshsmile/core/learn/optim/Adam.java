package org.lshsmile.core.learn.optim;

/**
 * Adam (Kingma and Ba, ICLR 2015) with bias correction: with {@code g} the gradient at {@code theta},
 * {@code lr_t} the scheduled rate and {@code t = 1, 2, ...} the step number,
 * <pre>
 *   m     = beta1 m + (1 - beta1) g
 *   v     = beta2 v + (1 - beta2) g^2
 *   theta = theta - lr_t (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * elementwise. One objective evaluation per step, at the current {@code theta}; the step's
 * {@code acceptedLoss} is therefore unknown ({@code NaN}).
 */
public final class Adam implements Optimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Schedule schedule;
    private double[] m;
    private double[] v;
    private double[] gradient;
    private int iteration;

    /**
     * Adam with the usual constants ({@code beta1 = 0.9}, {@code beta2 = 0.999}, {@code eps = 1e-8}) at a
     * constant rate.
     *
     * @param lr the learning rate, finite and {@code > 0}
     */
    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-8, Schedule.constant());
    }

    /**
     * Adam with every constant given.
     *
     * @param lr the base learning rate, finite and {@code > 0}
     * @param beta1 decay of the first-moment estimate, in {@code [0, 1)}
     * @param beta2 decay of the second-moment estimate, in {@code [0, 1)}
     * @param epsilon added to the root of the second moment, finite and {@code > 0}
     * @param schedule the rate at each iteration as a function of {@code lr}
     * @throws IllegalArgumentException naming the bad value and a fix
     */
    public Adam(double lr, double beta1, double beta2, double epsilon, Schedule schedule) {
        this.lr = Checks.learningRate(lr);
        this.beta1 = Checks.beta("beta1", beta1, "0.9");
        this.beta2 = Checks.beta("beta2", beta2, "0.999");
        this.epsilon = Checks.epsilon(epsilon);
        this.schedule = Checks.schedule(schedule, lr);
    }

    /**
     * Updates {@code theta} by one Adam step; see {@link Optimizer#step}.
     *
     * @return the loss and gradient norm at {@code theta} before the update, one evaluation, no accepted loss
     */
    @Override
    public Step step(double[] theta, Objective objective) {
        int n = Checks.theta(theta, m == null ? -1 : m.length);
        if (m == null) {
            m = new double[n];
            v = new double[n];
            gradient = new double[n];
        }
        double loss = Checks.evaluateStart(objective, theta, gradient);
        double rate = schedule.rate(lr, iteration);
        int t = iteration + 1;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < n; i++) {
            double g = gradient[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            theta[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
        }
        iteration = t;
        return new Step(loss, Checks.norm(gradient), 1);
    }

    /**
     * The rate the next step will use.
     *
     * @return the scheduled learning rate at the current iteration
     */
    public double currentRate() {
        return schedule.rate(lr, iteration);
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public void reset() {
        m = null;
        v = null;
        gradient = null;
        iteration = 0;
    }

    @Override
    public String toString() {
        return "adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon + ", schedule="
            + schedule.spec() + ")";
    }
}
