package org.lshsmile.core.learn.optim;

/**
 * A differentiable loss over a parameter vector: the function an {@link Optimizer} minimises.
 *
 * <p>Optimizers pass a {@code gradient} array of the same length as {@code theta}, filled with zeros,
 * and never keep a reference to either array after the call returns. An implementation may throw any
 * runtime exception (bad data, a failed simulation); optimizers let it propagate unchanged. A loss or
 * gradient that is not finite is not an error of the objective: {@link Lbfgs} treats it as a step that
 * went too far, {@link Sgd} and {@link Adam} stop with an {@link IllegalStateException}.
 */
@FunctionalInterface
public interface Objective {

    /**
     * Evaluates the loss and its gradient at {@code theta}.
     *
     * @param theta the point; must not be modified
     * @param gradient output, same length as {@code theta}: receives {@code dLoss/dtheta}
     * @return the loss at {@code theta}
     */
    double evaluate(double[] theta, double[] gradient);
}
