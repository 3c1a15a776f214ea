package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lshsmile.core.lsh.ParameterChooser;
import picocli.CommandLine;

/** {@code lshsmile lsh-params}, run in-process through picocli with Main's error handling. */
class LshParamsCommandTest {

    /** Exit code and captured streams of one invocation. */
    private record Run(int code, String out, String err) {
    }

    /**
     * Main's command tree with {@code lsh-params} (registered here when Main does not register it yet); the
     * streams are set again so they reach the added subcommand.
     */
    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = Main.commandLine(o, e, false, new DemoCommand());
        cl.setOut(o);
        cl.setErr(e);
        String[] all = new String[args.length + 1];
        all[0] = "lsh-params";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    /** Asserts exit 2 and one stderr line {@code lshsmile: error: <problem>; <fix>} containing {@code phrase}. */
    private static void usageError(String phrase, String... args) {
        Run r = run(args);
        assertEquals(2, r.code(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), () -> "one error line, got:\n" + r.err());
        String l = lines.get(0);
        assertTrue(l.startsWith("lshsmile: error: ") && l.contains(phrase) && l.contains("; "),
            () -> "'" + phrase + "' not in: " + l);
        assertEquals("", r.out());
    }

    @Test
    void printsKLPQAndTheGuaranteeOneLineEach() {
        Run r = run("--epsilon", "0.1", "--c", "2", "--r", "0.01");
        assertEquals(0, r.code(), () -> "stderr:\n" + r.err());
        assertEquals("", r.err());
        ParameterChooser.Choice ch = ParameterChooser.choose(0.1, 2, 0.01);
        List<String> lines = r.out().lines().toList();
        assertEquals(7, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("K = " + ch.k() + " "), lines.get(0));
        assertTrue(lines.get(1).startsWith("L = " + ch.l() + " "), lines.get(1));
        assertTrue(lines.get(2).startsWith("p = 0.368746 ") && lines.get(2).endsWith("distance r = 0.01"),
            lines.get(2));
        assertTrue(lines.get(3).startsWith("q = 0.195417 ") && lines.get(3).endsWith("distance c r = 0.02"),
            lines.get(3));
        assertTrue(lines.get(4).startsWith("near pairs (distance <= 0.01) collide with probability >= ")
            && lines.get(4).endsWith(" >= 1 - epsilon = 0.9"), lines.get(4));
        assertTrue(lines.get(5).startsWith("far pairs (distance >= 0.02) collide with probability <= ")
            && lines.get(5).endsWith(" <= epsilon = 0.1"), lines.get(5));
        // the printed bounds are rounded outward, so they still hold
        double near = Double.parseDouble(lines.get(4).split(" ")[9]);
        double far = Double.parseDouble(lines.get(5).split(" ")[9]);
        assertTrue(near >= 0.9 && near <= ch.nearCollision(), lines.get(4));
        assertTrue(far <= 0.1 && far >= ch.farCollision(), lines.get(5));
        assertTrue(lines.get(6).startsWith("guarantee: per pair"), lines.get(6));
    }

    @Test
    void badValuesExitTwoWithOneLine() {
        usageError("--epsilon must be a finite number strictly between 0 and 1, got 0", "--epsilon", "0", "--c", "2",
            "--r", "1");
        usageError("--epsilon must be", "--epsilon", "1.5", "--c", "2", "--r", "1");
        usageError("--epsilon must be", "--epsilon", "NaN", "--c", "2", "--r", "1");
        usageError("--c must be a finite number greater than 1, got 1", "--epsilon", "0.1", "--c", "1", "--r", "1");
        usageError("--c must be", "--epsilon", "0.1", "--c", "Infinity", "--r", "1");
        usageError("--r must be a finite number greater than 0", "--epsilon", "0.1", "--c", "2", "--r", "-1");
        usageError("--r must be", "--epsilon", "0.1", "--c", "2", "--r", "0");
        usageError("use a larger epsilon or c", "--epsilon", "1e-6", "--c", "1.0001", "--r", "1");
        usageError("--epsilon", "--epsilon", "abc", "--c", "2", "--r", "1");
        usageError("--r", "--epsilon", "0.1", "--c", "2");
    }
}
