package org.lshsmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link EngineMacroBenchmark} in {@code --quick} mode on tiny grids, so a broken macro benchmark fails the
 * build, and checks its results: one row per engine, the exact row's error exactly 0, the verified LSH rows'
 * max error at most r.
 */
class EngineMacroBenchmarkSmokeTest {

    /** The kernel set of this surefire run (the build runs the suite with SIMD and again with scalar). */
    private static final String KERNELS = System.getProperty("lshsmile.kernels", "auto");

    /** {@code --quick} on tiny grids with a short warm-up, plus {@code more}. */
    private static String[] quickArgs(String... more) {
        String[] base = {"--quick", "--threads", "2", "--kernels", KERNELS, "--warmup-steps", "2",
            "--warmup-size", "32"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void quickRunPrintsOneRowPerEngineAndTheErrorsHold() {
        EngineMacroBenchmark.Options o = EngineMacroBenchmark.parse(quickArgs("--cases", "3grains:48;poly:64"));
        assertEquals(EngineMacroBenchmark.QUICK_STEPS, o.steps());
        List<EngineMacroBenchmark.Row> rows = EngineMacroBenchmark.measure(o, quietStream());
        assertEquals(2 * EngineMacroBenchmark.ENGINES.size(), rows.size());
        for (EngineMacroBenchmark.Row r : rows) {
            assertFalse(r.skipped(), r.engine().name() + " must not be skipped without --max-seconds");
            assertTrue(r.totalSeconds() > 0 && r.earlyMs() > 0 && r.steadyMs() > 0, r.toString());
            switch (r.engine().kind()) {
                case EXACT -> {
                    assertEquals(0.0, r.maxError(), "exact against itself");
                    assertEquals(0.0, r.meanError(), "exact against itself");
                    assertEquals(1.0, r.ratio());
                    assertNull(r.phases());
                }
                case ACTIVE -> assertTrue(r.maxError() <= 1e-6, "active set (tau = 1e-10): " + r.maxError());
                case LSH -> {
                    assertNotNull(r.phases());
                    assertTrue(r.buckets() > 0);
                    if (r.engine().mode() == org.lshsmile.core.lsh.LshSmileEngine.Mode.VERIFIED) {
                        assertTrue(r.maxError() <= r.engine().r(), r.engine().name() + " max |error| " + r.maxError()
                            + " > r on " + r.c().label());
                    }
                }
                default -> throw new AssertionError(r.engine().kind());
            }
        }

        String table = EngineMacroBenchmark.resultTable(rows);
        for (String label : List.of("3grains:48", "poly:64")) {
            long lines = table.lines().filter(l -> l.startsWith("| " + label + " |")).count();
            assertEquals(EngineMacroBenchmark.ENGINES.size(), lines, "one row per engine for " + label + ":\n" + table);
            for (EngineMacroBenchmark.EngineSpec e : EngineMacroBenchmark.ENGINES) {
                assertTrue(table.contains("| " + label + " | " + e.name() + " |"), e.name() + " row:\n" + table);
            }
            String exact = table.lines().filter(l -> l.startsWith("| " + label + " | exact |")).findFirst()
                .orElseThrow();
            assertTrue(exact.endsWith("| 0 | 0 |"), "the exact row's error columns must be 0: " + exact);
        }
        String phases = EngineMacroBenchmark.phaseTable(rows);
        long lshRows = phases.lines()
            .filter(l -> l.startsWith("| 3grains:48 | lsh") || l.startsWith("| poly:64 | lsh")).count();
        assertEquals(2 * 3, lshRows, "one phase row per LSH engine and case:\n" + phases);
    }

    @Test
    void mainPrintsTheTablesToStdoutAndHonoursMaxSeconds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EngineMacroBenchmark.run(quickArgs("--cases", "3grains:32", "--engines", "exact,lsh-paper",
                "--max-seconds", "1e-9"), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| 3grains:32 | exact |"), table);
        // An LSH run that cannot finish within the limit is stopped and reported, not run to the end.
        assertTrue(table.lines().anyMatch(l -> l.startsWith("| 3grains:32 | lsh-paper-0.01 |")
            && l.contains("skipped (> 0.000000001 s)")), table);
        assertFalse(table.contains("lsh-verified"), "--engines filters the rows");
    }

    @Test
    void aLimitedLshRunStopsAfterTheStepThatCrossesItAndProjectsItsTotal() {
        // poly:256 verified LSH takes ~2 s for 180 steps, so 3000 steps project to ~30 s and its early steps
        // project far past 2 s by step 10; the limit is well above the encoding time (0.33 s seen on a loaded CI
        // machine), which would otherwise stop the run before its first step (as EngineRunJvmSmokeTest)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = EngineMacroBenchmark.run(quickArgs("--cases", "poly:256", "--engines", "exact,lsh-verified-1e-3",
                "--steps", "3000", "--max-seconds", "2"), new PrintStream(out, true, StandardCharsets.UTF_8),
            quietStream());
        assertEquals(0, code);
        String line = out.toString(StandardCharsets.UTF_8).lines()
            .filter(l -> l.startsWith("| poly:256 | lsh-verified-1e-3 |")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("skipped \\(> 2 s\\) after (\\d+) steps, projected ([0-9.]+) s").matcher(line);
        assertTrue(m.find(), line);
        int done = Integer.parseInt(m.group(1));
        assertTrue(done >= 1 && done <= EngineMacroBenchmark.EARLY_STEPS, line);
        assertTrue(Double.parseDouble(m.group(2)) > 2, line);
    }

    @Test
    void flagsAreParsedAndCheckedUpFront() {
        EngineMacroBenchmark.Options all = EngineMacroBenchmark.parse(new String[] {"--kernels", "scalar"});
        assertEquals(7, all.cases().size());
        assertEquals(EngineMacroBenchmark.DEFAULT_STEPS, all.steps());
        EngineMacroBenchmark.Options quick =
            EngineMacroBenchmark.parse(new String[] {"--quick", "--kernels", "scalar"});
        assertEquals(List.of("3grains:128", "poly:256"),
            quick.cases().stream().map(EngineMacroBenchmark.Case::label).toList());
        EngineMacroBenchmark.Options some = EngineMacroBenchmark.parse(new String[] {"--cases", "3grains:512,128",
            "--cases", "poly", "--engines", "lsh-verified,exact", "--steps", "20", "--kernels", "scalar"});
        assertEquals(List.of("3grains:128", "3grains:512", "poly:256", "poly:512", "poly:1024"),
            some.cases().stream().map(EngineMacroBenchmark.Case::label).toList());
        assertEquals(List.of("exact", "lsh-verified-1e-3", "lsh-verified-1e-4"),
            some.engines().stream().map(EngineMacroBenchmark.EngineSpec::name).toList());
        assertEquals(20, some.steps());
        assertEquals(262, EngineMacroBenchmark.Case.of("poly", 512).grains());
        assertNull(EngineMacroBenchmark.parse(new String[] {"--help"}));
        for (String[] bad : List.of(new String[] {"--engines", "lshx"}, new String[] {"--cases", "foam:64"},
                new String[] {"--cases", "poly:8"}, new String[] {"--steps", "0"}, new String[] {"--max-seconds", "-1"},
                new String[] {"--warmup-size", "8"}, new String[] {"--bogus"})) {
            assertThrows(IllegalArgumentException.class, () -> EngineMacroBenchmark.parse(bad), String.join(" ", bad));
        }
        assertEquals(2, EngineMacroBenchmark.run(new String[] {"--steps"}, quietStream(), quietStream()));
    }

    private static PrintStream quietStream() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
