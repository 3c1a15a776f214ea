package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of every command given bad values (wrong type, NaN, infinities, negative, zero, huge, out of its
 * range, empty): each is refused with exit code 2 and one stderr line that names the option and says what it
 * takes, and nothing is written. Values that are valid for an option (0 for --seed) are rows that must run.
 *
 * <p>{@link #everyOptionHasItsRows} reads the options from picocli's command specs, so an option added later
 * fails the test until the table has its rows: the values {@link #REQUIRED} for its type, or for a switch a bad
 * attached value ({@code --force=abc}). No option is exempt.
 */
class CliFlagTableTest {

    /** Stands for the row's own temporary directory in values and context. */
    private static final String T = "{T}";
    /** Context token: run without the command's base arguments. */
    private static final String ALONE = "!*";

    /** Values every option of a type must have a row for (refused, or accepted when valid for it). */
    private static final Map<String, List<String>> REQUIRED = Map.of(
        "int", List.of("abc", "", "NaN", "1.5", "2147483648", "-1", "0"),
        "long", List.of("abc", "", "NaN", "1.5", "99999999999999999999", "-1", "0"),
        "double", List.of("abc", "", "NaN", "Infinity", "-Infinity", "1e309", "-1", "0", "1e308"),
        "Path", List.of(""),
        "String", List.of("", "abc"));

    /** The bad value attached to a switch, {@code --force=abc}: a row value starting with '=' is attached. */
    private static final String SWITCH_VALUE = "=abc";

    @TempDir
    static Path shared;

    private static Path dataset;

    /** One command line: {@code flag value} on the command's base arguments changed by {@code context}. */
    record Row(String command, String flag, String value, String allowed, List<String> context) {
        /** Whether the value is valid for the option: the command must run. */
        boolean accepted() {
            return allowed == null;
        }

        @Override
        public String toString() {
            String c = String.join(" ", context);
            return command + " " + (c.isEmpty() ? "" : c + " ") + flag + " '" + value + "'"
                + (accepted() ? " runs" : " refused: " + allowed);
        }
    }

    @BeforeAll
    static void makeDataset() {
        dataset = shared.resolve("ds");
        Cli.ok("dataset", "--model", "grain-growth", "--size", "8", "--order-params", "2", "--frames", "3", "--out",
            dataset.toString());
    }

    /** The arguments every row of a command starts from (a valid, tiny run), flag to value (null for a switch). */
    private static Map<String, String> base(String command, Path out) {
        Map<String, String> b = new LinkedHashMap<>();
        switch (command) {
            case "simulate" -> {
                b.put("--model", "grain-growth");
                b.put("--size", "8");
                b.put("--steps", "0");
            }
            case "dataset" -> {
                b.put("--model", "grain-growth");
                b.put("--size", "8");
                b.put("--order-params", "2");
                b.put("--frames", "2");
            }
            case "learn" -> {
                b.put("--data", dataset.toString());
                b.put("--T", "1");
                b.put("--epochs", "1");
            }
            case "lsh-params" -> {
                b.put("--epsilon", "0.1");
                b.put("--c", "2");
                b.put("--r", "0.01");
            }
            default -> {
            }
        }
        if (Set.of("simulate", "dataset", "learn", "bench").contains(command)) {
            b.put("--out", out.toString());
            b.put("--force", null);
        }
        return b;
    }

    // ---- the table ----

    static List<Row> rows() {
        List<Row> r = new ArrayList<>();
        for (String cmd : List.of("simulate", "dataset")) {
            modelOptions(r, cmd);
        }
        simulate(r);
        dataset(r);
        learn(r);
        lshParams(r);
        validate(r);
        bench(r);
        switches(r, "", "--help", "--version");
        switches(r, "simulate", "--clamp", "--no-clamp", "--no-void-mask", "--unsafe-dt", "--check-invariants",
            "--compare-exact", "--cascades", "--noise", "--distributed", "--force", "--debug", "--help", "--version");
        switches(r, "dataset", "--clamp", "--no-clamp", "--no-void-mask", "--unsafe-dt", "--force", "--debug", "--help",
            "--version");
        switches(r, "learn", "--linear", "--distributed", "--force", "--debug", "--help", "--version");
        switches(r, "bench", "--quick", "--peers", "--force", "--debug", "--help", "--version");
        switches(r, "validate", "--quick", "--debug", "--help", "--version");
        switches(r, "lsh-params", "--debug", "--help", "--version");
        switches(r, "demo", "--debug", "--help", "--version");
        return r;
    }

    /**
     * Switches take no value, but picocli lets one be attached ({@code --force=false}): anything but true or false
     * is refused. (A valid {@code --quick=false} would run the whole bench, so no switch row runs.)
     */
    private static void switches(List<Row> r, String command, String... flags) {
        for (String f : flags) {
            refuse(r, command, f, SWITCH_VALUE, "give " + f + " alone, without a value (it is a switch)");
        }
    }

    /** The options simulate and dataset share (ModelOptions). */
    private static void modelOptions(List<Row> r, String c) {
        strings(r, c, "--model", "grain-growth, cahn-hilliard or nanovoid");
        strings(r, c, "--preset", "use default or paper");
        paths(r, c, "--init", "!--size", "!--order-params");
        refuse(r, c, "--init", T + "/missing.npy", "check the path", "!--size", "!--order-params");
        refuse(r, c, "--init", T + "/out/final.npy", "not a .npy file", "!--size", "!--order-params");
        strings(r, c, "--ic", "use voronoi or circle");
        ints(r, c, "--grains", "--grains must be between 1 and 64");
        refuse(r, c, "--grains", "65", "or a larger --size");
        ints(r, c, "--order-params", "--order-params must be between 1 and 4096");
        refuse(r, c, "--order-params", "4097", "between 1 and 4096");
        doubles(r, c, "--circle-radius", "must be a positive finite length", "--ic", "circle");
        refuse(r, c, "--circle-radius", "1e308", "use a radius up to 2", "--ic", "circle");
        ints(r, c, "--size", "--size must be between 2 and 1048576");
        refuse(r, c, "--size", "1", "between 2 and 1048576");
        refuse(r, c, "--size", "1048577", "between 2 and 1048576");
        refuse(r, c, "--size", "1048576", "use a smaller size"); // in range, but far beyond memory: refused first
        ints(r, c, "--nz", "--nz must be between 1 and 1048576");
        refuse(r, c, "--nz", "1048577", "between 1 and 1048576");
        refuse(r, c, "--nz", "1048576", "use a smaller size"); // in range, but far beyond memory
        doubles(r, c, "--dx", "--dx must be a finite number between 1e-06 and 1000000");
        refuse(r, c, "--dx", "1e7", "between 1e-06 and 1000000");
        doubles(r, c, "--dt", "--dt must be a positive finite number");
        refuse(r, c, "--dt", "1e308", "use --dt 0.0769 or less");
        strings(r, c, "--bc", "use periodic or noflux");
        strings(r, c, "--kernels", "use auto, scalar, simd or native");
        ints(r, c, "--threads", "--threads must be between 1 and 1024");
        refuse(r, c, "--threads", "1025", "between 1 and 1024");
        refuse(r, c, "--param", "", "is not NAME=VALUE");
        refuse(r, c, "--param", "abc", "is not NAME=VALUE");
        refuse(r, c, "--param", "L=", "is not NAME=VALUE");
        refuse(r, c, "--param", "L=abc", "is not a number");
        for (String v : List.of("NaN", "Infinity", "-Infinity", "1e309")) {
            refuse(r, c, "--param", "L=" + v, "must be finite");
        }
        refuse(r, c, "--param", "L=-1", "must be a positive finite number");
        refuse(r, c, "--param", "L=0", "must be a positive finite number");
        refuse(r, c, "--param", "L=1e308", "use smaller parameter values");
        refuse(r, c, "--param", "kappa_99=1", "use a name from");
        refuse(r, c, "--param", "nope=1", "use L, kappa, A, B");
        strings(r, c, "--form", "use literal or conservative", "--model", "nanovoid", "!--order-params");
    }

    private static void simulate(List<Row> r) {
        String c = "simulate";
        longs(r, c, "--seed");
        accept(r, c, "--seed", "9223372036854775807");
        refuse(r, c, "--seed", "-9223372036854775809", "beyond the whole-number range");
        // the converters once more, on one option each: other spellings that are not whole numbers or paths
        for (String v : List.of("1e3", "0x10", " ")) {
            refuse(r, c, "--threads", v, "give --threads a whole number");
        }
        refuse(r, c, "--threads", "-2147483649", "beyond the whole-number range -2147483648 to 2147483647");
        refuse(r, c, "--threads", "-99999999999999999999", "beyond the whole-number range -2147483648 to 2147483647");
        refuse(r, c, "--out", " ", "give --out a file or directory path");
        refuse(r, c, "--out", "a\0b", "give --out a file or directory path");
        ints(r, c, "--steps", "--steps must be between 0 and 2147483647");
        accept(r, c, "--steps", "0");
        strings(r, c, "--engine", "use --engine exact, active or lsh");
        strings(r, c, "--lsh-mode", "use verified or paper", "--engine", "lsh");
        doubles(r, c, "--r", "--r must be a finite number > 0", "--engine", "lsh");
        accept(r, c, "--r", "1e308", "--engine", "lsh"); // one bucket: valid, if useless
        doubles(r, c, "--r0", "--r0 must be a finite number >= 0", "--engine", "lsh");
        accept(r, c, "--r0", "0", "--engine", "lsh");
        accept(r, c, "--r0", "1e308", "--engine", "lsh");
        ints(r, c, "--K", "--K must be between 1 and 64", "--engine", "lsh");
        refuse(r, c, "--K", "65", "between 1 and 64", "--engine", "lsh");
        ints(r, c, "--L", "--L must be between 1 and 256", "--engine", "lsh");
        refuse(r, c, "--L", "257", "between 1 and 256", "--engine", "lsh");
        longs(r, c, "--lsh-seed", "--engine", "lsh");
        paths(r, c, "--stats", "--engine", "lsh");
        refuse(r, c, "--stats", T + "/out", "give a file path", "--engine", "lsh");
        accept(r, c, "--stats", T + "/stats.csv", "--engine", "lsh");
        doubles(r, c, "--tau", "--tau must be a finite number >= 0", "--engine", "active");
        accept(r, c, "--tau", "0", "--engine", "active");
        accept(r, c, "--tau", "1e308", "--engine", "active"); // nothing is recomputed: valid
        outputs(r, c);
        ints(r, c, "--every", "--every must be between 1 and 2147483647");
        accept(r, c, "--every", "2147483647");
        strings(r, c, "--format", "use any of npy, png, vti");
        // --slice: 0 is valid, the range is the grid's slices
        for (String v : List.of("abc", "", "NaN", "1.5")) {
            refuse(r, c, "--slice", v, "give --slice a whole number", "--nz", "4");
        }
        refuse(r, c, "--slice", "2147483648", "beyond the whole-number range -2147483648 to 2147483647", "--nz", "4");
        refuse(r, c, "--slice", "-1", "give a slice index from 0 to 3", "--nz", "4");
        refuse(r, c, "--slice", "4", "give a slice index from 0 to 3", "--nz", "4");
        refuse(r, c, "--slice", "0", "add --nz"); // a 2-D run has no slices
        accept(r, c, "--slice", "0", "--nz", "4");
        accept(r, c, "--slice", "3", "--nz", "4");
        refuse(r, c, "--format", "npy,abc", "use any of npy, png, vti");
        ints(r, c, "--checkpoint-every", "--checkpoint-every must be between 1 and 2147483647");
        paths(r, c, "--resume", ALONE);
        refuse(r, c, "--resume", T + "/missing", "no such directory", ALONE);
        refuse(r, c, "--resume", T + "/out", "was not made by lshsmile", ALONE);
    }

    private static void dataset(List<Row> r) {
        String c = "dataset";
        longs(r, c, "--seed");
        ints(r, c, "--frames", "--frames must be between 2 and 10000000");
        refuse(r, c, "--frames", "1", "between 2 and 10000000");
        refuse(r, c, "--frames", "10000001", "between 2 and 10000000");
        ints(r, c, "--every", "--every must be between 1 and 2147483647");
        outputs(r, c);
        paths(r, c, "--check", ALONE);
        refuse(r, c, "--check", T + "/missing", "no such directory", ALONE);
        refuse(r, c, "--check", T + "/out", "has no index.json", ALONE);
    }

    private static void learn(List<Row> r) {
        String c = "learn";
        paths(r, c, "--data");
        refuse(r, c, "--data", T + "/missing", "no such directory");
        refuse(r, c, "--data", T + "/out", "has no index.json");
        ints(r, c, "--T", "--T must be between 1 and 1000000");
        refuse(r, c, "--T", "1000001", "between 1 and 1000000");
        refuse(r, c, "--T", "3", "use T <= 2"); // the dataset's frames span 2 steps
        ints(r, c, "--pairs", "--pairs must be between 1 and 2147483647");
        accept(r, c, "--pairs", "2147483647"); // more than there are: every pair
        refuse(r, c, "--init", "", "is not NAME=VALUE");
        refuse(r, c, "--init", "abc", "is not NAME=VALUE");
        refuse(r, c, "--init", "L=abc", "is not a number");
        for (String v : List.of("NaN", "Infinity", "-Infinity", "1e309", "-1", "0")) {
            refuse(r, c, "--init", "L=" + v, "must be positive and finite");
        }
        refuse(r, c, "--init", "L=1e308", "give smaller starting values");
        refuse(r, c, "--init", "nope=1", "use one of A, B");
        doubles(r, c, "--perturb", "--perturb must be a finite number between 1 and 1000000");
        refuse(r, c, "--perturb", "0.5", "between 1 and 1000000");
        accept(r, c, "--perturb", "1");
        strings(r, c, "--fix", "use one of A, B");
        strings(r, c, "--optimizer", "use one of sgd, adam, lbfgs");
        ints(r, c, "--epochs", "--epochs must be between 1 and 10000000");
        refuse(r, c, "--epochs", "10000001", "between 1 and 10000000");
        doubles(r, c, "--lr", "--lr must be a finite number > 0 and at most 1000000", "--optimizer", "adam");
        refuse(r, c, "--lr", "1e7", "at most 1000000", "--optimizer", "adam");
        refuse(r, c, "--lr", "0.1", "apply only to --optimizer adam or sgd"); // lbfgs chooses its own steps
        strings(r, c, "--schedule", "step:FACTOR:EVERY", "--optimizer", "adam");
        refuse(r, c, "--schedule", "step:0.5:0", "step EVERY", "--optimizer", "adam");
        refuse(r, c, "--schedule", "step:0.5:1.5", "is not a whole number", "--optimizer", "adam");
        refuse(r, c, "--schedule", "exp:NaN", "GAMMA must be in (0, 1]", "--optimizer", "adam");
        refuse(r, c, "--schedule", "exp:1e308", "GAMMA must be in (0, 1]", "--optimizer", "adam");
        refuse(r, c, "--schedule", "cosine:-1:0", "PERIOD must be >= 1", "--optimizer", "adam");
        refuse(r, c, "--schedule", "cosine:99999999999:0", "is not a whole number", "--optimizer", "adam");
        refuse(r, c, "--schedule", "cosine:10:NaN", "FLOOR must be finite", "--optimizer", "adam");
        ints(r, c, "--batch", "--batch must be between 1 and 2147483647", "--optimizer", "adam");
        doubles(r, c, "--tol", "--tol must be a finite number between 0 and 1");
        accept(r, c, "--tol", "0");
        refuse(r, c, "--tol", "2", "between 0 and 1");
        ints(r, c, "--patience", "--patience must be between 1 and 10000000");
        refuse(r, c, "--patience", "10000001", "between 1 and 10000000");
        doubles(r, c, "--target-loss", "--target-loss must be a finite number between 0 and");
        accept(r, c, "--target-loss", "0");
        accept(r, c, "--target-loss", "1e308"); // stops at once: valid
        strings(r, c, "--engine", "use exact or lsh");
        strings(r, c, "--lsh-mode", "use verified or paper", "--engine", "lsh");
        doubles(r, c, "--r", "--r must be a finite number between", "--engine", "lsh");
        doubles(r, c, "--r0", "--r0 must be a finite number between 0 and 1e+300", "--engine", "lsh");
        accept(r, c, "--r0", "0", "--engine", "lsh");
        ints(r, c, "--K", "--K must be between 1 and 64", "--engine", "lsh");
        ints(r, c, "--L", "--L must be between 1 and 256", "--engine", "lsh");
        ints(r, c, "--checkpoint-every", "--checkpoint-every must be between 1 and 1");
        accept(r, c, "--checkpoint-every", "0"); // 0: automatic
        refuse(r, c, "--checkpoint-every", "2", "use 1..T (1), or 0 for auto");
        strings(r, c, "--kernels", "use auto, scalar, simd or native");
        ints(r, c, "--threads", "--threads must be between 1 and 1024");
        longs(r, c, "--seed");
        outputs(r, c);
    }

    private static void lshParams(List<Row> r) {
        String c = "lsh-params";
        doubles(r, c, "--epsilon", "--epsilon must be a finite number strictly between 0 and 1");
        refuse(r, c, "--epsilon", "1", "strictly between 0 and 1");
        refuse(r, c, "--epsilon", "1e-300", "use a larger epsilon or c"); // needs more tables than allowed
        doubles(r, c, "--c", "--c must be a finite number greater than 1");
        refuse(r, c, "--c", "1", "greater than 1");
        refuse(r, c, "--c", "1.0000000001", "use a larger epsilon or c");
        accept(r, c, "--c", "1e308");
        doubles(r, c, "--r", "--r must be a finite number greater than 0");
    }

    private static void validate(List<Row> r) {
        String c = "validate";
        strings(r, c, "--kernels", "use auto, scalar, simd or native");
        ints(r, c, "--threads", "--threads must be between 1 and 1024");
        refuse(r, c, "--threads", "1025", "between 1 and 1024");
        strings(r, c, "--case", "use pfhub-1a, pfhub-1b");
    }

    private static void bench(List<Row> r) {
        outputs(r, "bench");
        refuse(r, "bench", "--out", T + "/out", "add --force", "!--force");
    }

    // ---- row makers ----

    private static void refuse(List<Row> r, String command, String flag, String value, String allowed,
                               String... context) {
        r.add(new Row(command, flag, value, allowed, List.of(context)));
    }

    private static void accept(List<Row> r, String command, String flag, String value, String... context) {
        r.add(new Row(command, flag, value, null, List.of(context)));
    }

    /** An int option: values that are not whole numbers or beyond the int range, and -1 and 0 out of range. */
    private static void ints(List<Row> r, String command, String flag, String range, String... context) {
        for (String v : List.of("abc", "", "NaN", "1.5")) {
            refuse(r, command, flag, v, "give " + flag + " a whole number", context);
        }
        refuse(r, command, flag, "2147483648", "beyond the whole-number range -2147483648 to 2147483647", context);
        refuse(r, command, flag, "-1", range, context);
        if (!(flag.equals("--steps") || flag.equals("--checkpoint-every") && command.equals("learn"))) {
            refuse(r, command, flag, "0", range, context);
        }
    }

    /** A long option taking any long (seeds): every long is accepted. */
    private static void longs(List<Row> r, String command, String flag, String... context) {
        for (String v : List.of("abc", "", "NaN", "1.5")) {
            refuse(r, command, flag, v, "give " + flag + " a whole number", context);
        }
        refuse(r, command, flag, "99999999999999999999", "beyond the whole-number range", context);
        accept(r, command, flag, "-1", context);
        accept(r, command, flag, "0", context);
    }

    /**
     * A floating option: text and the empty string are not numbers; NaN, infinities (1e309 overflows to one),
     * and the negative, zero and huge values the option's range excludes are refused with that range.
     */
    private static void doubles(List<Row> r, String command, String flag, String range, String... context) {
        refuse(r, command, flag, "abc", "give " + flag + " a number", context);
        refuse(r, command, flag, "", "give " + flag + " a number", context);
        for (String v : List.of("NaN", "Infinity", "-Infinity", "1e309", "-1")) {
            refuse(r, command, flag, v, range, context);
        }
        boolean zeroValid = Set.of("--r0", "--tau", "--tol", "--target-loss").contains(flag);
        if (!zeroValid) {
            refuse(r, command, flag, "0", range, context);
        }
        boolean hugeValid = command.equals("simulate") && Set.of("--r", "--r0", "--tau").contains(flag)
            || command.equals("learn") && flag.equals("--target-loss") || command.equals("lsh-params")
            && flag.equals("--c");
        boolean hugeOwnRow = Set.of("--circle-radius", "--dt").contains(flag);
        if (!hugeValid && !hugeOwnRow) {
            refuse(r, command, flag, "1e308", range, context);
        }
    }

    /** A text option with a fixed set of values: the empty string and an unknown word. */
    private static void strings(List<Row> r, String command, String flag, String allowed, String... context) {
        refuse(r, command, flag, "", allowed, context);
        refuse(r, command, flag, "abc", allowed, context);
    }

    /** A path option: the empty string, which Java reads as the working directory. */
    private static void paths(List<Row> r, String command, String flag, String... context) {
        refuse(r, command, flag, "", "give " + flag + " a file or directory path", context);
    }

    /** --out: paths, and an existing file. */
    private static void outputs(List<Row> r, String command) {
        paths(r, command, "--out");
        refuse(r, command, "--out", T + "/out/final.npy", "give a directory path");
    }

    // ---- running a row ----

    @TestFactory
    Stream<DynamicTest> everyRow() {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.toString(), () -> check(row)));
    }

    private static void check(Row row) throws IOException {
        Path t = Files.createTempDirectory(shared, "row");
        Path out = t.resolve("out");
        Files.createDirectories(out);
        Path sentinel = out.resolve("final.npy");
        Files.writeString(sentinel, "not lshsmile's: must survive a refused command line\n");
        FileTime stamp = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(sentinel, stamp);
        Map<Path, String> before = tree(t);

        String[] args = args(row, t, out);
        Cli.Run run = Cli.run(args);
        String line = String.join(" ", args).replace("\0", "\\0");
        if (row.accepted()) {
            assertEquals(0, run.code(), () -> line + ": a valid value must run; stderr:\n" + run.err());
            return;
        }
        assertEquals(CliException.USAGE, run.code(), () -> line + ": exit code; stderr:\n" + run.err() + "\nstdout:\n"
            + run.out());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), () -> line + ": stderr must be one line, got:\n" + run.err());
        String msg = lines.get(0);
        assertTrue(msg.startsWith("lshsmile: error: ") && msg.contains("; "),
            () -> line + ": not 'lshsmile: error: <problem>; <fix>': " + msg);
        assertTrue(Pattern.compile(Pattern.quote(row.flag()) + "(?![\\w-])").matcher(msg).find(),
            () -> line + ": the message does not name " + row.flag() + ": " + msg);
        assertTrue(msg.contains(row.allowed()), () -> line + ": the message does not say '" + row.allowed() + "': "
            + msg);
        assertEquals("", run.out(), () -> line + ": stdout of a refused command line");
        assertEquals(before, tree(t), () -> line + ": files were created or changed");
        assertEquals(stamp, Files.getLastModifiedTime(sentinel), () -> line + ": " + sentinel + " was touched");
    }

    /** The command line of a row: the base arguments, changed by the context, then the flag and its value. */
    private static String[] args(Row row, Path t, Path out) {
        Map<String, String> b = row.context().contains(ALONE) ? new LinkedHashMap<>() : base(row.command(), out);
        List<String> extra = new ArrayList<>();
        for (String c : row.context()) {
            if (c.startsWith("!")) {
                b.remove(c.substring(1));
            } else {
                extra.add(c.replace(T, t.toString()));
            }
        }
        b.remove(row.flag());
        for (String e : extra) {
            if (e.startsWith("--")) {
                b.remove(e);
            }
        }
        List<String> a = new ArrayList<>(row.command().isEmpty() ? List.of() : List.of(row.command().split(" ")));
        b.forEach((k, v) -> {
            a.add(k);
            if (v != null) {
                a.add(v);
            }
        });
        a.addAll(extra);
        if (row.value().startsWith("=")) {
            a.add(row.flag() + row.value());
        } else {
            a.add(row.flag());
            a.add(row.value().replace(T, t.toString()));
        }
        return a.toArray(String[]::new);
    }

    /** Every file and directory under {@code dir}, relative, with its content (files) or "dir". */
    private static Map<Path, String> tree(Path dir) throws IOException {
        Map<Path, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                m.put(dir.relativize(p), Files.isDirectory(p) ? "dir"
                    : new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return m;
    }

    // ---- coverage: every option has its rows ----

    /** {@code cl} and all its subcommands, nested ones included. */
    private static List<CommandLine> commands(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            commands(sub, into);
        }
        return into;
    }

    @Test
    void everyOptionHasItsRows() {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
            false, new DemoCommand());
        List<Row> rows = rows();
        Set<String> known = new TreeSet<>();
        List<String> missing = new ArrayList<>();
        int switches = 0;
        for (CommandLine sub : commands(cl, new ArrayList<>())) {
            String command = sub.getCommandSpec().qualifiedName().replaceFirst("^lshsmile ?", "");
            for (OptionSpec o : sub.getCommandSpec().options()) {
                String flag = o.longestName();
                known.add(command + " " + flag);
                String type = o.auxiliaryTypes()[0].getSimpleName().replace("Integer", "int").replace("Long", "long")
                    .replace("Double", "double").replace("Boolean", "boolean");
                if (o.arity().max() == 0) {
                    assertEquals("boolean", type, () -> command + " " + flag + " takes no value but is no switch");
                    switches++;
                }
                List<String> want = o.arity().max() == 0 ? List.of(SWITCH_VALUE) : REQUIRED.get(type);
                if (want == null) {
                    fail(command + " " + flag + " has type " + type + ", which this test has no bad values for: add"
                        + " them to REQUIRED and rows for the option");
                }
                for (String v : want) {
                    boolean has = rows.stream().anyMatch(x -> x.command().equals(command) && x.flag().equals(flag)
                        && x.value().equals(v));
                    if (!has) {
                        missing.add(command + " " + flag + " '" + v + "'");
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "options without a row (refused, or accepted when valid) for these values");
        for (Row x : rows) {
            assertTrue(known.contains(x.command() + " " + x.flag()), () -> "row for an option that does not exist: "
                + x);
        }
        int n = switches;
        assertTrue(n > 0 && rows.size() > 400, () -> rows.size() + " rows, " + n + " switches");
    }
}
