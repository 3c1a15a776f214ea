package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.bench.BenchSuite;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.simd.Kernels;
import picocli.CommandLine;

/** {@code lshsmile bench} on a tiny suite: the report, results.json and chart it writes, and its refusals. */
class BenchCommandTest {

    @TempDir
    Path tmp;

    @Test
    void tinySuiteWritesAReportWithEveryCaseAndConsistentFigures() throws IOException {
        // one engine case, each engine run twice, each run in its own JVM (10 JVMs of a 32^2 grid)
        BenchSuite.Settings tiny = new BenchSuite.Settings(true, 2, new int[] {32}, new String[] {"3grains:32"}, 5, 2,
            0.05, 0, 1 << 20, 1_000_000L, null);
        Path out = tmp.resolve("b");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = new CommandLine(new BenchCommand(false, tiny)).setOut(new PrintWriter(o, true))
            .setErr(new PrintWriter(e, true)).execute("--out", out.toString());
        assertEquals(0, code, e.toString());
        int kernelSets = 1 + (Kernels.simd().isPresent() ? 1 : 0) + (KernelSets.nativeStencils().isPresent() ? 1 : 0);

        Map<String, Object> json = JSON.std.mapFrom(Files.readString(out.resolve("results.json")));
        List<?> dense = (List<?>) json.get("dense");
        assertEquals(4 * 2 * kernelSets, dense.size(), "4 models x 2 thread counts x kernel sets");
        for (Object d : dense) {
            Map<?, ?> f = (Map<?, ?>) ((Map<?, ?>) d).get("ms_per_step");
            double med = ((Number) f.get("median")).doubleValue();
            assertTrue(((Number) f.get("min")).doubleValue() <= med && med <= ((Number) f.get("max")).doubleValue()
                && med > 0, d.toString());
            assertTrue(((Number) ((Map<?, ?>) d).get("roofline_ms")).doubleValue() > 0, d.toString());
        }
        List<?> engines = (List<?>) json.get("engines");
        assertEquals(5, engines.size(), "1 case x 5 engines");
        assertEquals(2, ((Number) json.get("engine_samples")).intValue());
        double stateMb = 3 * 32 * 32 * 8 / 1048576.0;
        for (Object x : engines) {
            Map<?, ?> r = (Map<?, ?>) x;
            assertEquals(null, r.get("error"), r.toString());
            assertEquals(-1, ((Number) r.get("stopped_after")).intValue(), "no limit: " + r);
            for (String key : new String[] {"total_s", "ratio_to_exact", "peak_rss_mb"}) {
                Map<?, ?> f = (Map<?, ?>) r.get(key);
                assertEquals(2, ((Number) f.get("samples")).intValue(), key + ": two runs, each its own JVM: " + r);
                double med = ((Number) f.get("median")).doubleValue();
                assertTrue(((Number) f.get("min")).doubleValue() <= med && med <= ((Number) f.get("max")).doubleValue()
                    && med > 0, key + ": " + r);
            }
            assertEquals(stateMb, ((Number) r.get("state_mb")).doubleValue(), 0.05, r.toString());
            // a JVM's own peak: more than the state, less than this machine could hold (not the test JVM's heap)
            double rss = ((Number) ((Map<?, ?>) r.get("peak_rss_mb")).get("median")).doubleValue();
            assertTrue(rss > 20 && rss < 4096, "peak RSS " + rss + " MB: " + r);
            assertEquals(Boolean.TRUE, r.get("peak_rss_run_only"), "Linux: VmHWM restarted after the warm-up: " + r);
            if (r.get("engine").equals("exact")) {
                assertEquals(0.0, ((Number) r.get("max_abs_error")).doubleValue(), "exact against itself");
                Map<?, ?> ratio = (Map<?, ?>) r.get("ratio_to_exact");
                assertEquals(1.0, ((Number) ratio.get("min")).doubleValue(), 1e-12, "every round's exact / exact");
                assertEquals(1.0, ((Number) ratio.get("max")).doubleValue(), 1e-12, "every round's exact / exact");
            }
            if (r.get("engine").equals("active")) {
                assertTrue(((Number) r.get("max_abs_error")).doubleValue() < 1e-8, r.toString());
            }
            if (r.get("engine").toString().startsWith("lsh-verified")) {
                // the error is real (read back from the exact run's stored state), and within r
                double err = ((Number) r.get("max_abs_error")).doubleValue();
                assertTrue(err > 0 && err <= 1e-3, r.toString());
            }
        }
        String report = Files.readString(out.resolve("report.md"));
        for (String section : new String[] {"## Machine", "## Memory bandwidth", "## Dense exact step", "## Engines",
            "| grain-growth | 32 | 2 | scalar |", "| 3grains:32 | lsh-paper-0.01 | 5 |", "peak RSS MB", "## Charts",
            "- engines.png"}) {
            assertTrue(report.contains(section), section + " in:\n" + report);
        }
        assertFalse(report.contains("table1.png"), "no Table 1 ran, so no chart of it is listed");
        String exactRow = report.lines().filter(l -> l.startsWith("| 3grains:32 | exact |")).findFirst().orElseThrow();
        assertTrue(exactRow.contains("| 1 | 1-1 |"), "x exact of the exact row: " + exactRow);
        assertEquals(BenchChart.WIDTH, ImageIO.read(out.resolve("dense.png").toFile()).getWidth());
        BufferedImage chart = ImageIO.read(out.resolve("engines.png").toFile());
        assertEquals(BenchChart.WIDTH, chart.getWidth());
        assertTrue(colours(chart) >= 5, "a bar colour per engine: " + colours(chart));
        assertFalse(Files.exists(out.resolve("table1.png")));
        assertTrue(o.toString().contains("dense.png, engines.png"), o.toString());
    }

