package org.lshsmile.cli;

import java.util.Map;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;

/** Named parameters of the models: {@code --param NAME=VALUE} and the parameters a checkpoint records. */
final class ModelParams {

    private ModelParams() {
    }

    /**
     * The model with one parameter changed, through the model's own {@code with(name, value)}.
     *
     * @throws IllegalArgumentException for an unknown name or a value the model refuses
     */
    static Model with(Model m, String name, double value) {
        return switch (m) {
            case GrainGrowth g -> g.with(name, value);
            case CahnHilliard c -> c.with(name, value);
            case Nanovoid n -> n.with(name, value);
            default -> throw new IllegalArgumentException("model " + m.name() + " has no named parameters");
        };
    }

    /** The parameter names {@code --param} takes, for messages. */
    static String names(Model m) {
        return switch (m) {
            case GrainGrowth g -> "L, kappa, A, B, L_i, kappa_i (i = 1.." + g.orderParameters() + ")";
            case CahnHilliard c -> "M, kappa, rho, ca, cb";
            default -> String.join(", ", m.parameters().keySet());
        };
    }

    /**
     * The model with exactly these parameters (as {@link Model#parameters()} lists them), starting from
     * {@code base} for everything else.
     *
     * @throws IllegalArgumentException for a missing, unknown or refused parameter
     */
    static Model withAll(Model base, Map<String, Double> params) {
        if (!params.keySet().equals(base.parameters().keySet())) {
            for (String k : base.parameters().keySet()) {
                if (!params.containsKey(k)) {
                    throw new IllegalArgumentException("no value for parameter " + k);
                }
            }
            for (String k : params.keySet()) {
                if (!base.parameters().containsKey(k)) {
                    throw new IllegalArgumentException("unknown " + base.name() + " parameter " + k);
                }
            }
        }
        if (base instanceof GrainGrowth g) {
            // one copy instead of one per grain and parameter
            int q = g.orderParameters();
            double[] l = new double[q];
            double[] k = new double[q];
            for (int i = 0; i < q; i++) {
                l[i] = params.get("L_" + (i + 1));
                k[i] = params.get("kappa_" + (i + 1));
            }
            return new GrainGrowth(l, k, params.get("A"), params.get("B"), g.clamp());
        }
        Model m = base;
        for (Map.Entry<String, Double> e : params.entrySet()) {
            m = with(m, e.getKey(), e.getValue());
        }
        return m;
    }
}
