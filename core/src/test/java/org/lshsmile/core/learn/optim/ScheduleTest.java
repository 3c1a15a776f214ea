package org.lshsmile.core.learn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Schedule}: rates at given iterations, text forms, and the messages for bad text. */
class ScheduleTest {

    @Test
    void constantIsTheBaseRate() {
        Schedule s = Schedule.parse("constant");
        assertEquals(0.01, s.rate(0.01, 0), 0.0);
        assertEquals(0.01, s.rate(0.01, 1_000_000), 0.0);
    }

    @Test
    void stepDecayHalvesEvery20Iterations() {
        Schedule s = Schedule.parse("step:0.5:20");
        int[] t = {0, 19, 20, 39, 40, 100};
        double[] want = {0.1, 0.1, 0.05, 0.05, 0.025, 0.1 / 32};
        for (int i = 0; i < t.length; i++) {
            assertEquals(want[i], s.rate(0.1, t[i]), 1e-17, "t = " + t[i]);
        }
    }

    @Test
    void exponentialDecay() {
        Schedule s = Schedule.parse("exp:0.98");
        assertEquals(0.1, s.rate(0.1, 0), 0.0);
        assertEquals(0.098, s.rate(0.1, 1), 1e-17);
        assertEquals(0.1 * 0.8170728068875467, s.rate(0.1, 10), 1e-16); // 0.98^10
    }

    @Test
    void cosineAnnealsToItsFloorAndStaysThere() {
        Schedule s = Schedule.parse("cosine:200:1e-4");
        double lr = 0.1;
        double span = lr - 1e-4;
        assertEquals(0.1, s.rate(lr, 0), 1e-17);
        assertEquals(1e-4 + span * (1 + Math.sqrt(0.5)) / 2, s.rate(lr, 50), 1e-16);
        assertEquals(1e-4 + span / 2, s.rate(lr, 100), 1e-16);
        assertEquals(1e-4 + span * (1 - Math.sqrt(0.5)) / 2, s.rate(lr, 150), 1e-16);
        assertEquals(1e-4, s.rate(lr, 200), 1e-18);
        assertEquals(1e-4, s.rate(lr, 5000), 0.0);
    }

    @Test
    void textFormsReadBackToEqualSchedules() {
        for (String text : new String[] {"constant", "step:0.5:20", "exp:0.98", "cosine:200:1e-4"}) {
            Schedule s = Schedule.parse(text);
            assertEquals(s, Schedule.parse(s.spec()), text);
        }
        assertEquals(new Schedule.StepDecay(0.5, 20), Schedule.parse("  STEP:0.5:20 "));
        assertEquals(new Schedule.Cosine(200, 1e-4), Schedule.parse("cosine: 200 : 1e-4"));
    }

    @Test
    void badTextIsRefusedWithAMessageThatSaysWhatToWrite() {
        String[][] cases = {
            {"", "schedule is empty; use one of constant, step:FACTOR:EVERY, exp:GAMMA, cosine:PERIOD:FLOOR"},
            {null, "schedule is empty"},
            {"linear:0.1", "unknown schedule 'linear' in 'linear:0.1'; use one of constant, step:FACTOR:EVERY"},
            {"step:0.5", "schedule 'step:0.5' needs 2 values (step:FACTOR:EVERY, e.g. step:0.5:20), got 1"},
            {"exp", "schedule 'exp' needs 1 value (exp:GAMMA, e.g. exp:0.98), got 0"},
            {"constant:1", "schedule 'constant:1' needs 0 values (constant), got 1"},
            {"cosine:200:1e-4:3", "needs 2 values (cosine:PERIOD:FLOOR, e.g. cosine:200:1e-4), got 3"},
            {"step:half:20", "schedule 'step:half:20': FACTOR 'half' is not a number"},
            {"step:0.5:2.5", "schedule 'step:0.5:2.5': EVERY '2.5' is not a whole number"},
            {"step:1.5:20", "step FACTOR must be in (0, 1], got 1.5; e.g. step:0.5:20"},
            {"step:0.5:0", "step EVERY must be >= 1, got 0; e.g. step:0.5:20"},
            {"exp:0", "exp GAMMA must be in (0, 1], got 0.0; e.g. exp:0.98"},
            {"exp:NaN", "exp GAMMA must be in (0, 1], got NaN"},
            {"cosine:0:1e-4", "cosine PERIOD must be >= 1, got 0"},
            {"cosine:200:-1", "cosine FLOOR must be finite and >= 0, got -1.0"},
            {"cosine:200:Infinity", "cosine FLOOR must be finite and >= 0, got Infinity"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(c[0]),
                "text " + c[0]);
            assertTrue(e.getMessage().contains(c[1]), "text " + c[0] + ": message '" + e.getMessage() + "'");
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
