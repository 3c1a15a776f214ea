package org.lshsmile.core.learn.optim;

import java.util.Optional;

/**
 * Decides when to stop iterating, from the loss and gradient norm of each iteration in turn
 * ({@link #update}). The checks, in this order, at the {@code k}-th update:
 * <ol>
 *   <li><b>non-finite</b>: the loss is {@code NaN} or infinite;</li>
 *   <li><b>target</b>: {@code loss <= target};</li>
 *   <li><b>gtol</b>: {@code gradientNorm <= gtol};</li>
 *   <li><b>plateau</b>: the loss has not improved on the reference loss by more than {@code rel} relative
 *   for {@code patience} consecutive updates. The reference is the first loss seen, replaced by a loss
 *   only when that loss is an improvement: {@code loss < reference - rel |reference|}. So with
 *   {@code patience = 3}, losses {@code 1, 1, 1, 1} stop at the fourth update, and slow progress of less
 *   than {@code rel} per update does not reset the count.</li>
 * </ol>
 * Once stopped, it stays stopped (further updates return {@code true} and keep the first reason) until
 * {@link #reset()}. Feed it {@link Optimizer.Step#loss()} and {@link Optimizer.Step#gradientNorm()}, the
 * values at the point each step started from.
 */
public final class EarlyStop {

    private final double rel;
    private final int patience;
    private final double target;
    private final double gtol;

    private int updates;
    private int sinceImprovement;
    private double reference;
    private double best;
    private String reason;

    /**
     * A stopping rule with all four checks.
     *
     * @param rel relative improvement that counts, finite and {@code >= 0}
     * @param patience updates without improvement before stopping, {@code >= 1}
     * @param target stop once the loss is at or below it; {@code Double.NEGATIVE_INFINITY} for never
     * @param gtol stop once the gradient norm is at or below it, finite and {@code >= 0} ({@code 0} stops
     *     only on an exactly zero gradient)
     * @throws IllegalArgumentException naming the bad value and a fix
     */
    public EarlyStop(double rel, int patience, double target, double gtol) {
        if (!(rel >= 0) || !Double.isFinite(rel)) {
            throw new IllegalArgumentException("rel must be finite and >= 0, got " + rel + "; e.g. 1e-6");
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1, got " + patience + "; e.g. 20");
        }
        if (Double.isNaN(target) || target == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("target must be a number below +infinity, got " + target
                + "; use Double.NEGATIVE_INFINITY for no target");
        }
        if (!(gtol >= 0) || !Double.isFinite(gtol)) {
            throw new IllegalArgumentException("gtol must be finite and >= 0, got " + gtol
                + "; use 0 to stop only on a zero gradient");
        }
        this.rel = rel;
        this.patience = patience;
        this.target = target;
        this.gtol = gtol;
        reset();
    }

    /**
     * A plateau-only rule (no target; gradient tolerance 0).
     *
     * @param rel relative improvement that counts, finite and {@code >= 0}
     * @param patience updates without improvement before stopping, {@code >= 1}
     * @return the rule
     */
    public static EarlyStop plateau(double rel, int patience) {
        return new EarlyStop(rel, patience, Double.NEGATIVE_INFINITY, 0);
    }

    /**
     * Records one iteration's loss and gradient norm and says whether to stop.
     *
     * @param loss the iteration's loss
     * @param gradientNorm the norm of the gradient at the same point
     * @return {@code true} to stop; {@link #reason()} says why
     */
    public boolean update(double loss, double gradientNorm) {
        if (reason != null) {
            return true;
        }
        updates++;
        if (!Double.isFinite(loss)) {
            reason = "non-finite loss " + loss + " at update " + updates;
            return true;
        }
        best = Math.min(best, loss);
        if (loss <= target) {
            reason = "target reached: loss " + loss + " <= " + target + " at update " + updates;
            return true;
        }
        if (gradientNorm <= gtol) {
            reason = "gradient small: norm " + gradientNorm + " <= gtol " + gtol + " at update " + updates;
            return true;
        }
        if (updates == 1 || loss < reference - rel * Math.abs(reference)) {
            reference = loss;
            sinceImprovement = 0;
            return false;
        }
        sinceImprovement++;
        if (sinceImprovement >= patience) {
            reason = "plateau: loss " + reference + " not improved by rel " + rel + " for " + patience
                + " updates (update " + updates + ")";
            return true;
        }
        return false;
    }

    /**
     * Records an optimizer step ({@link Optimizer.Step#loss()} and {@link Optimizer.Step#gradientNorm()}).
     *
     * @param step the step
     * @return {@code true} to stop
     */
    public boolean update(Optimizer.Step step) {
        return update(step.loss(), step.gradientNorm());
    }

    /**
     * Whether a check has fired.
     *
     * @return {@code true} once {@link #update} has returned {@code true}
     */
    public boolean stopped() {
        return reason != null;
    }

    /**
     * Why it stopped, e.g. {@code "plateau: loss 0.5 not improved by rel 0.001 for 3 updates (update 7)"}.
     *
     * @return the reason, or empty while not stopped
     */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * The lowest finite loss seen.
     *
     * @return the lowest loss, {@code +infinity} before any finite one
     */
    public double bestLoss() {
        return best;
    }

    /**
     * Updates since the reference loss was last improved on.
     *
     * @return the plateau count
     */
    public int sinceImprovement() {
        return sinceImprovement;
    }

    /**
     * Number of updates recorded.
     *
     * @return the count, including the one that stopped
     */
    public int updates() {
        return updates;
    }

    /** Forgets every update. */
    public void reset() {
        updates = 0;
        sinceImprovement = 0;
        reference = Double.NaN;
        best = Double.POSITIVE_INFINITY;
        reason = null;
    }
}
