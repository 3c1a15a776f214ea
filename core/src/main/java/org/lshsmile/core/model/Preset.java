package org.lshsmile.core.model;

import java.util.List;
import java.util.Locale;

/**
 * Named parameter sets for grain growth (physics.md 1.3).
 *
 * <p>{@code default}: dx = 0.5, dt = 0.05, L = 5, kappa = 0.1, A = B = 1 (the sister code's dx; grain
 * boundaries move). {@code paper}: the same with dx = 1, as the LSH-SMILE paper's raw Laplacian kernel
 * implies. With dx = 1 the boundary profile (width ~ sqrt(kappa/A) = 0.32) is thinner than a cell and
 * the boundaries are pinned by the lattice: after the first ~20 time units of relaxation almost
 * nothing moves.
 *
 * @param name  preset name
 * @param dx    grid spacing
 * @param dt    time step
 * @param mobility L for every grain
 * @param kappa kappa for every grain
 * @param a     A
 * @param b     B
 */
public record Preset(String name, double dx, double dt, double mobility, double kappa, double a, double b) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for a blank name, a dx, dt or model parameter that is not a positive
     *                                  finite number, or a dt above the stable explicit-Euler step of the model
     */
    public Preset {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("preset name must not be blank");
        }
        requirePositive("dx", dx);
        requirePositive("dt", dt);
        requirePositive("mobility L", mobility);
        requirePositive("kappa", kappa);
        requirePositive("A", a);
        requirePositive("B", b);
        double stable = GrainGrowth.uniform(1, mobility, kappa, a, b, false).stableDt(dx);
        if (!(dt < stable)) {
            throw new IllegalArgumentException("preset " + name + ": dt " + dt + " is not below the stable step "
                + stable + " for dx " + dx + ", L " + mobility + ", kappa " + kappa + "; use a smaller dt");
        }
    }

    private static void requirePositive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("preset " + what + " must be a positive finite number, got " + v);
        }
    }

    /** The default preset (dx = 0.5). */
    public static final Preset DEFAULT = new Preset("default", 0.5, 0.05, 5.0, 0.1, 1.0, 1.0);
    /** The paper's literal setting (dx = 1). */
    public static final Preset PAPER = new Preset("paper", 1.0, 0.05, 5.0, 0.1, 1.0, 1.0);

    /** All presets. */
    public static List<Preset> all() {
        return List.of(DEFAULT, PAPER);
    }

    /** Preset by name. */
    public static Preset byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("unknown preset 'null': use default or paper");
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Preset p : all()) {
            if (p.name.equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "': use default or paper");
    }

    /** A grain-growth model with Q order parameters and this preset's parameters. */
    public GrainGrowth grainGrowth(int q, boolean clamp) {
        return GrainGrowth.uniform(q, mobility, kappa, a, b, clamp);
    }
}
