package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lshsmile.simd.StencilKernels;
import org.lshsmile.validation.Check;
import org.lshsmile.validation.ValidationCase;
import org.lshsmile.validation.ValidationSuite;
import picocli.CommandLine;

/** {@code lshsmile validate}, run in-process through picocli with Main's error handling. */
class ValidateCommandTest {

    /** Exit code and captured streams of one invocation. */
    private record Run(int code, String out, String err) {
    }

    /** A case returning fixed checks. */
    private record Fixed(String name, List<Check> checks) implements ValidationCase {
        @Override
        public String description() {
            return "fixed checks";
        }

        @Override
        public List<Check> run(boolean quick, StencilKernels kernels, int threads) {
            return checks;
        }
    }

    /**
     * Main's command tree with {@code validate} as given (registered here when Main does not register it
     * yet); the streams are set again so they reach the added subcommand.
     */
    private static Run run(ValidateCommand validate, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = Main.commandLine(o, e, false, new DemoCommand());
        if (cl.getSubcommands().containsKey("validate")) {
            cl.getCommandSpec().removeSubcommand("validate");
        }
        cl.addSubcommand("validate", validate);
        cl.setOut(o);
        cl.setErr(e);
        String[] all = new String[args.length + 1];
        all[0] = "validate";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void quickGrainGrowthCasePrintsAnAlignedTableAndExitsZero() {
        Run r = run(new ValidateCommand(), "--quick", "--case", "grain-growth", "--threads", "2");
        assertEquals(0, r.code(), () -> "stderr:\n" + r.err() + "\nstdout:\n" + r.out());
        List<String> lines = r.out().lines().toList();
        String header = lines.get(0);
        assertTrue(header.startsWith("case "), header);
        int status = header.indexOf("status");
        int tolerance = header.indexOf("tolerance");
        int source = header.indexOf("source");
        int reference = header.indexOf("reference");
        assertTrue(header.indexOf("quantity") < reference && reference < header.indexOf("ours")
            && header.indexOf("ours") < tolerance && tolerance < status && status < source, header);
        List<String> rows = lines.subList(1, lines.size() - 1);
        assertTrue(rows.size() >= 10, "one row per check: " + r.out());
        for (String row : rows) {
            assertTrue(row.startsWith("grain-growth "), row);
            assertEquals("PASS", row.substring(status, status + 4), "status column aligned: " + row);
            assertEquals(' ', row.charAt(source - 1), row);
            assertEquals(' ', row.charAt(status - 1), row);
        }
        assertTrue(rows.stream().anyMatch(l -> l.contains("circle dA/dt at dx=0.25") && l.contains("rel 0.05")
            && l.contains("physics.md 1.7 sharp-interface law")), r.out());
        assertEquals(rows.size() + " passed, 0 failed, 0 skipped", lines.get(lines.size() - 1));
        List<String> progress = r.err().lines().filter(l -> l.contains("grain-growth")).toList();
        assertEquals(2, progress.size(), r.err());
        assertTrue(progress.get(1).contains(rows.size() + " passed, 0 failed, 0 skipped in "), progress.get(1));
    }

    @Test
    void unknownCaseIsOneUsageLineAndExitCode2() {
        Run r = run(new ValidateCommand(), "--quick", "--case", "grain-growth", "--case", "pfhub-9");
        assertEquals(CliException.USAGE, r.code());
        assertEquals("", r.out());
        assertEquals(List.of("lshsmile: error: unknown --case 'pfhub-9'; use pfhub-1a, pfhub-1b, mass-conservation,"
            + " grain-growth, nanovoid or kernel-agreement"), r.err().lines().toList());
    }

    @Test
    void badKernelsOrThreadsAreUsageErrors() {
        Run k = run(new ValidateCommand(), "--quick", "--kernels", "gpu");
        assertEquals(CliException.USAGE, k.code());
        assertEquals(List.of("lshsmile: error: unknown --kernels 'gpu'; use auto, scalar, simd or native"),
            k.err().lines().toList());
        Run t = run(new ValidateCommand(), "--quick", "--threads", "0");
        assertEquals(CliException.USAGE, t.code());
        assertTrue(t.err().startsWith("lshsmile: error: --threads must be between 1 and 1024, got 0;"), t.err());
    }

    @Test
    void aFailedCheckExitsWith1AndSkippedChecksDoNot() {
        Check pass = Check.of("ok", "x", 1, 1, 0, Check.Comparison.ABSOLUTE, "test");
        Check fail = Check.of("bad", "F(t=1)", 318.86, 300, 1e-6, Check.Comparison.RELATIVE, "test", "off by 6%");
        Check skip = Check.skipped("skip", "y", "test", "no SIMD here");
        Check skip2 = Check.skipped("skip", "z", "test", "no SIMD here");
        ValidationSuite suite = new ValidationSuite(List.of(new Fixed("ok", List.of(pass)),
            new Fixed("bad", List.of(fail)), new Fixed("skip", List.of(skip, skip2))));

        Run failed = run(new ValidateCommand(suite));
        assertEquals(ValidateCommand.CHECK_FAILED, failed.code(), failed.err());
        List<String> lines = failed.out().lines().toList();
        assertEquals("1 passed, 1 failed, 2 skipped", lines.get(lines.size() - 1));
        assertTrue(lines.contains("FAIL bad / F(t=1): off by 6%"), failed.out());
        assertTrue(lines.contains("SKIPPED skip (2 checks): no SIMD here"), failed.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("bad ") && l.contains("318.86") && l.contains("rel 1e-6")
            && l.contains("FAIL")), failed.out());

        Run skipped = run(new ValidateCommand(suite), "--case", "OK", "--case", "skip");
        assertEquals(0, skipped.code(), skipped.err());
        List<String> s = skipped.out().lines().toList();
        assertEquals("1 passed, 0 failed, 2 skipped", s.get(s.size() - 1));
    }
}
