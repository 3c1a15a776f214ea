package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
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
        BenchSuite.Settings tiny = new BenchSuite.Settings(true, 2, new int[] {32}, new int[] {32}, 5, 0, 1 << 20,
            1_000_000L, null);
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
        assertEquals(2 * 5, engines.size(), "2 cases x 5 engines");
        for (Object x : engines) {
            Map<?, ?> r = (Map<?, ?>) x;
            if (r.get("engine").equals("exact")) {
                assertEquals(0.0, ((Number) r.get("max_abs_error")).doubleValue(), "exact against itself");
                assertEquals(1.0, ((Number) r.get("ratio_to_exact")).doubleValue(), 1e-12);
            }
            if (r.get("engine").equals("active")) {
                assertTrue(((Number) r.get("max_abs_error")).doubleValue() < 1e-8, r.toString());
            }
        }
        String report = Files.readString(out.resolve("report.md"));
        for (String section : new String[] {"## Machine", "## Memory bandwidth", "## Dense exact step", "## Engines",
            "| grain-growth | 32 | 2 | scalar |", "| 3grains:32 | lsh-paper-0.01 |"}) {
            assertTrue(report.contains(section), section + " in:\n" + report);
        }
        assertEquals(BenchChart.WIDTH, ImageIO.read(out.resolve("dense.png").toFile()).getWidth());
    }

    @Test
    void refusesANonEmptyOut() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "x");
        Cli.usageError("not empty", "bench", "--quick", "--out", out.toString());
        assertEquals("x", Files.readString(out.resolve("keep.txt")));
    }
}
