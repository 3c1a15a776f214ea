package org.lshsmile.core.learn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Optimizers}: names, options and the one-line messages for every invalid value. */
class OptimizersTest {

    @Test
    void createsEachOptimizerByName() {
        Optimizers.Options o = Optimizers.Options.builder().lr(0.05).momentum(0.9).nesterov(true).build();
        assertInstanceOf(Sgd.class, Optimizers.create("sgd", o));
        assertInstanceOf(Adam.class, Optimizers.create(" Adam ", o));
        Optimizer lbfgs = Optimizers.create("LBFGS", o.toBuilder().history(7).build());
        assertEquals(7, ((Lbfgs) lbfgs).history());
        for (String name : Optimizers.NAMES) {
            assertEquals(name, Optimizers.create(name).name());
        }
        assertEquals("sgd(lr=0.05, momentum=0.9, nesterov=true, schedule=constant)",
            Optimizers.create("sgd", o).toString());
    }

    @Test
    void createdOptimizersUseTheOptions() {
        // f(x) = x, gradient 1: SGD without momentum moves by exactly the scheduled rate
        Optimizers.Options o = Optimizers.Options.builder().lr(1).schedule("step:0.5:1").build();
        Optimizer sgd = Optimizers.create("sgd", o);
        double[] x = {0};
        for (int i = 0; i < 3; i++) {
            sgd.step(x, (t, g) -> {
                g[0] = 1;
                return t[0];
            });
        }
        assertEquals(-1.75, x[0], 0.0);
    }

    @Test
    void unknownNamesListTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("rmsprop"));
        assertEquals("unknown optimizer 'rmsprop'; use one of sgd, adam, lbfgs", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create(" "));
        assertEquals("optimizer name is empty; use one of sgd, adam, lbfgs", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create(null));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("sgd", null));
    }

    @Test
    void lbfgsRefusesALearningRateSchedule() {
        Optimizers.Options o = Optimizers.Options.builder().schedule("exp:0.9").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("lbfgs", o));
        assertTrue(e.getMessage().startsWith("schedule exp:0.9 does not apply to lbfgs"), e.getMessage());
    }

    private record Bad(String what, Function<Optimizers.Builder, Optimizers.Options> build, String message) {}

    @Test
    void everyInvalidValueIsRefusedWithAOneLineMessageNamingTheOptionAndTheFix() {
        Bad[] cases = {
            new Bad("lr NaN", b -> b.lr(Double.NaN).build(), "lr must be finite and > 0, got NaN; set a positive step size such as 1e-3"),
            new Bad("lr 0", b -> b.lr(0).build(), "lr must be finite and > 0, got 0.0"),
            new Bad("lr < 0", b -> b.lr(-0.1).build(), "lr must be finite and > 0, got -0.1"),
            new Bad("lr inf", b -> b.lr(Double.POSITIVE_INFINITY).build(), "lr must be finite and > 0, got Infinity"),
            new Bad("momentum 1", b -> b.momentum(1).build(), "momentum must be in [0, 1), got 1.0; use 0 for plain SGD or e.g. 0.9"),
            new Bad("momentum < 0", b -> b.momentum(-0.5).build(), "momentum must be in [0, 1), got -0.5"),
            new Bad("momentum NaN", b -> b.momentum(Double.NaN).build(), "momentum must be in [0, 1), got NaN"),
            new Bad("nesterov without momentum", b -> b.nesterov(true).build(),
                "nesterov needs momentum > 0, got momentum 0; set momentum (e.g. 0.9) or turn nesterov off"),
            new Bad("beta1 1", b -> b.betas(1, 0.999).build(), "beta1 must be in [0, 1), got 1.0; the usual value is 0.9"),
            new Bad("beta2 NaN", b -> b.betas(0.9, Double.NaN).build(), "beta2 must be in [0, 1), got NaN; the usual value is 0.999"),
            new Bad("beta2 < 0", b -> b.betas(0.9, -0.1).build(), "beta2 must be in [0, 1), got -0.1"),
            new Bad("epsilon 0", b -> b.epsilon(0).build(), "epsilon must be finite and > 0, got 0.0; the usual value is 1e-8"),
            new Bad("epsilon NaN", b -> b.epsilon(Double.NaN).build(), "epsilon must be finite and > 0, got NaN"),
            new Bad("history 0", b -> b.history(0).build(), "history must be in [1, 1000], got 0; the usual value is 10"),
            new Bad("history huge", b -> b.history(5000).build(), "history must be in [1, 1000], got 5000"),
            new Bad("schedule null", b -> b.schedule((Schedule) null).build(),
                "schedule must not be null; use Schedule.constant() for none"),
            new Bad("schedule text", b -> b.schedule("cosine:200").build(), "schedule 'cosine:200' needs 2 values"),
            new Bad("cosine floor above lr", b -> b.lr(1e-3).schedule("cosine:200:0.01").build(),
                "schedule cosine:200:0.01 has floor 0.01 above lr 0.001; choose a floor below lr, e.g. cosine:200:1.0E-5"),
        };
        for (Bad c : cases) {
            // each case starts from the (valid) defaults: only the named value is wrong
            Optimizers.Builder fresh = Optimizers.Options.builder();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.build.apply(fresh),
                c.what);
            assertTrue(e.getMessage().startsWith(c.message), c.what + ": '" + e.getMessage() + "'");
            assertTrue(!e.getMessage().contains("\n"), c.what + ": one line");
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        Optimizers.Options d = Optimizers.Options.defaults();
        assertEquals(new Optimizers.Options(1e-3, 0, false, 0.9, 0.999, 1e-8, 10, Schedule.constant()), d);
        assertEquals(d, d.toBuilder().build());
    }
}
