package org.lshsmile.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The checked facade: valid calls reach the library and compute, calls with mismatched sizes are refused in
 * Java with a one-line message before anything is written. Skipped, with the loader's reason, when the
 * library is absent.
 */
class NativeKernelsTest {

    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final int NY = 5;
    private static final int NX = 7;
    private static final int COL = 8;
    private static final long RS = 24; // >= COL + NX + 2, a multiple of 8 as in core's Grid
    private static final long PS = RS * (NY + 4);
    private static final int ROW_FROM = 2;
    private static final int ROW_TO = 2 + NY;

    private NativeKernels k;
    private Arena arena;

    @BeforeEach
    void load() {
        NativeLibrary.Result r = NativeLibrary.load();
        assumeTrue(r.kernels().isPresent(), "native library absent: " + r.description());
        k = r.kernels().orElseThrow();
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        if (arena != null) {
            arena.close();
        }
    }

    private MemorySegment doubles(long n, double fill) {
        MemorySegment s = arena.allocate(n * Double.BYTES, 64);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(D, i, fill);
        }
        return s;
    }

    /** Asserts the call is refused with a one-line message containing {@code phrase} and leaves {@code next} as it was. */
    private static void refused(String phrase, MemorySegment next, Executable call) {
        MemorySegment before = Arena.ofAuto().allocate(next.byteSize()).copyFrom(next);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, phrase);
        assertTrue(e.getMessage().contains(phrase), "message '" + e.getMessage() + "' should contain '" + phrase + "'");
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertEquals(-1L, before.mismatch(next), "refused call wrote to next");
    }

    @Test
    void freedOrForeignSegmentsAreRefusedBeforeTheDowncall() throws Exception {
        int q = 1;
        MemorySegment next = doubles(q * PS, 0.0);
        MemorySegment sum = doubles(RS, 0.0);
        double[] one = {0.1};
        Arena gone = Arena.ofShared();
        MemorySegment freed = gone.allocate(q * PS * Double.BYTES, 64);
        gone.close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.grainGrowthRows(freed, next,
            sum, q, PS, RS, ROW_FROM, ROW_TO, COL, NX, one, one, 1, 1, 1, false));
        assertTrue(e.getMessage().contains("cur is already freed"), e.getMessage());
        MemorySegment[] foreign = new MemorySegment[1];
        Arena[] owner = new Arena[1];
        Thread t = Thread.ofPlatform().start(() -> {
            owner[0] = Arena.ofConfined();
            foreign[0] = owner[0].allocate(q * PS * Double.BYTES, 64);
        });
        t.join();
        e = assertThrows(IllegalArgumentException.class, () -> k.grainGrowthRows(foreign[0], next, sum, q, PS, RS,
            ROW_FROM, ROW_TO, COL, NX, one, one, 1, 1, 1, false));
        assertTrue(e.getMessage().contains("cur belongs to a confined arena of another thread"), e.getMessage());
        assertEquals(-1L, next.mismatch(doubles(q * PS, 0.0)), "a refused call wrote to next");
    }

    @Test
    void buildInfoAndAbi() {
        assertEquals(NativeLibrary.ABI_VERSION, k.abiVersion());
        String info = k.buildInfo();
        assertTrue(info.startsWith("lshsmile "), info);
        assertTrue(info.contains(" abi " + NativeLibrary.ABI_VERSION), info);
        assertTrue(info.contains("-ffp-contract=off"), "the bitwise contract needs no FMA contraction: " + info);
        assertTrue(info.contains("isa:"), info);
        assertTrue(NativeLibrary.load().description().contains(info), NativeLibrary.load().description());
    }

    @Test
    void logHasTheDocumentedValues() {
        assertEquals(0.0, k.log(1.0));
        assertEquals(1.0, k.log(Math.E), Math.ulp(1.0));
        for (double x : new double[] {1e-6, 0.3, 2.0, 10.0, 1e3}) {
            assertEquals(StrictMath.log(x), k.log(x), Math.ulp(StrictMath.log(x)), "log " + x);
        }
        assertTrue(Double.isNaN(k.log(Double.NaN)));
        assertEquals(Double.POSITIVE_INFINITY, k.log(Double.POSITIVE_INFINITY));
    }

    /**
     * The C grain-growth kernel takes its vector path (aligned loads, neighbours by valignq) only where the
     * 8 values before the first column and after the last vector lie in the row, as in core's Grid; a compact
     * layout (interior at column 1, rows of nx + 2) must run the scalar loop and give the same bits.
     */
    @Test
    void grainGrowthGivesTheSameBitsInACompactLayout() {
        int q = 2;
        int ny = 4;
        int nx = 19;
        long gridRs = 32; // Grid: interior at column 8, row of roundUp(8 + 19 + 2, 8)
        long gridPs = gridRs * (ny + 2);
        long compactRs = nx + 2;
        long compactPs = compactRs * (ny + 2);
        MemorySegment gridCur = doubles(q * gridPs, 0.0);
        MemorySegment compactCur = doubles(q * compactPs, 0.0);
        for (int f = 0; f < q; f++) {
            for (int y = 0; y < ny + 2; y++) {
                for (int x = -1; x <= nx; x++) {
                    double v = 0.5 + 0.4 * Math.sin(1.3 * x + 0.7 * y + 2.1 * f);
                    gridCur.setAtIndex(D, f * gridPs + y * gridRs + 8 + x, v);
                    compactCur.setAtIndex(D, f * compactPs + y * compactRs + 1 + x, v);
                }
            }
        }
        MemorySegment gridNext = doubles(q * gridPs, 0.0);
        MemorySegment compactNext = doubles(q * compactPs, 0.0);
        double[] ldt = {0.05, 0.07};
        double[] kappa = {0.5, 0.3};
        k.grainGrowthRows(gridCur, gridNext, doubles(gridRs, 0.0), q, gridPs, gridRs, 1, 1 + ny, 8, nx, ldt, kappa,
            1.0, 1.0, 4.0, false);
        k.grainGrowthRows(compactCur, compactNext, doubles(compactRs, 0.0), q, compactPs, compactRs, 1, 1 + ny, 1, nx,
            ldt, kappa, 1.0, 1.0, 4.0, false);
        for (int f = 0; f < q; f++) {
            for (int y = 1; y <= ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double g = gridNext.getAtIndex(D, f * gridPs + y * gridRs + 8 + x);
                    double c = compactNext.getAtIndex(D, f * compactPs + y * compactRs + 1 + x);
                    assertEquals(Double.doubleToRawLongBits(g), Double.doubleToRawLongBits(c),
                        "field " + f + " row " + y + " column " + x + ": " + g + " vs " + c);
                    assertTrue(g != gridCur.getAtIndex(D, f * gridPs + y * gridRs + 8 + x), "the step changed it");
                }
            }
        }
    }

    @Test
    void grainGrowthPairComputesTwoStepsAndRefusesMismatches() {
        int q = 2;
        MemorySegment cur = doubles(q * PS, 0.5);
        MemorySegment next = doubles(q * PS, 0.0);
        MemorySegment scratch = doubles((3L * q + 1) * RS, 0.0);
        double[] ldt = {0.1, 0.1};
        double[] kappa = {1.0, 1.0};
        k.grainGrowthPairRows(cur, next, scratch, q, PS, RS, ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1.0, 1.0, 1.0,
            false);
        // uniform in both fields, halo and padding included: lap = 0 in both steps
        double v = 0.5;
        for (int step = 0; step < 2; step++) {
            double sq = v * v;
            v = v - 0.1 * (v * ((1.0 * sq - 1.0) + 2.0 * ((sq + sq) - sq)) - 1.0 * 0.0);
        }
        long c = PS + 3 * RS + COL + 4;
        assertEquals(v, next.getAtIndex(D, c), 0.0, "two steps");
        assertEquals(0.0, next.getAtIndex(D, PS + ROW_TO * RS + COL), "row rowTo is not written");
        next.fill((byte) 0);

        refused("scratch holds " + (7 * RS - 1) + " doubles, the call needs " + 7 * RS, next,
            () -> k.grainGrowthPairRows(cur, next, scratch.asSlice(0, (7 * RS - 1) * 8), q, PS, RS, ROW_FROM, ROW_TO,
                COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("rows [1, 7) must satisfy 2 <= rowFrom", next, () -> k.grainGrowthPairRows(cur, next, scratch, q, PS,
            RS, 1, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("rowStride 20 must be a multiple of 8", next, () -> k.grainGrowthPairRows(cur, next, scratch, q,
            20 * (NY + 4), 20, ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("q must be in [1, ", next, () -> k.grainGrowthPairRows(cur, next, scratch, 0, PS, RS, ROW_FROM,
            ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("scratch and next overlap", next, () -> k.grainGrowthPairRows(cur, next, next, q, PS, RS, ROW_FROM,
            ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
    }

    @Test
    void grainGrowthComputesAndRefusesMismatches() {
        int q = 2;
        MemorySegment cur = doubles(q * PS, 0.5);
        MemorySegment next = doubles(q * PS, 0.0);
        MemorySegment sum = doubles(RS, 0.0);
        double[] ldt = {0.1, 0.1};
        double[] kappa = {1.0, 1.0};
        k.grainGrowthRows(cur, next, sum, q, PS, RS, ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1.0, 1.0, 1.0, false);
        // uniform 0.5 in both fields: lap = 0, bulk = 0.5 ((0.25 - 1) + 2 * 0.25) = -0.125
        long c = PS + 3 * RS + COL + 4;
        assertEquals(0.5 - 0.1 * (0.5 * ((0.25 - 1.0) + 2.0 * 0.25)), next.getAtIndex(D, c));
        assertEquals(0.0, next.getAtIndex(D, PS + ROW_TO * RS + COL), "row rowTo is not written");
        next.fill((byte) 0);

        refused("q must be >= 1", next, () -> k.grainGrowthRows(cur, next, sum, 0, PS, RS, ROW_FROM, ROW_TO, COL, NX,
            ldt, kappa, 1, 1, 1, false));
        refused("ldt has 1 values, the call needs 2", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS,
            ROW_FROM, ROW_TO, COL, NX, new double[1], kappa, 1, 1, 1, false));
        refused("kappa has 1 values", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS, ROW_FROM, ROW_TO, COL,
            NX, ldt, new double[1], 1, 1, 1, false));
        refused("sumSq holds 23 doubles, the call needs 24", next, () -> k.grainGrowthRows(cur, next,
            sum.asSlice(0, (RS - 1) * 8), q, PS, RS, ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        // halo 1: the last row read is rowTo, so plane q-1 needs rowTo + 1 rows, not all NY + 4
        long need = (q - 1) * PS + (ROW_TO + 1) * RS;
        refused("cur holds " + (need - 1) + " doubles, the call needs " + need, next, () -> k.grainGrowthRows(
            cur.asSlice(0, (need - 1) * 8), next, sum, q, PS, RS,
            ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("next holds", next, () -> k.grainGrowthRows(cur, next.asSlice(0, (need - 1) * 8), sum, q, PS, RS,
            ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("next is read-only", next, () -> k.grainGrowthRows(cur, next.asReadOnly(), sum, q, PS, RS, ROW_FROM,
            ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("cur is a heap segment", next, () -> k.grainGrowthRows(MemorySegment.ofArray(new double[(int) (q * PS)]),
            next, sum, q, PS, RS, ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("cur is not 8-byte aligned", next, () -> k.grainGrowthRows(doubles(q * PS + 1, 0).asSlice(4), next,
            sum, q, PS, RS, ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("cur and next overlap", next, () -> k.grainGrowthRows(next, next, sum, q, PS, RS, ROW_FROM, ROW_TO,
            COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("sumSq and next overlap", next, () -> k.grainGrowthRows(cur, next, next.asSlice(8 * PS, 8 * RS), q,
            PS, RS, ROW_FROM, ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("rows [0, 7)", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS, 0, ROW_TO, COL, NX, ldt,
            kappa, 1, 1, 1, false));
        refused("rows [5, 4)", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS, 5, 4, COL, NX, ldt, kappa,
            1, 1, 1, false));
        refused("planeStride " + PS + " is below", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS, ROW_FROM,
            NY + 4, COL, NX, ldt, kappa, 1, 1, 1, false));
        refused("do not fit in a row of rowStride 24", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS,
            ROW_FROM, ROW_TO, COL, 16, ldt, kappa, 1, 1, 1, false));
        refused("do not fit in a row", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS, ROW_FROM, ROW_TO, 0,
            NX, ldt, kappa, 1, 1, 1, false));
        refused("nx must be >= 1", next, () -> k.grainGrowthRows(cur, next, sum, q, PS, RS, ROW_FROM, ROW_TO, COL, 0,
            ldt, kappa, 1, 1, 1, false));
        refused("overflow a long", next, () -> k.grainGrowthRows(cur, next, sum, q, Long.MAX_VALUE, RS, ROW_FROM,
            ROW_TO, COL, NX, ldt, kappa, 1, 1, 1, false));
    }

    @Test
    void cahnHilliardComputesAndRefusesMismatches() {
        MemorySegment cur = doubles(PS, 0.3);
        MemorySegment next = doubles(PS, 0.0);
        MemorySegment mu = doubles(3 * RS, 0.0);
        k.cahnHilliardRows(cur, next, mu, RS, ROW_FROM, ROW_TO, COL, NX, 0.1, 2.0, 5.0, 0.3, 0.7, 1.0);
        assertEquals(0.3, next.getAtIndex(D, 4 * RS + COL + 3), "a uniform state is a fixed point");
        next.fill((byte) 0);
        refused("muRows holds 71 doubles, the call needs 72", next, () -> k.cahnHilliardRows(cur, next,
            mu.asSlice(0, (3 * RS - 1) * 8), RS, ROW_FROM, ROW_TO, COL, NX, 0.1, 2, 5, 0.3, 0.7, 1));
        refused("halo row(s)", next, () -> k.cahnHilliardRows(cur, next, mu, RS, 1, ROW_TO, COL, NX, 0.1, 2, 5, 0.3,
            0.7, 1));
        refused("cur holds", next, () -> k.cahnHilliardRows(cur, next, mu, RS, ROW_FROM, NY + 3, COL, NX, 0.1, 2, 5,
            0.3, 0.7, 1));
        refused("with a halo of 2", next, () -> k.cahnHilliardRows(cur, next, mu, RS, ROW_FROM, ROW_TO, 1, NX, 0.1, 2,
            5, 0.3, 0.7, 1));
    }

    @Test
    void nanovoidComputesAndRefusesMismatches() {
        MemorySegment cur = doubles(3 * PS, 0.2);
        MemorySegment next = doubles(3 * PS, 0.0);
        MemorySegment scratch = doubles(15 * RS, 0.0);
        double[] p = new double[NativeKernels.NV_PARAM_COUNT];
        java.util.Arrays.fill(p, 1.0);
        k.nanovoidRows(cur, next, scratch, PS, RS, ROW_FROM, ROW_TO, COL, NX, p, true, true, true);
        double v = next.getAtIndex(D, 3 * RS + COL);
        assertTrue(v >= 0 && v <= 1 && v != 0.2, "clamped and changed: " + v);
        next.fill((byte) 0);
        refused("p has 12 values, the call needs 13", next, () -> k.nanovoidRows(cur, next, scratch, PS, RS, ROW_FROM,
            ROW_TO, COL, NX, new double[12], false, false, false));
        refused("scratch holds", next, () -> k.nanovoidRows(cur, next, scratch.asSlice(0, 14 * RS * 8), PS, RS,
            ROW_FROM, ROW_TO, COL, NX, p, false, false, false));
        refused("cur holds", next, () -> k.nanovoidRows(cur.asSlice(0, 2 * PS * 8), next, scratch, PS, RS, ROW_FROM,
            ROW_TO, COL, NX, p, false, false, false));
        refused("scratch and cur overlap", next, () -> k.nanovoidRows(cur, next, cur.asSlice(0, 15 * RS * 8), PS, RS,
            ROW_FROM, ROW_TO, COL, NX, p, false, false, false));
    }

    @Test
    void projectComputesAndRefusesMismatches() {
        MemorySegment a = arena.allocateFrom(D, 1.0, 2.0, 0.0, 0.0, -1.0, 0.5);
        MemorySegment b = arena.allocateFrom(D, 0.5, 0.0);
        MemorySegment x = arena.allocateFrom(D, 3.0, 4.0, Double.NaN, 0.0);
        MemorySegment out = arena.allocate(4L * Integer.BYTES, 8);
        k.project(a, b, 2, 2, 4, x, 2, 2, 0.5, out);
        // (1*3 + 2*4 + 0.5) * 0.5 = 5.75; (-1*3 + 0.5*4) * 0.5 = -0.5; NaN gives 0 as Java's (int) does
        assertEquals(5, out.getAtIndex(I, 0));
        assertEquals(-1, out.getAtIndex(I, 1));
        assertEquals(0, out.getAtIndex(I, 2));
        assertEquals(0, out.getAtIndex(I, 3));
        k.project(a, b, 1, 2, 4, x, 1, 2, 1e300, out);
        assertEquals(Integer.MAX_VALUE, out.getAtIndex(I, 0), "saturates like Java");
        out.fill((byte) 0);
        refused("strides must be >= d=2", out, () -> k.project(a, b, 2, 2, 1, x, 2, 2, 0.5, out));
        refused("a holds 6 doubles, the call needs 10", out, () -> k.project(a, b, 2, 2, 8, x, 2, 2, 0.5, out));
        refused("x holds 4 doubles, the call needs 5", out, () -> k.project(a, b, 2, 2, 4, x, 2, 3, 0.5, out));
        refused("outCodes holds 12 bytes", out, () -> k.project(a, b, 2, 2, 4, x, 2, 2, 0.5, out.asSlice(0, 12)));
        refused("outCodes is read-only", out, () -> k.project(a, b, 2, 2, 4, x, 2, 2, 0.5, out.asReadOnly()));
        refused("outCodes and x overlap", out, () -> k.project(a, b, 1, 2, 4, x, 1, 2, 0.5, x));
        refused("need rows >= 1", out, () -> k.project(a, b, 0, 2, 4, x, 2, 2, 0.5, out));
    }

    @Test
    void maxAbsDiffComputesAndRefusesMismatches() {
        double[] xs = new double[19];
        double[] ys = new double[19];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
            ys[i] = i + (i == 17 ? -2.5 : 0.25);
        }
        MemorySegment x = arena.allocateFrom(D, xs);
        MemorySegment y = arena.allocateFrom(D, ys);
        assertEquals(2.5, k.maxAbsDiff(x, y, 19), "the tail after 16 is reached");
        assertEquals(0.25, k.maxAbsDiff(x, y, 16));
        assertEquals(0.0, k.maxAbsDiff(x, y, 0));
        y.setAtIndex(D, 3, Double.NaN);
        assertTrue(Double.isNaN(k.maxAbsDiff(x, y, 19)), "NaN is not dropped");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.maxAbsDiff(x, y, 20));
        assertTrue(e.getMessage().contains("x holds 19 doubles, the call needs 20"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.maxAbsDiff(x, y, -1));
        assertTrue(e.getMessage().contains("n must be >= 0"), e.getMessage());
    }
}