    @Test
    void engineRunsStoppedAtTheLimitAreReportedWithTheirStepsAndProjection() {
        BenchSuite.Figure one = new BenchSuite.Figure(1, 1, 1, 1);
        BenchSuite.Figure rss = new BenchSuite.Figure(300, 290, 310, 2);
        BenchSuite.Settings s = new BenchSuite.Settings(false, 1, new int[] {32}, new String[] {"3grains:32"}, 180, 3,
            1.5, 60, 1 << 20, 1_000_000L, null);
        List<BenchSuite.EngineRun> runs = List.of(
            new BenchSuite.EngineRun("poly:2048", "exact", 180, 2, new BenchSuite.Figure(10, 9, 12, 3), one, one, -1,
                0, 0, -1, Double.NaN, rss, 256, null, true),
            new BenchSuite.EngineRun("poly:2048", "lsh-verified-1e-3", 180, 1, BenchSuite.Figure.NONE,
                BenchSuite.Figure.NONE, BenchSuite.Figure.NONE, 180000, Double.NaN, Double.NaN, 7, 950, rss, 256, null, true));
        BenchSuite.Results r = new BenchSuite.Results(s, new BenchSuite.Machine("cpu", 2, Map.of(), "jdk", "v", "n",
            "os"), List.of(), List.of(), runs, List.of(), 1);
        String report = BenchCommand.report(r);
        assertTrue(report.contains("| poly:2048 | lsh-verified-1e-3 | 7 of 180 (stopped at the 60 s limit, projected"
            + " total 950 s) | 1 |"), report);
        assertTrue(report.contains("| poly:2048 | exact | 180 | 2 | 10 | 9-12 | 1 | 1-1 |"), report);
        // the stopped run is drawn (hollow, at 950 / 10 = 95 x exact): its colour is in the chart
        BufferedImage chart = BenchChart.engines(runs);
        assertTrue(hasColour(chart, 0x1f77b4), "the stopped run's outline");
    }

    @Test
    void table1ChartPutsOurRowsBesideThePapers() {
        List<BenchSuite.PaperRow> rows = List.of(
            new BenchSuite.PaperRow("gg-sim", "exact", 1, 17000, 35, 35, 983, null),
            new BenchSuite.PaperRow("gg-sim", "lsh-verified", 0.01, 170, 22, 2268, 1024, null),
            new BenchSuite.PaperRow("nn-sim", "exact", 1, 0, Double.NaN, Double.NaN, Double.NaN, "exit 1: boom"));
        BufferedImage chart = BenchChart.table1(rows);
        assertEquals(BenchChart.WIDTH, chart.getWidth());
        // series: exact (grey), lsh-verified (blue), paper LSH-SMILE (orange), paper baseline (green)
        for (int rgb : new int[] {0x7f7f7f, 0x1f77b4, 0xff7f0e, 0x2ca02c}) {
            assertTrue(hasColour(chart, rgb), Integer.toHexString(rgb));
        }
        assertEquals(3.86, BenchChart.PAPER_HOURS.get("gg-sim")[0]);
    }

    /** Distinct saturated colours covering more than 40 pixels (bars and legend; text and grid are grey or black). */
    private static long colours(BufferedImage img) {
        Map<Integer, Integer> hist = new java.util.HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y) & 0xffffff;
                int r = c >> 16;
                int g = (c >> 8) & 0xff;
                int b = c & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 || c == 0x7f7f7f) {
                    hist.merge(c, 1, Integer::sum);
                }
            }
        }
        return hist.values().stream().filter(n -> n > 40).count();
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    private static boolean hasColour(BufferedImage img, int rgb) {
        return count(img, rgb) > 20;
    }

    @Test
    void refusesANonEmptyOut() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "x");
        Cli.usageError("not empty", "bench", "--quick", "--out", out.toString());
        assertEquals("x", Files.readString(out.resolve("keep.txt")));
    }
}
