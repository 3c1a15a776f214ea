package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the lshsmile command line in-process with captured streams, for the tests. */
final class Cli {

    private Cli() {
    }

    /** Exit code and captured streams of one invocation. */
    record Run(int code, String out, String err) {
        /** The stderr lines that are not INFO/WARN lines. */
        List<String> errorLines() {
            return err.lines().filter(l -> !l.startsWith("[INFO]") && !l.startsWith("[WARN]")).toList();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), false, new DemoCommand())
            .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs and asserts exit code 0. */
    static Run ok(String... args) {
        Run r = run(args);
        assertEquals(0, r.code(), () -> "exit code; stderr:\n" + r.err() + "\nstdout:\n" + r.out());
        return r;
    }

    /** Runs and asserts exit code 2 with one error line containing {@code phrase}; returns that line. */
    static String usageError(String phrase, String... args) {
        Run r = run(args);
        assertEquals(2, r.code(), () -> "exit code; stderr:\n" + r.err());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), () -> "one error line, got:\n" + r.err());
        assertTrue(lines.get(0).startsWith("lshsmile: error: ") && lines.get(0).contains(phrase)
            && lines.get(0).contains("; "), () -> "'" + phrase + "' not in: " + lines.get(0));
        return lines.get(0);
    }

    /** {@code simulate --model MODEL --out OUT} and more. */
    static String[] simulate(String model, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("simulate", "--model", model, "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** diagnostics.csv as rows of cells, header first. */
    static List<String[]> csv(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("diagnostics.csv")).stream().map(l -> l.split(",")).toList();
    }

    /**
     * The text of the JSON object under {@code key} in {@code json} (the first such key), braces included;
     * enough for run.json, whose strings hold no braces.
     */
    static String jsonObject(String json, String key) {
        int at = json.indexOf("\"" + key + "\": {");
        assertTrue(at >= 0, () -> "no object '" + key + "' in:\n" + json);
        int open = json.indexOf('{', at);
        int depth = 0;
        for (int i = open; i < json.length(); i++) {
            char c = json.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0) {
                return json.substring(open, i + 1);
            }
        }
        throw new AssertionError("unbalanced braces after '" + key + "' in:\n" + json);
    }

    /** The number under {@code key} in {@code json} (the first such key; NaN for null). */
    static double jsonNumber(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (null|[-+0-9.eE]+)").matcher(json);
        assertTrue(m.find(), () -> "no number '" + key + "' in:\n" + json);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }

    /** One column of diagnostics.csv (header excluded) as numbers. */
    static double[] column(Path dir, String name) throws IOException {
        List<String[]> rows = csv(dir);
        int c = List.of(rows.get(0)).indexOf(name);
        assertTrue(c >= 0, () -> name + " not among " + String.join(",", rows.get(0)));
        return rows.stream().skip(1).mapToDouble(r -> Double.parseDouble(r[c])).toArray();
    }
}
