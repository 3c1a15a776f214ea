package org.lshsmile.core.lsh;

/**
 * Chooses the number of hashes per table {@code K} and of tables {@code L} of the p-stable LSH
 * family ({@link LshFamily}) from Theorem 1 of the LSH-SMILE paper, and provides the collision
 * probabilities behind the choice.
 *
 * <p><b>One hash.</b> For {@code h(v) = floor((a . v + b) / w)} with {@code a} standard Gaussian and
 * {@code b} uniform in {@code [0, w)} (Datar, Immorlica, Indyk and Mirrokni, SCG 2004), two vectors at
 * Euclidean distance {@code u} collide with probability
 * <pre>
 *   p(u) = 1 - 2 Phi(-w/u) - 2 / (sqrt(2 pi) (w/u)) (1 - exp(-(w/u)^2 / 2)),
 * </pre>
 * {@code Phi} the standard normal CDF ({@link #collisionProbability}). {@code p(u)} decreases from 1
 * ({@code u -> 0}) to 0 ({@code u -> infinity}), so pairs at distance {@code <= r} collide with
 * probability {@code >= p = p(r)} and pairs at distance {@code >= c r} with probability
 * {@code <= q = p(c r)}: the family is {@code (r, c r, p, q)}-sensitive. The paper's hash uses the
 * bucket width {@code w = r} (section 2: "{@code h(v) = floor((a . v + b) / r)} ... r is a hyper-parameter
 * denoting the size of the hash bucket"), so {@link #choose(double, double, double)} takes {@code w = r};
 * then {@code p = p(r) = 0.368746...} whatever {@code r}, and {@code q} depends on {@code c} only.
 *
 * <p><b>AND of OR.</b> A pair collides in one table when all {@code K} hashes of the table agree
 * (probability {@code p^K}) and collides when it collides in at least one of {@code L} independent tables:
 * {@code P = 1 - (1 - p^K)^L} ({@link #andOr}).
 *
 * <p><b>Theorem 1, as printed</b> (symbols of the paper): "For {@code 0 < epsilon < 0.5}, let
 * {@code C = log_epsilon(1 - epsilon)}, then {@code 0 < C < 1}. Suppose each {@code h_{i,j}} is sampled from
 * a {@code (r, cr, p, q)}-sensitive LSH function family. Pick
 * {@code K = max{1, ceil(log_{p/q} C)}}, {@code L = 1 / log_epsilon(1 - p^K)}. Build L LSH functions in the
 * way described in "AND of OR LSH", we have: for all elements x, y satisfying {@code ||x - y|| <= r}
 * ... {@code Pr(x collide with y) >= 1 - epsilon}; for all elements x, y satisfying
 * {@code ||x - y|| >= cr} ... {@code Pr(x collide with y) <= epsilon}." The proof (supplementary material)
 * is not in the text we have.
 *
 * <p><b>Where the statement is ambiguous or wrong, and what this class does instead.</b>
 * <ol>
 *   <li>{@code K}: since {@code 0 < C < 1 < p/q}, {@code log_{p/q} C < 0}, so the printed formula always
 *   gives {@code K = 1}, for which the far bound fails (e.g. {@code c = 2, epsilon = 0.1}: {@code q = 0.195},
 *   {@code L = 5}, far-pair collision 0.66). The argument that proves the theorem needs
 *   {@code (q/p)^K <= C}, i.e. {@code K0 = max{1, ceil(log_{p/q}(1/C))}}: with the real-valued {@code L}
 *   above, {@code (1 - p^K)^L = epsilon} exactly (near bound with equality), and because
 *   {@code -ln(1 - x) / x} increases in {@code x}, {@code ln(1 - q^K) / ln(1 - p^K) <= (q/p)^K <= C}, hence
 *   {@code (1 - q^K)^L >= epsilon^C = 1 - epsilon} (far bound). This is the standard E2LSH reading; we use
 *   {@code K0} as the starting {@code K}.</li>
 *   <li>{@code L} must be a whole number of tables. We take {@code L = ceil(ln epsilon / ln(1 - p^K))} (never
 *   fewer tables than the theorem's {@code L}, so the near bound holds); rounding up can push the far
 *   probability above {@code epsilon}, in which case {@code K} is increased by one and {@code L} recomputed
 *   until both bounds hold as computed here (the far probability tends to 0 as {@code K} grows).</li>
 *   <li>{@code epsilon}: the theorem is stated for {@code 0 < epsilon < 0.5} ({@code C < 1}). The same
 *   construction and checks work for {@code 0.5 <= epsilon < 1} ({@code C >= 1}, {@code K = 1} or more),
 *   where the two bounds are weak ({@code 1 - epsilon <= epsilon}); this class accepts
 *   {@code 0 < epsilon < 1}.</li>
 * </ol>
 *
 * <p><b>What is guaranteed</b> by {@link #choose}: with the returned {@code K} and {@code L},
 * {@code nearCollision = andOr(p, K, L) >= 1 - epsilon} and {@code farCollision = andOr(q, K, L) <= epsilon},
 * both evaluated in double precision by {@link #andOr} with {@code p, q} from {@link #collisionProbability}
 * (accurate to about {@code 1e-15} relative). These are per pair of elements and per hashing: they say
 * nothing about all pairs at once or about many steps (that needs a union bound, which the paper mentions
 * but does not carry out).
 *
 * <p><b>Error function.</b> {@link #erfc} and {@link #erf} are W. J. Cody's rational Chebyshev
 * approximations ("Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
 * 631-637; the coefficients of Netlib SPECFUN {@code CALERF}): {@code erf} on {@code |x| <= 0.46875},
 * {@code exp(x^2) erfc(x)} on {@code 0.46875 < x <= 4} and an asymptotic rational in {@code 1/x^2} for
 * {@code x > 4}, with {@code exp(-x^2)} evaluated as {@code exp(-s^2) exp(-(x - s)(x + s))},
 * {@code s = floor(16 x) / 16}, as CALERF does. Relative error below {@code 1e-15} in double precision
 * (maximal relative errors of the approximations {@code 6e-19} or less, per Cody).
 *
 * <p>All methods are static, pure and thread-safe.
 */
