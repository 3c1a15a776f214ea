package org.lshsmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A Table 1 row in its own JVM: one rollout (and one pair gradient) measured, projected and its memory read. */
class PaperTableSmokeTest {

    private static BenchSuite.PaperRow row(String row, String engine, double fraction) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return BenchSuite.runRow(List.of(java, "--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            PaperTable.class.getName(), row, engine, Double.toString(fraction)), row, engine, fraction);
    }

    @Test
    void simulationRowProjectsItsMeasuredRollouts() {
        BenchSuite.PaperRow r = row("gg-sim", "exact", 1e-4);
        assertNull(r.error(), r.toString());
        assertEquals(2, r.units(), "ceil(1e-4 x 17000) rollouts");
        assertEquals(r.measuredS() / 2 * PaperTable.UNITS, r.projectedS(), 1e-3 * r.projectedS());
        assertTrue(r.peakRssMb() > 500, "1700 frames of 128^2 x 3 doubles (668 MB) are held: " + r.peakRssMb());
    }

    @Test
    void learningRowAndAFailureAreReported() {
        BenchSuite.PaperRow r = row("gg-learn-10", "exact", 1e-4);
        assertNull(r.error(), r.toString());
        assertTrue(r.measuredS() > 0 && r.projectedS() > r.measuredS(), r.toString());
        BenchSuite.PaperRow bad = row("gg-sim", "warp-drive", 1e-4);
        assertTrue(bad.error() != null && bad.error().contains("unknown engine"), bad.toString());
    }
}
