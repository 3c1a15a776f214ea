package org.lshsmile.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogTest {

    private static double ulpError(double ours, double x) {
        double ref = StrictMath.log(x);
        return Math.abs(ours - ref) / Math.ulp(ref);
    }

    @Test
    void withinOneUlpOfStrictMathOverTheKernelsRange() {
        SplittableRandom r = new SplittableRandom(1);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            // log-uniform over [1e-6, 1e3]: the masked arguments the nanovoid kernels take, and beyond
            double x = Math.exp(Math.log(1e-6) + r.nextDouble() * (Math.log(1e3) - Math.log(1e-6)));
            worst = Math.max(worst, ulpError(Log.log(x), x));
        }
        assertTrue(worst <= 1.0, "worst error " + worst + " ulp against StrictMath.log (fdlibm)");
        assertEquals(0.0, Log.log(1.0), 0.0);
        assertEquals(Math.log(2), Log.log(2.0), Math.ulp(Math.log(2)));
        assertTrue(Double.isNaN(Log.log(Double.NaN)));
        assertEquals(Double.POSITIVE_INFINITY, Log.log(Double.POSITIVE_INFINITY));
        assertEquals(Math.log(Double.MIN_NORMAL), Log.log(Double.MIN_NORMAL), 1e-12);
        assertEquals(Math.log(Double.MAX_VALUE), Log.log(Double.MAX_VALUE), 1e-12);
    }
}