public final class ParameterChooser {

    /** Largest number of tables {@link #choose} returns; asking for more throws. */
    public static final int MAX_TABLES = 1_000_000;

    /** Largest number of hashes per table {@link #choose} tries. */
    public static final int MAX_HASHES = 1_000;

    private static final double SQRPI = 5.6418958354775628695e-1; // 1 / sqrt(pi)
    private static final double INV_SQRT2 = 0.70710678118654752440;
    private static final double INV_SQRT_2PI = 0.39894228040143267794;
    private static final double THRESH = 0.46875;
    private static final double XBIG = 26.543; // erfc(x) underflows to 0 beyond
    private static final double XSMALL = 1.11e-16;

    // erf on [0, 0.46875]
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    // exp(x^2) erfc(x) on (0.46875, 4]
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
        1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
        1.23033935480374942e03};
    // exp(x^2) erfc(x) on (4, infinity), rational in 1/x^2
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};

    private ParameterChooser() {
    }

    /**
     * The result of {@link #choose}.
     *
     * @param epsilon       the failure probability asked for
     * @param c             the approximation ratio: far pairs are at distance {@code >= c r}
     * @param r             the near radius: near pairs are at distance {@code <= r}
     * @param w             the bucket width of one hash (the paper: {@code w = r})
     * @param theoremC      {@code C = log_epsilon(1 - epsilon) = ln(1 - epsilon) / ln(epsilon)}
     * @param theoremK      {@code max{1, ceil(log_{p/q}(1/C))}}, the theorem's {@code K} read as its proof
     *                      needs (see the class comment)
     * @param k             hashes per table (AND), {@code >= theoremK}
     * @param l             tables (OR), {@code ceil(theoremL)}
     * @param theoremL      the theorem's real-valued {@code L = ln(epsilon) / ln(1 - p^k)} at the chosen {@code k}
     * @param p             collision probability of one hash at distance {@code r}
     * @param q             collision probability of one hash at distance {@code c r}
     * @param nearCollision {@code 1 - (1 - p^k)^l}: the least probability that a pair at distance
     *                      {@code <= r} collides; {@code >= 1 - epsilon}
     * @param farCollision  {@code 1 - (1 - q^k)^l}: the largest probability that a pair at distance
     *                      {@code >= c r} collides; {@code <= epsilon}
     */
    public record Choice(double epsilon, double c, double r, double w, double theoremC, int theoremK, int k, int l,
        double theoremL, double p, double q, double nearCollision, double farCollision) {
    }

    /**
     * The complementary error function {@code erfc(x) = 2 / sqrt(pi) int_x^inf exp(-t^2) dt} by Cody's
     * rational approximations (see the class comment); relative error below {@code 1e-15} where the result
     * is a normal double, 0 for {@code x > 26.543}, 2 for {@code x} very negative, NaN for NaN.
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        double y = Math.abs(x);
        if (y <= THRESH) {
            return 1.0 - erfSmall(x);
        }
        double r = y >= XBIG ? 0.0 : scaledErfc(y) * expMinusSquare(y);
        return x < 0 ? 2.0 - r : r;
    }

    /** The error function {@code erf(x)}, accurate like {@link #erfc}. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        double y = Math.abs(x);
        if (y <= THRESH) {
            return erfSmall(x);
        }
        double r = 1.0 - (y >= XBIG ? 0.0 : scaledErfc(y) * expMinusSquare(y));
        return x < 0 ? -r : r;
    }

    /** The standard normal CDF {@code Phi(x) = erfc(-x / sqrt 2) / 2}. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x * INV_SQRT2);
    }

    /** erf for {@code |x| <= 0.46875}. */
    private static double erfSmall(double x) {
        double y = Math.abs(x);
        double z = y > XSMALL ? y * y : 0.0;
        double num = A[4] * z;
        double den = z;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * z;
            den = (den + B[i]) * z;
        }
        return x * (num + A[3]) / (den + B[3]);
    }

    /** {@code exp(y^2) erfc(y)} for {@code y > 0.46875}. */
    private static double scaledErfc(double y) {
        if (y <= 4.0) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            return (num + C[7]) / (den + D[7]);
        }
        double z = 1.0 / (y * y);
        double num = P[5] * z;
        double den = z;
        for (int i = 0; i < 4; i++) {
            num = (num + P[i]) * z;
            den = (den + Q[i]) * z;
        }
        double r = z * (num + P[4]) / (den + Q[4]);
        return (SQRPI - r) / y;
    }

    /** {@code exp(-y^2)} without the rounding error of forming {@code y^2} (CALERF's split). */
    private static double expMinusSquare(double y) {
        double s = Math.floor(y * 16.0) / 16.0;
        double del = (y - s) * (y + s);
        return Math.exp(-s * s) * Math.exp(-del);
    }

    /**
     * Collision probability of one p-stable hash {@code floor((a . v + b) / w)} for two vectors at distance
     * {@code u} (Datar et al. 2004): {@code p(u) = 1 - 2 Phi(-t) - 2 / (sqrt(2 pi) t) (1 - exp(-t^2 / 2))},
     * {@code t = w / u}, computed as {@code erf(t / sqrt 2) + expm1(-t^2 / 2) / (sqrt(pi / 2) t)}, and for
     * {@code t < 1e-3} by the series {@code t / sqrt(2 pi) (1 - t^2 / 12)} (relative error below 1e-14).
     *
     * @param u the distance, {@code >= 0}, may be infinite ({@code p(0) = 1}, {@code p(infinity) = 0})
     * @param w the bucket width, finite and {@code > 0}
     * @return {@code p(u)} in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code u} is negative or NaN, or {@code w} not finite and positive
     */
    public static double collisionProbability(double u, double w) {
        if (!(u >= 0)) {
            throw new IllegalArgumentException("distance u must be >= 0, got " + u);
        }
        if (!(w > 0) || !Double.isFinite(w)) {
            throw new IllegalArgumentException("bucket width w must be finite and > 0, got " + w);
        }
        if (u == 0) {
            return 1.0;
        }
        double t = w / u;
        if (t == 0) {
            return 0.0;
        }
        if (Double.isInfinite(t)) {
            return 1.0;
        }
        if (t < 1e-3) {
            return t * INV_SQRT_2PI * (1.0 - t * t / 12.0);
        }
        double p = erf(t * INV_SQRT2) + 2.0 * INV_SQRT_2PI / t * Math.expm1(-0.5 * t * t);
        return Math.min(1.0, Math.max(0.0, p));
    }

    /**
     * AND of {@code k}, OR of {@code l}: the probability {@code 1 - (1 - p^k)^l} that a pair whose single-hash
     * collision probability is {@code p} collides in at least one of {@code l} tables of {@code k} hashes,
     * computed as {@code -expm1(l log1p(-p^k))}.
     *
     * @throws IllegalArgumentException unless {@code p} in {@code [0, 1]}, {@code k >= 1}, {@code l >= 1}
     */
    public static double andOr(double p, int k, int l) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability p must be in [0, 1], got " + p);
        }
        if (k < 1 || l < 1) {
            throw new IllegalArgumentException("K and L must be >= 1, got K = " + k + ", L = " + l);
        }
        double pk = Math.pow(p, k);
        if (pk >= 1) {
            return 1.0;
        }
        return -Math.expm1(l * Math.log1p(-pk));
    }

    /**
     * {@link #choose(double, double, double, double)} with the paper's bucket width {@code w = r}.
     *
     * @throws IllegalArgumentException as there
     */
    public static Choice choose(double epsilon, double c, double r) {
        return choose(epsilon, c, r, r);
    }

    /**
     * Chooses {@code K} and {@code L} by Theorem 1 (as read in the class comment): starting from
     * {@code K0 = max{1, ceil(log_{p/q}(1/C))}}, {@code L = ceil(ln epsilon / ln(1 - p^K))} (raised by one
     * if rounding left the near bound short), and {@code K} increased until
     * {@code andOr(q, K, L) <= epsilon}. The result satisfies {@code andOr(p, K, L) >= 1 - epsilon} and
     * {@code andOr(q, K, L) <= epsilon} as computed by {@link #andOr}.
     *
     * @param epsilon failure probability, {@code 0 < epsilon < 1} (the paper: {@code < 0.5})
     * @param c       approximation ratio, finite, {@code > 1}
     * @param r       near radius, finite, {@code > 0}
     * @param w       bucket width, finite, {@code > 0}
     * @throws IllegalArgumentException for arguments out of range, or when the bounds need more than
     *                                  {@link #MAX_TABLES} tables or {@link #MAX_HASHES} hashes per table
     *                                  (epsilon tiny or c close to 1)
     */
    public static Choice choose(double epsilon, double c, double r, double w) {
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be strictly between 0 and 1, got " + epsilon);
        }
        if (!(c > 1) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("c must be finite and > 1, got " + c);
        }
        if (!(r > 0) || !Double.isFinite(r)) {
            throw new IllegalArgumentException("r must be finite and > 0, got " + r);
        }
        if (!(w > 0) || !Double.isFinite(w)) {
            throw new IllegalArgumentException("w must be finite and > 0, got " + w);
        }
        double cr = c * r;
        if (!Double.isFinite(cr)) {
            throw new IllegalArgumentException("c r must be finite, got c = " + c + ", r = " + r);
        }
        double p = collisionProbability(r, w);
        double q = collisionProbability(cr, w);
        if (!(p > q) || !(q > 0)) {
            throw new IllegalArgumentException("p = " + p + " and q = " + q + " at w = " + w + ", r = " + r
                + ", c = " + c + " do not separate near from far pairs: use w of the order of r");
        }
        double theoremC = Math.log1p(-epsilon) / Math.log(epsilon);
        double k0 = Math.ceil(Math.log(1.0 / theoremC) / Math.log(p / q));
        int theoremK = (int) Math.max(1.0, Math.min(k0, MAX_HASHES + 1.0));
        double lnEps = Math.log(epsilon);
        for (int k = theoremK; k <= MAX_HASHES; k++) {
            double pk = Math.pow(p, k);
            double theoremL = lnEps / Math.log1p(-pk);
            if (!(theoremL <= MAX_TABLES)) {
                break;
            }
            int l = (int) Math.max(1.0, Math.ceil(theoremL));
            while (andOr(p, k, l) < 1 - epsilon && l < MAX_TABLES) {
                l++;
            }
            double near = andOr(p, k, l);
            double far = andOr(q, k, l);
            if (near >= 1 - epsilon && far <= epsilon) {
                return new Choice(epsilon, c, r, w, theoremC, theoremK, k, l, theoremL, p, q, near, far);
            }
        }
        throw new IllegalArgumentException("epsilon = " + epsilon + " and c = " + c + " need more than "
            + MAX_TABLES + " tables or " + MAX_HASHES + " hashes per table (p = " + p + ", q = " + q
            + "): use a larger epsilon or c");
    }
}
