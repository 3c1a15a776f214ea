package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.Npy;

/** {@code simulate --compare-exact}: the error against an exact twin in diagnostics.csv and run.json. */
class CompareExactCliTest {

    @TempDir
    Path tmp;

    private static final String[] LSH_RUN = {"--preset", "paper", "--size", "48", "--order-params", "3", "--steps",
        "60", "--every", "20"};

    private static String[] with(String[] base, String... more) {
        String[] a = new String[base.length + more.length];
        System.arraycopy(base, 0, a, 0, base.length);
        System.arraycopy(more, 0, a, base.length, more.length);
        return a;
    }

    @Test
    void verifiedLshErrorIsWithinRAndMatchesASeparateExactRun() throws IOException {
        Path exact = tmp.resolve("exact");
        Path lsh = tmp.resolve("lsh");
        Cli.ok(Cli.simulate("grain-growth", exact, LSH_RUN));
        Cli.Run run = Cli.ok(Cli.simulate("grain-growth", lsh, with(LSH_RUN, "--engine", "lsh", "--lsh-mode",
            "verified", "--r", "1e-3", "--compare-exact")));

        List<String[]> rows = Cli.csv(lsh);
        List<String> header = List.of(rows.get(0));
        List<String> plain = List.of(Cli.csv(exact).get(0));
        assertEquals(plain, header.subList(0, plain.size()), "the existing columns come first, unchanged");
        assertEquals(List.of("max_abs_error", "mean_abs_error"), header.subList(plain.size(), header.size()));
        assertArrayEquals(new double[] {0, 20, 40, 60}, Cli.column(lsh, "step"));
        double[] max = Cli.column(lsh, "max_abs_error");
        double[] mean = Cli.column(lsh, "mean_abs_error");
        for (int i = 0; i < max.length; i++) {
            assertTrue(Double.isFinite(max[i]) && max[i] >= 0 && max[i] <= 1e-3, "max |error| " + max[i]);
            assertTrue(mean[i] >= 0 && mean[i] <= max[i], "mean |error| " + mean[i] + " vs max " + max[i]);
        }
        assertTrue(max[3] > 0, "LSH merges alike but unequal elements, so the error is not zero");

        // the twin is the exact engine: its final error is that of the two runs' final.npy
        double[] a = Npy.read(exact.resolve("final.npy")).data();
        double[] b = Npy.read(lsh.resolve("final.npy")).data();
        double fileMax = 0;
        double fileSum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            fileMax = Math.max(fileMax, d);
            fileSum += d;
        }
        assertEquals(fileMax, max[3]);
        assertEquals(fileSum / a.length, mean[3], 1e-15);

        String cmp = Cli.jsonObject(Files.readString(lsh.resolve("run.json")), "compare_exact");
        assertEquals(max[3], Cli.jsonNumber(cmp, "final_max_abs_error"));
        assertEquals(mean[3], Cli.jsonNumber(cmp, "final_mean_abs_error"));
        assertEquals(Math.max(Math.max(max[0], max[1]), Math.max(max[2], max[3])),
            Cli.jsonNumber(cmp, "worst_max_abs_error"));
        assertTrue(run.out().contains("vs exact at step 60: max |error|"), run.out());
        assertFalse(Files.readString(exact.resolve("run.json")).contains("compare_exact"));
    }

    @Test
    void activeWithTauZeroHasExactlyZeroError() throws IOException {
        Path out = tmp.resolve("active");
        Cli.ok(Cli.simulate("grain-growth", out, "--preset", "paper", "--size", "40", "--order-params", "3", "--steps",
            "120", "--every", "40", "--bc", "noflux", "--kernels", "scalar", "--threads", "2", "--engine", "active",
            "--tau", "0", "--compare-exact"));
        double[] max = Cli.column(out, "max_abs_error");
        double[] mean = Cli.column(out, "mean_abs_error");
        assertEquals(4, max.length);
        for (int i = 0; i < max.length; i++) {
            assertEquals(0.0, max[i], "row " + i);
            assertEquals(0.0, mean[i], "row " + i);
        }
        String cmp = Cli.jsonObject(Files.readString(out.resolve("run.json")), "compare_exact");
        assertEquals(0.0, Cli.jsonNumber(cmp, "worst_max_abs_error"));
        assertEquals(0.0, Cli.jsonNumber(cmp, "final_mean_abs_error"));
    }

    @Test
    void compareExactIsRefusedWhereItCannotWork() throws IOException {
        String line = Cli.usageError("--engine is exact", Cli.simulate("grain-growth", tmp.resolve("a"), "--steps",
            "5", "--compare-exact"));
        assertTrue(line.contains("--engine lsh or --engine active"), line);
        Cli.usageError("--engine is exact", Cli.simulate("grain-growth", tmp.resolve("a"), "--steps", "5",
            "--engine", "exact", "--compare-exact"));
        Cli.usageError("--compare-exact cannot be combined with --checkpoint-every", Cli.simulate("grain-growth",
            tmp.resolve("a"), "--steps", "5", "--engine", "active", "--compare-exact", "--checkpoint-every", "2"));
        assertFalse(Files.exists(tmp.resolve("a")), "nothing written before the options are checked");

        Path ck = tmp.resolve("ck");
        Cli.ok(Cli.simulate("grain-growth", ck, "--size", "16", "--steps", "4", "--checkpoint-every", "2"));
        Cli.usageError("--compare-exact cannot be combined with --resume", "simulate", "--resume", ck.toString(),
            "--compare-exact");
    }
}
