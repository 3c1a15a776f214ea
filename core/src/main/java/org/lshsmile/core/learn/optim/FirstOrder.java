package org.lshsmile.core.learn.optim;

/**
 * What {@link Sgd} and {@link Adam} share: one objective evaluation at the current point per step, a
 * learning rate from a {@link Schedule}, and an iteration count that {@link #reset()} zeroes.
 */
abstract class FirstOrder implements Optimizer {

    final double lr;
    final Schedule schedule;
    private double[] gradient;
    private int iteration;

    FirstOrder(double lr, Schedule schedule) {
        this.lr = Checks.learningRate(lr);
        this.schedule = Checks.schedule(schedule, lr);
    }

    /**
     * Evaluates the objective at {@code theta} and updates {@code theta} in place; see
     * {@link Optimizer#step}.
     *
     * @return the loss and gradient norm at {@code theta} before the update, one evaluation, no accepted
     *     loss ({@code NaN})
     */
    @Override
    public final Step step(double[] theta, Objective objective) {
        int n = Checks.theta(theta, gradient == null ? -1 : gradient.length);
        if (gradient == null) {
            gradient = new double[n];
            allocate(n);
        }
        double loss = Checks.evaluateStart(objective, theta, gradient);
        update(theta, gradient, schedule.rate(lr, iteration), iteration);
        iteration++;
        return new Step(loss, Checks.norm(gradient), 1);
    }

    /**
     * The rate the next step will use.
     *
     * @return the scheduled learning rate at the current iteration
     */
    public final double currentRate() {
        return schedule.rate(lr, iteration);
    }

    @Override
    public final void reset() {
        gradient = null;
        iteration = 0;
        clear();
    }

    /** Sizes the method's state for {@code n} parameters (zeros). */
    abstract void allocate(int n);

    /** Applies one update at the given rate; {@code iteration} counts from 0. */
    abstract void update(double[] theta, double[] gradient, double rate, int iteration);

    /** Drops the method's state. */
    abstract void clear();
}
