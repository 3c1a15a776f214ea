package org.lshsmile.core.learn.optim;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, in the form PyTorch uses: with
 * {@code g} the gradient at {@code theta}, {@code lr_t} the scheduled rate and {@code mu} the momentum,
 * <pre>
 *   v     = mu v + g                      (v starts at 0)
 *   theta = theta - lr_t v                (heavy ball)
 *   theta = theta - lr_t (g + mu v)       (Nesterov)
 * </pre>
 * With {@code mu = 0} both are plain gradient descent. One objective evaluation per step, at the current
 * {@code theta}; the step's {@code acceptedLoss} is therefore unknown ({@code NaN}).
 */
public final class Sgd extends FirstOrder {

    private final double momentum;
    private final boolean nesterov;
    private double[] velocity;

    /**
     * Plain gradient descent at a constant rate.
     *
     * @param lr the learning rate, finite and {@code > 0}
     */
    public Sgd(double lr) {
        this(lr, 0, false, Schedule.constant());
    }

    /**
     * Gradient descent with momentum and a learning-rate schedule.
     *
     * @param lr the base learning rate, finite and {@code > 0}
     * @param momentum in {@code [0, 1)}
     * @param nesterov Nesterov momentum (needs {@code momentum > 0})
     * @param schedule the rate at each iteration as a function of {@code lr}
     * @throws IllegalArgumentException naming the bad value and a fix
     */
    public Sgd(double lr, double momentum, boolean nesterov, Schedule schedule) {
        super(lr, schedule);
        this.momentum = Checks.momentum(momentum);
        Checks.nesterov(nesterov, momentum);
        this.nesterov = nesterov;
    }

    @Override
    void allocate(int n) {
        velocity = new double[n];
    }

    @Override
    void update(double[] theta, double[] gradient, double rate, int iteration) {
        for (int i = 0; i < theta.length; i++) {
            double g = gradient[i];
            double v = momentum * velocity[i] + g;
            velocity[i] = v;
            theta[i] -= rate * (nesterov ? g + momentum * v : v);
        }
    }

    @Override
    void clear() {
        velocity = null;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String toString() {
        return "sgd(lr=" + lr + ", momentum=" + momentum + ", nesterov=" + nesterov + ", schedule=" + schedule.spec()
            + ")";
    }
}
