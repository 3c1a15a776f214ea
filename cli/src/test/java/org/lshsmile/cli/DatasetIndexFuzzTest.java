package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.model.Model;

/**
 * Seeded mutation fuzzing of {@link DatasetIndex#read}: every mutated index.json either reads to a consistent
 * index or is refused with a {@link CliException} of exit code 2 whose message is one line; no other exception,
 * no hang.
 *
 * <p>The seeds are index.json files written by {@code lshsmile dataset} (grain-growth, nanovoid, cahn-hilliard).
 * Mutations are JSON-aware text edits (numbers made huge, negative, fractional, NaN, strings, lists, objects;
 * strings made empty, long, path-like, numbers, null; true/false/null swapped; lines deleted, which drops keys,
 * and duplicated, which repeats keys; deep nesting) and raw ones (truncation, byte flips, inserted JSON
 * punctuation), one to three per input. An index that reads must also survive the writer: {@link
 * DatasetIndex#toJson()} written out and read again gives the same JSON.
 *
 * <p>{@code -Dlshsmile.fuzz.inputs=N} sets the number of inputs (default 3000, about 2 s); the nightly profile
 * is {@code -Dlshsmile.fuzz.inputs=100000}, which passed in 29 s per suite run (of two) on a 2-core machine.
 */
class DatasetIndexFuzzTest {

