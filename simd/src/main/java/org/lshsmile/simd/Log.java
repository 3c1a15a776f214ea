package org.lshsmile.simd;

/**
 * Natural logarithm built from +, -, *, / and bit operations only, so it gives the same bits on every
 * run, JIT state and CPU; both kernel sets take their logarithms from it.
 *
 * <p>Why not the Vector API's {@code LOG}: it may differ from {@code Math.log} in the last bit, and it
 * did differ between interpreted and compiled runs of the same code, which broke bitwise determinism of
 * the nanovoid kernels. {@code Math.log} is an intrinsic whose result the specification lets vary
 * within 1 ulp between implementations; this one is fixed by its operations.
 *
 * <p>Method (the classic fdlibm reduction, written from its description): {@code x = 2^k m} with
 * {@code m} in [sqrt(2)/2, sqrt(2)), {@code f = m - 1}, {@code s = f / (2 + f)},
 * {@code log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2)))} with a degree-7 minimax polynomial R, and
 * {@code k ln 2} added in two parts. Within 1 ulp of {@link StrictMath#log} (tested over [1e-6, 1e3]).
 *
 * <p>Domain: positive normal doubles (the kernels pass {@code max(u, 1e-6)}), NaN (returns NaN) and
 * +infinity (returns +infinity). Zero, negative and subnormal inputs are outside it.
 */
final class Log {

    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    static final double SQRT2 = 1.4142135623730951;
    static final double LG1 = 6.666666666666735130e-01;
    static final double LG2 = 3.999999999940941908e-01;
    static final double LG3 = 2.857142874366239149e-01;
    static final double LG4 = 2.222219843214978396e-01;
    static final double LG5 = 1.818357216161805012e-01;
    static final double LG6 = 1.531383769920937332e-01;
    static final double LG7 = 1.479819860511658591e-01;
    static final long MANTISSA = 0x000FFFFFFFFFFFFFL;
    static final long ONE_BITS = 0x3FF0000000000000L;

    private Log() {
    }

    /** log(x) for x in the domain above. */
    static double log(double x) {
        if (!(x < Double.POSITIVE_INFINITY)) {
            return x; // NaN stays NaN, +infinity stays +infinity
        }
        long bits = Double.doubleToRawLongBits(x);
        double k = (double) ((bits >>> 52) - 1023);
        double m = Double.longBitsToDouble((bits & MANTISSA) | ONE_BITS);
        if (m > SQRT2) {
            m = m * 0.5;
            k = k + 1.0;
        }
        double f = m - 1.0;
        double s = f / (2.0 + f);
        double z = s * s;
        double w = z * z;
        double t1 = w * (LG2 + w * (LG4 + w * LG6));
        double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
        double r = t2 + t1;
        double hfsq = (f * f) * 0.5;
        return k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f);
    }
}
