package org.lshsmile.core.learn;

import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;

/** Facade: the {@link Learnable} view of a model. */
public final class Learnables {

    private Learnables() {
    }

    /**
     * The learnable view of {@code model}: grain growth (A, B, L_i, kappa_i), Cahn-Hilliard (M, kappa, rho),
     * nanovoid (Ev, Ei, kT, kv, ki, ke, R_bulk, R_surf, Dv, Di, L; identifiable from pairs of states are the
     * combinations Ev/kT, Ei/kT, kv/kT, ke/kT, L kT, R_bulk, Dv, Di: core/LEARNING-nanovoid.md).
     *
     * @throws IllegalArgumentException for a model without an adjoint
     */
    public static Learnable of(Model model) {
        if (model instanceof GrainGrowth g) {
            return new GrainGrowthLearnable(g);
        }
        if (model instanceof CahnHilliard c) {
            return new CahnHilliardLearnable(c);
        }
        if (model instanceof Nanovoid n) {
            return new NanovoidLearnable(n);
        }
        throw new IllegalArgumentException("model " + (model == null ? "null" : model.name())
            + " has no adjoint: learning supports grain-growth, cahn-hilliard and nanovoid");
    }

    static void checkLength(double[] v, int n, String model) {
        if (v == null || v.length != n) {
            throw new IllegalArgumentException(model + " has " + n + " learnable parameters, got "
                + (v == null ? "null" : v.length + " values"));
        }
    }
}