    private static final long SEED = 0x5EED_F022L;
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    /** Unrolled so that a long string does not recurse once per character (and overflow the stack). */
    private static final Pattern STRING = Pattern.compile("\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"");
    private static final Pattern LITERAL = Pattern.compile("true|false|null");
    private static final String[] NUMBERS = {"0", "-1", "1", "2", "-0", "0.5", "-0.0", "1e309", "-1e309", "1e-320",
        "NaN", "Infinity", "-Infinity", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999", "4097", "4096", "1024",
        "1025", "65537", "1.0", "3e0", "\"5\"", "\"\"", "true", "null", "[]", "[1]", "{}", "{\"a\": 1}", "01", "+1",
        ".5", "1.", "0x10"};
    private static final String[] STRINGS = {"\"\"", "\" \"", "\"frame_00000.npy\"", "\"../x.npy\"", "\"/etc/passwd\"",
        "\".hidden.npy\"", "\"a/b.npy\"", "\"x.NPY\"", "\"\\u0000\"", "\"\\n\"", "\"\\ud800\"", "\"" + "x".repeat(5000)
        + "\"", "0", "-1", "null", "true", "[]", "{}", "\"grain-growth\"", "\"nanovoid\"", "\"cahn-hilliard\"",
        "\"periodic\"", "\"neumann\"", "\"dirichlet\"", "\"float32\"", "\"lshsmile-dataset\"", "\"literal\"",
        "\"conservative\"", "\"\\\"\"", "\"\u00e9\u4e2d\"", "\"default\"", "\"exact\""};
    private static final String[] LITERALS = {"true", "false", "null", "0", "\"true\"", "[]", "{}"};
    private static final String[] PUNCT = {"{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "-", "0", "e", ".",
        "\u0000", "\u00ff", "//", "/*", "'"};

    @TempDir
    Path tmp;

    @Test
    void everyMutatedIndexReadsOrIsRefusedWithOneLine() {
        int inputs = Integer.getInteger("lshsmile.fuzz.inputs", 3000);
        assertTimeoutPreemptively(Duration.ofSeconds(120 + inputs / 200), () -> run(inputs));
    }

    private void run(int inputs) throws IOException {
        List<String> seeds = seeds();
        Path dir = Files.createDirectories(tmp.resolve("fuzz"));
        Path file = dir.resolve(DatasetIndex.FILE);
        int loaded = 0;
        for (int i = 0; i < inputs; i++) {
            SplittableRandom r = new SplittableRandom(SEED * 0x9E3779B97F4A7C15L + i);
            String text = seeds.get(r.nextInt(seeds.size()));
            int n = 1 + r.nextInt(3);
            StringBuilder how = new StringBuilder();
            for (int k = 0; k < n; k++) {
                text = mutate(text, r, how);
            }
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            if (r.nextInt(50) == 0) {
                // Invalid UTF-8 too.
                byte[] b = Files.readAllBytes(file);
                if (b.length > 0) {
                    b[r.nextInt(b.length)] = (byte) (0x80 + r.nextInt(0x80));
                    Files.write(file, b);
                    how.append(" +invalid UTF-8 byte");
                }
            }
            long t0 = System.nanoTime();
            try {
                DatasetIndex index = DatasetIndex.read(dir);
                check(index);
                // What was read must survive the writer: written again, it reads back equal.
                Path again = Files.createDirectories(tmp.resolve("again"));
                String written = Json.write(index.toJson());
                Files.writeString(again.resolve(DatasetIndex.FILE), written);
                assertEquals(written, Json.write(DatasetIndex.read(again).toJson()), "index written again and re-read");
                loaded++;
            } catch (CliException e) {
                String m = e.getMessage();
                if (e.exitCode() != CliException.USAGE || m == null || m.isBlank() || m.contains("\n")
                        || m.contains("\r") || !m.contains("; ")) {
                    throw new AssertionError(failure(i, how, text, "bad refusal (exit " + e.exitCode() + "): " + m), e);
                }
            } catch (AssertionError e) {
                throw new AssertionError(failure(i, how, text, e.getMessage()), e);
            } catch (Throwable e) {
                throw new AssertionError(failure(i, how, text, "undocumented throwable " + e), e);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > 2000) {
                fail(failure(i, how, text, "took " + ms + " ms"));
            }
        }
        assertTrue(loaded > inputs / 50, "only " + loaded + " of " + inputs + " inputs read");
    }

    /**
     * Regression, found by the re-write check: a JSON escape of a lone surrogate ({@code "\\ud800"}) in any
     * string was read, but the index then could not be written as UTF-8 again (UnmappableCharacterException).
     */
    @Test
    void loneSurrogateEscapeIsRefusedWithOneLine() throws IOException {
        Path out = tmp.resolve("seed");
        Cli.ok(DatasetCommandTest.dataset("cahn-hilliard", out, "--size", "16", "--frames", "2"));
        String json = Files.readString(out.resolve(DatasetIndex.FILE));
        for (String edit : List.of("\\ud800", "\\udfff", "x\\ud83d", "\\ude00\\ud83d")) {
            Files.writeString(out.resolve(DatasetIndex.FILE), json.replace("\"format\": ",
                "\"k\": {\"a\": [1, \"" + edit + "\"]}, \"format\": "));
            CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
                () -> DatasetIndex.read(out));
            assertEquals(CliException.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("k.a[1] has an unpaired surrogate") && !e.getMessage().contains("\n"),
                e.getMessage());
        }
        // A proper pair (an emoji) is fine.
        Files.writeString(out.resolve(DatasetIndex.FILE), json.replace("\"format\": ",
            "\"k\": \"\\ud83d\\ude00\", \"format\": "));
        check(DatasetIndex.read(out));
    }

    private static String failure(int i, CharSequence how, String text, String what) {
        return "input #" + i + " (" + how + "): " + what + "; index.json: "
            + (text.length() > 3000 ? text.substring(0, 3000) + "..." : text);
    }

