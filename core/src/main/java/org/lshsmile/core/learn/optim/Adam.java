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
public final class Adam extends FirstOrder {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double[] m;
    private double[] v;

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
        super(lr, schedule);
        this.beta1 = Checks.beta("beta1", beta1, "0.9");
        this.beta2 = Checks.beta("beta2", beta2, "0.999");
        this.epsilon = Checks.epsilon(epsilon);
    }

    @Override
    void allocate(int n) {
        m = new double[n];
        v = new double[n];
    }

    @Override
    void update(double[] theta, double[] gradient, double rate, int iteration) {
        int t = iteration + 1;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < theta.length; i++) {
            double g = gradient[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            theta[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
        }
    }

    @Override
    void clear() {
        m = null;
        v = null;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public String toString() {
        return "adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon + ", schedule="
            + schedule.spec() + ")";
    }
}
