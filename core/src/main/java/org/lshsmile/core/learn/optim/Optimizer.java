package org.lshsmile.core.learn.optim;

/**
 * An iterative minimiser of an {@link Objective}: each {@link #step} call performs one iteration and
 * updates the parameter vector in place.
 *
 * <p>The optimizer keeps state between steps (momentum, moment estimates, curvature history, iteration
 * count for the learning-rate schedule) sized by the first {@code theta} it sees; {@link #reset()}
 * forgets it. Implementations are not thread-safe.
 */
public interface Optimizer {

    /**
     * Performs one iteration: evaluates {@code objective} (once for {@link Sgd} and {@link Adam}, as often
     * as its line search needs for {@link Lbfgs}) and updates {@code theta} in place.
     *
     * <p>If the objective throws, the exception propagates unchanged and {@code theta} is left as it was
     * when the call began.
     *
     * @param theta the current parameters, updated in place; finite, non-empty, and of the same length
     *     at every call until {@link #reset()}
     * @param objective the loss to minimise
     * @return what the iteration saw
     * @throws IllegalArgumentException if {@code theta} is empty, has a non-finite entry, or changed
     *     length since the last {@link #reset()}
     * @throws IllegalStateException if the loss or gradient at {@code theta} (the point the step starts
     *     from) is not finite
     */
    Step step(double[] theta, Objective objective);

    /**
     * Short name of the method, as accepted by {@link Optimizers#create}: {@code sgd}, {@code adam} or
     * {@code lbfgs}.
     *
     * @return the name
     */
    String name();

    /** Forgets all state: the next {@link #step} starts as the first one did. */
    void reset();

    /**
     * What one {@link Optimizer#step} saw.
     *
     * @param loss the loss at {@code theta} as it was when the step began (before the update)
     * @param gradientNorm Euclidean norm of the gradient at that same point
     * @param evaluations how many times the step called the objective
     * @param acceptedLoss the loss at {@code theta} after the update when the step evaluated it
     *     ({@link Lbfgs} always does: its line search accepts a point only after evaluating it), or
     *     {@code NaN} when the step did not ({@link Sgd}, {@link Adam})
     */
    record Step(double loss, double gradientNorm, int evaluations, double acceptedLoss) {

        /**
         * A step that did not evaluate the loss at the updated point ({@code acceptedLoss} is {@code NaN}).
         *
         * @param loss the loss before the update
         * @param gradientNorm Euclidean norm of the gradient before the update
         * @param evaluations how many times the step called the objective
         */
        public Step(double loss, double gradientNorm, int evaluations) {
            this(loss, gradientNorm, evaluations, Double.NaN);
        }

        /**
         * Whether {@link #acceptedLoss()} is known.
         *
         * @return {@code true} when the step evaluated the loss at the updated point
         */
        public boolean hasAcceptedLoss() {
            return !Double.isNaN(acceptedLoss);
        }
    }
}