    /** A read index must be what {@code learn} relies on. */
    private static void check(DatasetIndex index) {
        assertTrue(index.fields() >= 1 && index.ny() >= 2 && index.nx() >= 2, "sizes");
        assertArrayEquals(new int[] {index.fields(), index.ny(), index.nx()}, index.frameShape());
        assertTrue(index.dx() > 0 && Double.isFinite(index.dx()) && index.dt() > 0 && Double.isFinite(index.dt()),
            "dx and dt positive and finite");
        assertTrue(index.every() >= 1 && !index.frames().isEmpty(), "every and frames");
        for (int f = 1; f < index.frames().size(); f++) {
            long d = index.step(f) - index.step(f - 1);
            assertTrue(d > 0 && (index.step(f) - index.step(0)) % index.every() == 0, "frame steps");
        }
        index.parameters().values().forEach(v -> assertTrue(Double.isFinite(v), "finite parameter"));
        Model m = index.model(); // read promises the model rebuilds
        assertEquals(index.parameters(), m.parameters(), "the model's parameters are the index's");
        for (int f = 0; f < index.fields(); f++) {
            assertEquals(index.fieldNames().get(f), m.fieldName(f));
        }
    }

    private List<String> seeds() throws IOException {
        List<String[]> runs = List.of(
            new String[] {"grain-growth", "--size", "16", "--frames", "3", "--every", "2", "--order-params", "2"},
            new String[] {"nanovoid", "--size", "16", "--frames", "2", "--every", "3"},
            new String[] {"cahn-hilliard", "--size", "16", "--frames", "3", "--every", "1"});
        List<String> seeds = new ArrayList<>();
        for (String[] run : runs) {
            Path out = tmp.resolve("seed-" + run[0]);
            String[] more = java.util.Arrays.copyOfRange(run, 1, run.length);
            Cli.ok(DatasetCommandTest.dataset(run[0], out, more));
            check(DatasetIndex.read(out));
            seeds.add(Files.readString(out.resolve(DatasetIndex.FILE)));
        }
        return seeds;
    }

    private static <T> T pick(SplittableRandom r, T[] options) {
        return options[r.nextInt(options.length)];
    }

    /** Replaces a random match of {@code p} in {@code s} by {@code replacement}; {@code s} if none. */
    private static String replaceRandom(String s, Pattern p, SplittableRandom r, String replacement) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return s;
        }
        int[] at = spans.get(r.nextInt(spans.size()));
        return s.substring(0, at[0]) + replacement + s.substring(at[1]);
    }

    private static String mutate(String s, SplittableRandom r, StringBuilder how) {
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        switch (r.nextInt(10)) {
            case 0, 1 -> {
                String v = pick(r, NUMBERS);
                how.append(" number->").append(v);
                return replaceRandom(s, NUMBER, r, v);
            }
            case 2, 3 -> {
                String v = pick(r, STRINGS);
                how.append(" string->").append(v.length() > 30 ? "long" : v);
                return replaceRandom(s, STRING, r, v);
            }
            case 4 -> {
                String v = pick(r, LITERALS);
                how.append(" literal->").append(v);
                return replaceRandom(s, LITERAL, r, v);
            }
            case 5 -> {
                int k = r.nextInt(lines.size());
                how.append(" delete line ").append(k);
                lines.remove(k);
                return String.join("\n", lines);
            }
            case 6 -> {
                int k = r.nextInt(lines.size());
                int to = r.nextBoolean() ? k : r.nextInt(lines.size() + 1);
                how.append(" duplicate line ").append(k).append(" at ").append(to);
                lines.add(to, lines.get(k));
                return String.join("\n", lines);
            }
            case 7 -> {
                int at = r.nextInt(s.length() + 1);
                how.append(" truncate at ").append(at);
                return s.substring(0, at);
            }
            case 8 -> {
                int depth = 1 + r.nextInt(r.nextBoolean() ? 10 : 5000);
                String v = r.nextBoolean() ? "[".repeat(depth) + "1" + "]".repeat(depth)
                    : "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth);
                how.append(" nest ").append(depth);
                return replaceRandom(s, r.nextBoolean() ? NUMBER : STRING, r, v);
            }
            default -> {
                int at = r.nextInt(s.length() + 1);
                String p = pick(r, PUNCT);
                boolean replace = at < s.length() && r.nextBoolean();
                how.append(replace ? " replace char " : " insert ").append(at);
                return s.substring(0, at) + p + s.substring(replace ? at + 1 : at);
            }
        }
    }
}
