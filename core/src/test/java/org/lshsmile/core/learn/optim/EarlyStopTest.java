package org.lshsmile.core.learn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link EarlyStop}: table of loss sequences and the update at which each rule must fire. */
class EarlyStopTest {

    private static final double NO_TARGET = Double.NEGATIVE_INFINITY;

    /** One row: the rule, the losses and gradient norms fed in turn, the 1-based update that stops (0: none). */
    private record Row(String what, double rel, int patience, double target, double gtol, double[] losses,
                       double[] gradients, int stopsAt, String reasonStart) {}

    private static double[] d(double... v) {
        return v;
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    @Test
    void firesExactlyWhenItShould() {
        Row[] rows = {
            new Row("flat losses, patience 3: stops at the 4th", 0, 3, NO_TARGET, 0, d(1, 1, 1, 1, 1), ones(5), 4,
                "plateau: loss 1.0 not improved by rel 0.0 for 3 updates (update 4)"),
            new Row("strictly decreasing, rel 0: never", 0, 3, NO_TARGET, 0, d(5, 4, 3, 2, 1, 0.5), ones(6), 0, ""),
            new Row("an improvement resets the count", 0, 2, NO_TARGET, 0, d(1, 1, 0.9, 0.9, 0.9), ones(5), 5,
                "plateau: loss 0.9 "),
            new Row("improvements below rel do not count", 0.1, 3, NO_TARGET, 0, d(1, 0.95, 0.91, 0.905, 0.8),
                ones(5), 4, "plateau: loss 1.0 not improved by rel 0.1"),
            new Row("an improvement by more than rel counts", 0.1, 2, NO_TARGET, 0, d(1, 0.95, 0.89, 0.85, 0.84),
                ones(5), 5, "plateau: loss 0.89 "),
            new Row("a rise counts as no improvement", 0, 2, NO_TARGET, 0, d(1, 2, 3), ones(3), 3, "plateau"),
            new Row("negative losses: relative to |reference|", 0.1, 1, NO_TARGET, 0, d(-1, -1.05, -1.2), ones(3), 2,
                "plateau: loss -1.0 "),
            new Row("target: loss <= target", 0, 100, 0.5, 0, d(2, 1, 0.6, 0.5, 0.1), ones(5), 4,
                "target reached: loss 0.5 <= 0.5 at update 4"),
            new Row("gtol: gradient norm <= gtol", 0, 100, NO_TARGET, 1e-6, d(3, 2, 1, 0.5), d(1, 1e-3, 1e-6, 0), 3,
                "gradient small: norm 1.0E-6 <= gtol 1.0E-6 at update 3"),
            new Row("gtol 0 fires on an exactly zero gradient only", 0, 100, NO_TARGET, 0, d(3, 2, 1),
                d(1e-300, Double.MIN_VALUE, 0), 3, "gradient small: norm 0.0"),
            new Row("target before gtol before plateau", 0, 1, 1, 1, d(2, 1), d(5, 1), 2, "target reached"),
            new Row("gtol before plateau", 0, 1, NO_TARGET, 1, d(2, 3), d(5, 1), 2, "gradient small"),
            new Row("NaN loss stops at once", 0, 100, NO_TARGET, 0, d(1, Double.NaN, 0.5), ones(3), 2,
                "non-finite loss NaN at update 2"),
            new Row("infinite loss stops at once", 0, 100, NO_TARGET, 0, d(Double.POSITIVE_INFINITY), ones(1), 1,
                "non-finite loss Infinity at update 1"),
            new Row("patience 1 with a stall", 0, 1, NO_TARGET, 0, d(3, 2, 2), ones(3), 3, "plateau"),
        };
        for (Row r : rows) {
            EarlyStop stop = new EarlyStop(r.rel, r.patience, r.target, r.gtol);
            int stoppedAt = 0;
            for (int i = 0; i < r.losses.length; i++) {
                boolean s = stop.update(r.losses[i], r.gradients[i]);
                if (s && stoppedAt == 0) {
                    stoppedAt = i + 1;
                    assertEquals(stoppedAt, stop.updates(), r.what);
                }
                assertEquals(stoppedAt != 0, s, r.what + ": stays stopped once stopped");
            }
            assertEquals(r.stopsAt, stoppedAt, r.what);
            assertEquals(r.stopsAt != 0, stop.stopped(), r.what);
            if (r.stopsAt == 0) {
                assertEquals(Optional.empty(), stop.reason(), r.what);
            } else {
                String reason = stop.reason().orElseThrow();
                assertTrue(reason.startsWith(r.reasonStart), r.what + ": reason '" + reason + "'");
            }
        }
    }

    @Test
    void bestLossIsTheLowestFiniteLossAndResetForgetsEverything() {
        EarlyStop stop = EarlyStop.plateau(0.5, 2);
        stop.update(4, 1);
        stop.update(3, 1); // not an improvement by rel 0.5, but the best loss
        assertEquals(3.0, stop.bestLoss());
        assertEquals(1, stop.sinceImprovement());
        assertTrue(stop.update(new Optimizer.Step(3.5, 1, 1)));
        stop.reset();
        assertFalse(stop.stopped());
        assertEquals(0, stop.updates());
        assertEquals(Double.POSITIVE_INFINITY, stop.bestLoss());
        assertFalse(stop.update(3.5, 1));
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStop(-1e-3, 5, NO_TARGET, 0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStop(Double.NaN, 5, NO_TARGET, 0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStop(0, 0, NO_TARGET, 0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStop(0, 5, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStop(0, 5, NO_TARGET, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new EarlyStop(0, 5, NO_TARGET, Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().startsWith("gtol must be finite and >= 0, got Infinity"), e.getMessage());
    }
}
