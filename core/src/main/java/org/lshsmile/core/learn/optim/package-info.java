/**
 * Optimizers for learning model parameters: {@link org.lshsmile.core.learn.optim.Sgd} (momentum,
 * Nesterov), {@link org.lshsmile.core.learn.optim.Adam}, {@link org.lshsmile.core.learn.optim.Lbfgs}
 * (strong-Wolfe line search), learning-rate {@link org.lshsmile.core.learn.optim.Schedule}s,
 * {@link org.lshsmile.core.learn.optim.LogParametrization} to keep physical parameters positive, the
 * plateau detector {@link org.lshsmile.core.learn.optim.EarlyStop} and the facade
 * {@link org.lshsmile.core.learn.optim.Optimizers} that builds an optimizer from a name and checked
 * options.
 *
 * <p>Every optimizer minimises an {@link org.lshsmile.core.learn.optim.Objective} (loss and gradient at
 * a point) and updates the parameter vector in place, one iteration per
 * {@link org.lshsmile.core.learn.optim.Optimizer#step} call. Exceptions thrown by an objective propagate
 * unchanged, and the parameter vector is then left as it was when the step began. Optimizers are
 * stateful and not thread-safe; the objective may use threads internally.
 */
package org.lshsmile.core.learn.optim;
