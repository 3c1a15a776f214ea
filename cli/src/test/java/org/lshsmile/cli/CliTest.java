package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;
import org.lshsmile.simd.Kernels;

/** The lshsmile command line, run in-process through picocli with captured stdout and stderr. */
class CliTest {

    @TempDir
    Path tmp;

    /** Exit code and captured streams of one invocation. */
    record Run(int code, String out, String err) {
        /** The stderr lines that are not the kernels INFO/WARN lines. */
        List<String> errorLines() {
            return err.lines().filter(l -> !l.startsWith("[INFO]") && !l.startsWith("[WARN]")).toList();
        }
    }

    private static Run run(DemoCommand demo, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), false, demo).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(new DemoCommand(), args);
    }

    private static String[] simulate(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("simulate", "--model", "grain-growth", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static Run ok(String... args) {
        Run r = run(args);
        assertEquals(0, r.code(), () -> "exit code; stderr:\n" + r.err() + "\nstdout:\n" + r.out());
        return r;
    }

    private static List<String[]> csv(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("diagnostics.csv")).stream().map(l -> l.split(",")).toList();
    }

    @Test
    void simulateWritesFinalStateAndDiagnosticsRowsAtTheRightSteps() throws IOException {
        Path out = tmp.resolve("run");
        Run r = ok(simulate(out, "--size", "32", "--steps", "25", "--every", "10", "--threads", "1"));
        NpyArray fin = Npy.read(out.resolve("final.npy"));
        assertArrayEquals(new int[] {8, 32, 32}, fin.shape());
        List<String[]> rows = csv(out);
        assertEquals("step,time,free_energy,total_eta_1,total_eta_2,total_eta_3,total_eta_4,total_eta_5,total_eta_6,"
            + "total_eta_7,total_eta_8", String.join(",", rows.get(0)));
        assertEquals(List.of("0", "10", "20", "25"), rows.stream().skip(1).map(c -> c[0]).toList());
        for (String[] c : rows.subList(1, rows.size())) {
            assertEquals(11, c.length);
            assertEquals(Long.parseLong(c[0]) * 0.05, Double.parseDouble(c[1]), 1e-12);
        }
        assertTrue(Files.exists(out.resolve("snap_00000000.npy")));
        assertTrue(Files.exists(out.resolve("snap_00000020.npy")));
        assertFalse(Files.exists(out.resolve("snap_00000025.npy")));
        String json = Files.readString(out.resolve("run.json"));
        for (String key : List.of("\"model\": \"grain-growth\"", "\"preset\": \"default\"", "\"stable_dt\"",
            "\"size\": [32, 32]", "\"bc\": \"periodic\"", "\"steps\": 25", "\"engine\": \"exact\"", "\"kernels\"",
            "\"threads\": 1", "\"wall_seconds\"", "\"steps_per_second\"", "\"ns_per_element_step\"",
            "\"free_energy_start\"", "\"free_energy_end\"", "\"grains_start\"", "\"grains_end\"", "\"java_version\"",
            "\"vm\"", "\"os_arch\"", "\"lshsmile_version\"", "\"kappa_8\": 0.1")) {
            assertTrue(json.contains(key), () -> key + " missing from run.json:\n" + json);
        }
        assertTrue(r.out().contains("free energy:"), r.out());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("[INFO] kernels: ")).count(), r.err());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp files left behind");
        }
    }

    @Test
    void diagnosticsValuesRoundTripAndEnergyNeverRises() throws IOException {
        Path out = tmp.resolve("energy");
        ok(simulate(out, "--size", "48", "--steps", "200", "--every", "5"));
        List<String[]> rows = csv(out);
        assertEquals(42, rows.size());
        double prev = Double.POSITIVE_INFINITY;
        for (String[] c : rows.subList(1, rows.size())) {
            double f = Double.parseDouble(c[2]);
            assertTrue(f <= prev, "free energy rose at step " + c[0] + ": " + prev + " -> " + f);
            prev = f;
        }
        assertTrue(prev < Double.parseDouble(rows.get(1)[2]), "free energy did not drop at all");
    }

    @Test
    void initRoundTripsBitwiseWithZeroSteps() throws IOException {
        SplittableRandom rnd = new SplittableRandom(5);
        double[] v = new double[3 * 20 * 24];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() * (i % 7 == 0 ? 1e-300 : 1.0);
        }
        Path in = tmp.resolve("in.npy");
        Npy.write(in, new int[] {3, 20, 24}, v);
        Path out = tmp.resolve("rt");
        ok(simulate(out, "--init", in.toString(), "--steps", "0"));
        NpyArray fin = Npy.read(out.resolve("final.npy"));
        assertArrayEquals(new int[] {3, 20, 24}, fin.shape());
        assertArrayEquals(v, fin.data());
        for (int i = 0; i < v.length; i++) {
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(fin.data()[i]), "element " + i);
        }
        assertEquals(2, csv(out).size(), "header and the step-0 row");
    }

    @Test
    void initOfOneFieldTakesAPlainImage() throws IOException {
        double[] v = new double[16 * 12];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 12) < 6 ? 1.0 : 0.0;
        }
        Path in = tmp.resolve("one.npy");
        Npy.write(in, new int[] {16, 12}, v);
        Path out = tmp.resolve("one");
        ok(simulate(out, "--init", in.toString(), "--steps", "10", "--format", "png,npy"));
        NpyArray fin = Npy.read(out.resolve("final.npy"));
        assertArrayEquals(new int[] {1, 16, 12}, fin.shape());
        BufferedImage img = ImageIO.read(out.resolve("snap_00000010.png").toFile());
        assertNotNull(img);
        assertEquals(12, img.getWidth());
        assertEquals(16, img.getHeight());
    }

    /** Bad inputs: each row is a phrase the one-line error must contain, then the arguments after simulate. */
    static Stream<Arguments> badInputs() {
        return Stream.of(
            row("--size must be between 2 and", "--size", "0"),
            row("--size must be between 2 and", "--size", "-5"),
            row("needs about", "--size", "1048576"),
            row("--steps must be between 0", "--steps", "-1"),
            row("--steps 'abc' is not a whole number", "--steps", "abc"),
            row("--dx must be a finite number", "--dx", "0"),
            row("--dx must be a finite number", "--dx", "NaN"),
            row("--threads must be between 1 and 1024", "--threads", "0"),
            row("--threads must be between 1 and 1024", "--threads", "100000"),
            row("--every must be between 1", "--every", "0"),
            row("unknown boundary 'sideways'", "--bc", "sideways"),
            row("unknown --kernels 'gpu'", "--kernels", "gpu"),
            row("unknown --engine 'warp'", "--engine", "warp"),
            row("unknown --format 'gif'", "--format", "npy,gif"),
            row("unknown preset 'fancy'", "--preset", "fancy"),
            row("unknown --ic 'hexagons'", "--ic", "hexagons"),
            row("unknown grain-growth parameter 'foo'", "--param", "foo=1"),
            row("'abc' is not a number", "--param", "L=abc"),
            row("is not NAME=VALUE", "--param", "kappa"),
            row("parameter kappa_", "--param", "kappa=-1"),
            row("grain index must be 1..8", "--param", "L_9=2"),
            row("--dt 0.1 is at or above the stability limit", "--dt", "0.1"),
            row("--grains must be between 1", "--grains", "0"),
            row("--ic circle has 2 order parameters", "--ic", "circle", "--order-params", "3"),
            row("--circle-radius applies only to --ic circle", "--circle-radius", "3"),
            row("does not fit in the box of side 8", "--ic", "circle", "--circle-radius", "1000"),
            row("cannot read --init", "--init", "@/missing.npy"),
            row("not a .npy file", "--init", "@/text.npy"),
            row("is not float64", "--init", "@/f4.npy"),
            row("has shape (2, 2, 2, 2, 2)", "--init", "@/rank5.npy"), // (m, nz, ny, nx) is a 3-D state; 5-D is not
            row("--size cannot be combined with --init", "--init", "@/good.npy", "--size", "16"),
            row("--order-params cannot be combined with --init", "--init", "@/good.npy", "--order-params", "2"),
            row("non-finite value NaN at [1, 2, 3]", "--init", "@/nan.npy"),
            row("Unknown option: '--frobnicate'", "--frobnicate"),
            row("did you mean --steps", "--step", "3"),
            row("unknown --model 'phase-x'; use grain-growth, cahn-hilliard or nanovoid", "--model", "phase-x"),
            row("unknown --ic 'v0' for grain-growth; use voronoi or circle", "--ic", "v0"),
            row("unknown --ic 'voronoi' for nanovoid; use v0, v1 or v2", "--model", "nanovoid", "--ic", "voronoi"),
            row("unknown --ic 'v1' for cahn-hilliard; use pfhub", "--model", "cahn-hilliard", "--ic", "v1"),
            row("unknown preset 'paper' for cahn-hilliard", "--model", "cahn-hilliard", "--preset", "paper"),
            row("unknown --form 'bogus'; use literal or conservative", "--model", "nanovoid", "--form", "bogus"),
            row("--cascades does not apply to grain-growth", "--cascades"),
            row("--noise does not apply to cahn-hilliard", "--model", "cahn-hilliard", "--noise"),
            row("--no-clamp does not apply to grain-growth", "--no-clamp"),
            row("--no-void-mask does not apply to cahn-hilliard", "--model", "cahn-hilliard", "--no-void-mask"),
            row("--form does not apply to grain-growth", "--form", "literal"),
            row("--clamp does not apply to nanovoid", "--model", "nanovoid", "--clamp"),
            row("--grains does not apply to nanovoid", "--model", "nanovoid", "--grains", "3"),
            row("--seed does not apply to cahn-hilliard", "--model", "cahn-hilliard", "--seed", "3"),
            row("--seed applies to nanovoid only with --cascades or --noise", "--model", "nanovoid", "--seed", "4"),
            row("unknown nanovoid parameter 'kappa'", "--model", "nanovoid", "--param", "kappa=1"),
            row("unknown cahn-hilliard parameter 'L'", "--model", "cahn-hilliard", "--param", "L=1"),
            row("parameter R_bulk must be non-negative", "--model", "nanovoid", "--param", "R_bulk=-1"),
            row("--dt 0.2 is at or above the stability limit", "--model", "nanovoid", "--dt", "0.2"),
            row("--dt 0.003 is at or above the stability limit", "--model", "cahn-hilliard", "--dt", "0.003"),
            row("but nanovoid has 3 (c_v, c_i, eta)", "--model", "nanovoid", "--init", "@/good.npy"),
            row("--size cannot be combined with --init", "--model", "nanovoid", "--init", "@/good.npy", "--size", "8"),
            row("--checkpoint-every must be between 1", "--checkpoint-every", "0"),
            row("unknown --format 'ply'; use any of npy, png, vti", "--format", "vti,ply"),
            row("was not made by lshsmile", "--resume", "@/empty"),
            row("missing: no such directory", "--resume", "@/missing"),
            row("--model cannot be combined with --resume", "--resume", "@/empty", "--model", "nanovoid"),
            row("--out cannot be combined with --resume", "--resume", "@/empty", "--out", "@/o"),
            row("--cascades cannot be combined with --resume", "--resume", "@/empty", "--cascades"),
            row("no checkpoint in", "--resume", "@/unfinished"));
    }

    private static Arguments row(String phrase, String... args) {
        return Arguments.of(phrase, args);
    }

    @ParameterizedTest(name = "[{index}] {1} -> {0}")
    @MethodSource("badInputs")
    void badInputIsOneLineExitTwoAndTouchesNothing(String phrase, String[] args) throws IOException {
        Path inputs = tmp.resolve("inputs");
        Files.createDirectories(inputs);
        writeInputs(inputs);
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("final.npy"), "the user's own file");
        Files.writeString(out.resolve("notes.txt"), "keep me");
        Map<String, String> before = contents(out);
        List<String> given = Arrays.asList(args);
        List<String> a = new ArrayList<>(List.of("simulate"));
        if (!given.contains("--resume")) {
            a.addAll(List.of("--out", out.toString(), "--force"));
            for (String[] d : new String[][] {{"--model", "grain-growth"}, {"--steps", "5"}, {"--size", "16"}}) {
                if (!given.contains(d[0]) && !(d[0].equals("--size") && given.contains("--init"))) {
                    a.addAll(List.of(d));
                }
            }
        }
        for (String s : args) {
            a.add(s.startsWith("@/") ? inputs.resolve(s.substring(2)).toString() : s);
        }
        Run r = run(a.toArray(String[]::new));
        List<String> lines = r.errorLines();
        assertAll(
            () -> assertEquals(2, r.code(), "exit code"),
            () -> assertEquals(1, lines.size(), () -> "one line on stderr, got:\n" + r.err()),
            () -> assertTrue(lines.get(0).startsWith("lshsmile: error: "), lines.get(0)),
            () -> assertTrue(lines.get(0).contains(phrase), () -> "'" + phrase + "' not in: " + lines.get(0)),
            () -> assertTrue(lines.get(0).contains("; "), () -> "no fix after '; ' in: " + lines.get(0)),
            () -> assertEquals("", r.out(), "stdout"),
            () -> assertEquals(before, contents(out), "the --out directory changed"));
    }

    private static void writeInputs(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(dir.resolve("unfinished"));
        Files.writeString(dir.resolve("unfinished/run.json"), "{\n  \"lshsmile_version\": \"0.1.0\",\n"
            + "  \"status\": \"running\"\n}\n");
        Files.writeString(dir.resolve("text.npy"), "x,y\n1,2\n");
        Npy.write(dir.resolve("rank5.npy"), new int[] {2, 2, 2, 2, 2}, new double[32]);
        Npy.write(dir.resolve("good.npy"), new int[] {2, 8, 8}, new double[128]);
        double[] nan = new double[2 * 4 * 5];
        nan[1 * 20 + 2 * 5 + 3] = Double.NaN;
        nan[1 * 20 + 3 * 5 + 4] = Double.POSITIVE_INFINITY;
        Npy.write(dir.resolve("nan.npy"), new int[] {2, 4, 5}, nan);
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
        header += " ".repeat(128 - 10 - header.length() - 1) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        byte[] f4 = new byte[10 + h.length + 16];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0};
        System.arraycopy(magic, 0, f4, 0, 10);
        System.arraycopy(h, 0, f4, 10, h.length);
        Files.write(dir.resolve("f4.npy"), f4);
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                m.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return m;
    }

    @Test
    void nonEmptyOutWithoutForceAndOutThatIsAFileAreRefused() throws IOException {
        Path out = tmp.resolve("full");
        Files.createDirectories(out);
        Files.writeString(out.resolve("mine.txt"), "mine");
        Run r = run(simulate(out, "--steps", "1", "--size", "8"));
        assertEquals(2, r.code());
        assertTrue(r.err().strip().startsWith("lshsmile: error: output directory "), r.err());
        assertTrue(r.err().contains("is not empty; add --force"), r.err());
        assertEquals(Map.of("mine.txt", "mine"), contents(out));

        Path file = tmp.resolve("afile");
        Files.writeString(file, "data");
        Run f = run(simulate(file, "--steps", "1", "--size", "8"));
        assertEquals(2, f.code());
        assertTrue(f.err().contains("is a file, not a directory"), f.err());
        assertEquals("data", Files.readString(file));
    }

    @Test
    void forceReplacesOnlyTheFilesLshsmileWrites() throws IOException {
        Path out = tmp.resolve("forced");
        Files.createDirectories(out);
        Files.writeString(out.resolve("final.npy"), "old");
        Files.writeString(out.resolve("mine.txt"), "mine");
        ok(simulate(out, "--steps", "2", "--size", "8", "--force"));
        assertEquals("mine", Files.readString(out.resolve("mine.txt")));
        assertArrayEquals(new int[] {8, 8, 8}, Npy.read(out.resolve("final.npy")).shape());
    }

    @Test
    void nanInTheInitialStateIsRefusedNamingTheCell() throws IOException {
        double[] v = new double[2 * 6 * 7];
        v[2 * 7 + 5] = Double.NaN;
        Path in = tmp.resolve("nan.npy");
        Npy.write(in, new int[] {2, 6, 7}, v);
        Run r = run(simulate(tmp.resolve("o"), "--init", in.toString(), "--steps", "1"));
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("[0, 2, 5] (field 0, y=2, x=5)"), r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing is created for a refused run");
    }

    @Test
    void dtAboveTheStableBoundIsRefusedUnlessUnsafeDt() throws IOException {
        Run r = run(simulate(tmp.resolve("a"), "--size", "16", "--steps", "4", "--dt", "0.08"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("largest stable dt is just below 0.0769231: use --dt 0.0769 or less"), r.err());
        assertTrue(r.err().contains("--unsafe-dt"), r.err());
        ok(simulate(tmp.resolve("b"), "--size", "16", "--steps", "4", "--dt", "0.08", "--unsafe-dt"));
        assertTrue(Files.exists(tmp.resolve("b/final.npy")));
    }

    @Test
    void aDefaultDtAboveTheBoundIsLoweredWithAnInfoLine() throws IOException {
        Run r = ok(simulate(tmp.resolve("fine"), "--size", "16", "--steps", "2", "--dx", "0.25"));
        assertTrue(r.err().contains("[INFO] dt: 0.0243"), r.err());
        assertTrue(Files.readString(tmp.resolve("fine/run.json")).contains("\"dt\": 0.0243"));
    }

    @Test
    void blowUpExitsThreeAndKeepsTheLastFiniteState() throws IOException {
        Path out = tmp.resolve("boom");
        Run r = run(simulate(out, "--size", "16", "--steps", "400", "--dt", "20", "--unsafe-dt", "--every", "100"));
        assertEquals(3, r.code(), r.err());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("lshsmile: error: non-finite value"), lines.get(0));
        assertTrue(lines.get(0).contains("last_good.npy"), lines.get(0));
        NpyArray last = Npy.read(out.resolve("last_good.npy"));
        assertArrayEquals(new int[] {8, 16, 16}, last.shape());
        assertTrue(Arrays.stream(last.data()).allMatch(Double::isFinite), "last_good.npy is not finite");
        assertFalse(Files.exists(out.resolve("final.npy")));
        assertTrue(Files.readString(out.resolve("run.json")).contains("\"status\": \"non-finite\""));
    }

    private byte[] finalBytes(String name, String... more) throws IOException {
        Path out = tmp.resolve(name);
        ok(simulate(out, more));
        return Files.readAllBytes(out.resolve("final.npy"));
    }

    @Test
    void scalarAndSimdKernelsGiveIdenticalBits() throws IOException {
        Assumptions.assumeTrue(Kernels.simd().isPresent(), "Vector API kernels unavailable in this JVM");
        String[] common = {"--size", "37", "--steps", "60", "--order-params", "5", "--bc", "noflux", "--threads", "2"};
        byte[] scalar = finalBytes("scalar", concat(common, "--kernels", "scalar"));
        byte[] simd = finalBytes("simd", concat(common, "--kernels", "simd"));
        assertArrayEquals(scalar, simd);
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() throws IOException {
        String[] common = {"--size", "40", "--steps", "60", "--grains", "12", "--order-params", "6"};
        byte[] one = finalBytes("t1", concat(common, "--threads", "1"));
        byte[] two = finalBytes("t2", concat(common, "--threads", "2"));
        assertArrayEquals(one, two);
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }

    @Test
    void circleInitialStateAndPngSnapshots() throws IOException {
        Path out = tmp.resolve("circle");
        ok(simulate(out, "--ic", "circle", "--size", "32", "--steps", "20", "--every", "10", "--format", "png"));
        assertArrayEquals(new int[] {2, 32, 32}, Npy.read(out.resolve("final.npy")).shape());
        BufferedImage img = ImageIO.read(out.resolve("snap_00000020.png").toFile());
        assertEquals(32, img.getWidth());
        assertFalse(Files.exists(out.resolve("snap_00000020.npy")));
        assertTrue(Files.readString(out.resolve("run.json")).contains("\"source\": \"circle\""));
    }

    @Test
    void demoRunsAndPrintsItsSummary() throws IOException {
        Path dir = tmp.resolve("demo");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("frame_00000.png"), "stale frame of an earlier demo");
        Files.writeString(dir.resolve("readme.txt"), "not the demo's");
        Run r = run(new DemoCommand(dir, 40, 20, 20), "demo");
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("frame_00000.png", "frame_00001.png", "frame_00002.png", "final.npy",
            "diagnostics.csv", "run.json")) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        assertNotNull(ImageIO.read(dir.resolve("frame_00000.png").toFile()));
        assertEquals("not the demo's", Files.readString(dir.resolve("readme.txt")));
        assertArrayEquals(new int[] {8, 256, 256}, Npy.read(dir.resolve("final.npy")).shape());
        assertTrue(r.out().contains("steps per second"), r.out());
        assertTrue(r.out().matches("(?s).*free energy: \\S+ -> \\S+.*"), r.out());
        assertTrue(r.out().matches("(?s).*grains: \\d+ -> \\d+.*"), r.out());
        assertTrue(Files.readString(dir.resolve("run.json")).contains("\"grains\": 30"));

        // the LSH section: a bucket picture with one colour per bucket, and one line of figures
        BufferedImage buckets = ImageIO.read(dir.resolve("lsh_buckets.png").toFile());
        assertEquals(128, buckets.getWidth());
        assertEquals(128, buckets.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                colours.add(buckets.getRGB(x, y));
            }
        }
        Matcher m = Pattern.compile("lsh \\(verified, r = 0\\.001\\): 20 steps on 128 x 128: (\\d+) buckets for 16384"
            + " elements, max \\|error\\| vs exact (\\S+), mean (\\S+); \\S+ s \\(encoding \\S+ s\\) vs exact \\S+ s;"
            + " wrote \\S+lsh_buckets.png").matcher(r.out());
        assertTrue(m.find(), r.out());
        int n = Integer.parseInt(m.group(1));
        assertTrue(n > 8 && n < 16384, "buckets: more than the grains, fewer than the elements: " + n);
        assertTrue(colours.size() > 8 && colours.size() <= n, colours.size() + " colours for " + n + " buckets");
        double max = Double.parseDouble(m.group(2));
        double mean = Double.parseDouble(m.group(3));
        assertTrue(max > 0 && max <= 1e-3, "verified r = 1e-3 keeps the error within r: " + max);
        assertTrue(mean >= 0 && mean <= max, "mean " + mean);
    }

    @Test
    void helpVersionAndUsageErrors() {
        Run top = ok("--help");
        assertTrue(top.out().contains("simulate") && top.out().contains("demo"), top.out());
        Run sim = ok("simulate", "--help");
        for (String o : List.of("--model", "--init", "--ic", "--size", "--dt", "--unsafe-dt", "--param", "--format",
            "--force", "--debug", "--kernels", "--threads", "--every", "--circle-radius", "--stats",
            "--compare-exact")) {
            assertTrue(sim.out().contains(o), o);
        }
        assertTrue(ok("demo", "--help").out().contains("lshsmile-demo"));
        Run v = ok("--version");
        assertTrue(v.out().startsWith("lshsmile "), v.out());
        Run none = run();
        assertEquals(2, none.code());
        assertEquals(1, none.err().lines().count(), none.err());
        Run unknown = run("simulate", "--model", "grain-growth", "--steps", "1");
        assertEquals(2, unknown.code());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        assertTrue(unknown.err().contains("Missing required option") && unknown.err().contains("--help"),
            unknown.err());
        Run cmd = run("simulat");
        assertEquals(2, cmd.code());
        assertEquals(1, cmd.err().lines().count(), cmd.err());
    }

    @Test
    void debugShowsTheStackTrace() {
        Run r = run(simulate(tmp.resolve("d"), "--steps", "1", "--size", "0", "--debug"));
        assertEquals(2, r.code());
        assertTrue(r.err().lines().count() > 1, r.err());
        assertTrue(r.err().contains("at org.lshsmile.cli."), r.err());
    }
}
