package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded byte-level mutation of valid files for the reader fuzz tests ({@link NpyFuzzTest},
 * {@link CheckpointFuzzTest}), and the check every mutated input must pass: it loads, or it is refused with the
 * documented exception and a one-line message.
 *
 * <p>Input {@code i} of a run is derived from {@link #SEED} and {@code i} alone, so a failure names the input
 * number that reproduces it. The number of inputs per reader is the system property {@code lshsmile.fuzz.inputs}
 * (default {@value #DEFAULT_INPUTS}; the nightly profile is {@code -Dlshsmile.fuzz.inputs=100000}).
 */
final class FuzzSupport {

    /** Base seed of every run; input i uses a generator seeded from this and i. */
    static final long SEED = 0x5EED_F022L;
    /** Inputs per reader in the normal suite. */
    static final int DEFAULT_INPUTS = 3000;
    /** A single read of a file of a few kilobytes taking longer than this counts as a hang. */
    static final long MAX_NANOS_PER_INPUT = 2_000_000_000L;

    /** Byte values that tend to hit boundaries: zero, sign bits, all ones, quotes, separators, digits. */
    private static final byte[] INTERESTING = {0, 1, (byte) 0xFF, (byte) 0xFE, 0x7F, (byte) 0x80, '\'', '"', '\n',
        '\r', '\\', ',', ':', '(', ')', '{', '}', '[', ']', '=', '-', '+', '0', '9', ' ', 'e', '.', (byte) 0xC3,
        (byte) 0xED, (byte) 0xF4};
    /** Ints for length fields and overwritten words. */
    private static final int[] INTERESTING_INTS = {0, 1, -1, 2, 7, 8, 63, 64, 118, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF,
        0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0x7FFFFFF7, 1 << 20, (1 << 20) + 1, 1 << 24, (1 << 24) + 1};

    private FuzzSupport() {
    }

    /** The number of inputs per reader for this run. */
    static int inputs() {
        return Integer.getInteger("lshsmile.fuzz.inputs", DEFAULT_INPUTS);
    }

    /** The generator of input {@code i}: independent of every other input, so one input reproduces alone. */
    static SplittableRandom rng(int i) {
        return new SplittableRandom(SEED * 0x9E3779B97F4A7C15L + i);
    }

    /** One random byte-level mutation: bit flip, interesting byte or int, truncation, chunk insert/delete/copy. */
    static byte[] mutateBytes(byte[] in, SplittableRandom r) {
        byte[] b = in.clone();
        int n = b.length;
        switch (r.nextInt(8)) {
            case 0 -> { // bit flip
                if (n > 0) {
                    int at = r.nextInt(n);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // interesting byte
                if (n > 0) {
                    b[r.nextInt(n)] = INTERESTING[r.nextInt(INTERESTING.length)];
                }
            }
            case 2 -> { // random byte
                if (n > 0) {
                    b[r.nextInt(n)] = (byte) r.nextInt(256);
                }
            }
            case 3 -> { // interesting little-endian int, or short
                if (n >= 4) {
                    int v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
                    int width = r.nextBoolean() ? 4 : 2;
                    int at = r.nextInt(n - width + 1);
                    for (int k = 0; k < width; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                }
            }
            case 4 -> b = Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n)); // truncation
            case 5 -> { // delete a chunk
                if (n > 0) {
                    int from = r.nextInt(n);
                    int len = 1 + r.nextInt(Math.min(64, n - from));
                    b = concat(Arrays.copyOfRange(b, 0, from), Arrays.copyOfRange(b, from + len, n));
                }
            }
            case 6 -> { // duplicate a chunk somewhere
                if (n > 0) {
                    int from = r.nextInt(n);
                    int len = 1 + r.nextInt(Math.min(64, n - from));
                    int at = r.nextInt(n + 1);
                    b = concat(Arrays.copyOfRange(b, 0, at), Arrays.copyOfRange(b, from, from + len),
                        Arrays.copyOfRange(b, at, n));
                }
            }
            default -> { // insert random bytes
                int at = r.nextInt(n + 1);
                byte[] ins = new byte[1 + r.nextInt(16)];
                for (int k = 0; k < ins.length; k++) {
                    ins[k] = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
                }
                b = concat(Arrays.copyOfRange(b, 0, at), ins, Arrays.copyOfRange(b, at, n));
            }
        }
        return b;
    }

    /**
     * Replaces the first occurrence of {@code target} in the latin-1 view of {@code b} by {@code replacement};
     * returns {@code b} unchanged if it does not occur.
     */
    static byte[] replaceText(byte[] b, String target, String replacement) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(target);
        if (at < 0) {
            return b;
        }
        return (s.substring(0, at) + replacement + s.substring(at + target.length())).getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        int len = 0;
        for (byte[] p : parts) {
            len += p.length;
        }
        byte[] out = new byte[len];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** An input built from parts, each valid or not: it must load exactly when {@link #valid()}. */
    interface Assembled {
        /** The file's bytes. */
        byte[] bytes();

        /** Which parts were edited, for failure messages. */
        String description();

        /** Whether every part is valid, so that the reader must load the file. */
        boolean valid();
    }

    /** Restores an integrity field (a checksum) after a mutation, so that the mutation reaches the parser. */
    record Repair(String what, java.util.function.Consumer<byte[]> apply) {
    }

    /** Inputs that loaded, and valid assembled inputs, of one {@link #campaign}. */
    record Counts(int loaded, int mustLoad) {
    }

    /**
     * The reader fuzz loop: input {@code i} is, two times in five, 1-4 byte mutations of a random seed file
     * (then, with {@code repair} and a coin flip, repaired), otherwise an assembled file (a quarter of those
     * get one byte mutation, repaired if {@code repair} is given, and are then no longer expected to load).
     * Each goes through {@link #readOne}; a loaded assembled input is also given to {@code check} with its
     * expectation (null for mutated inputs), and a refused valid assembled input fails the test.
     *
     * @param repair null when the format has no integrity field
     */
    static <T, A extends Assembled> Counts campaign(int inputs, List<byte[]> seeds, Path file,
            java.util.function.Function<SplittableRandom, A> assemble, Repair repair, Reader<T> reader,
            Class<? extends IOException> refusal, java.util.function.BiConsumer<T, A> check) throws IOException {
        int loaded = 0;
        int mustLoad = 0;
        for (int i = 0; i < inputs; i++) {
            SplittableRandom r = rng(i);
            byte[] input;
            String how;
            A a = null;
            if (r.nextInt(5) < 2) {
                input = seeds.get(r.nextInt(seeds.size()));
                int n = 1 + r.nextInt(4);
                for (int k = 0; k < n; k++) {
                    input = mutateBytes(input, r);
                }
                how = n + " byte mutations of a seed";
                if (repair != null && r.nextBoolean()) {
                    repair.apply().accept(input);
                    how += ", " + repair.what();
                }
            } else {
                a = assemble.apply(r);
                input = a.bytes();
                how = "assembled " + a.description();
                if (r.nextInt(4) == 0) {
                    input = mutateBytes(input, r);
                    how += " + a byte mutation";
                    if (repair != null) {
                        repair.apply().accept(input);
                        how += ", " + repair.what();
                    }
                    a = null;
                }
            }
            A expect = a;
            if (readOne(file, input, i, how, reader, refusal, (value, bytes) -> check.accept(value, expect))) {
                loaded++;
            } else {
                assertTrue(expect == null || !expect.valid(), () -> "valid assembled file refused: " + expect);
            }
            if (expect != null && expect.valid()) {
                mustLoad++;
            }
        }
        return new Counts(loaded, mustLoad);
    }

    /** What a reader does with a file. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Path file) throws IOException;
    }

    /** Checks a loaded value for self-consistency. */
    @FunctionalInterface
    interface Check<T> {
        void check(T loaded, byte[] input);
    }

    /**
     * Writes {@code input} to {@code file} and reads it: the read must return a value that passes {@code check},
     * or throw {@code refusal} with a non-empty one-line message starting with the file name, within
     * {@link #MAX_NANOS_PER_INPUT}. Anything else fails the test naming input {@code i}.
     *
     * @return whether the input loaded
     */
    static <T> boolean readOne(Path file, byte[] input, int i, String how, Reader<T> reader,
            Class<? extends IOException> refusal, Check<T> check) throws IOException {
        Files.write(file, input);
        long t0 = System.nanoTime();
        boolean loaded;
        try {
            T value = reader.read(file);
            check.check(value, input);
            loaded = true;
        } catch (IOException e) {
            if (!refusal.isInstance(e)) {
                throw failure(i, how, input, "wrong exception type", e);
            }
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0
                    || !m.startsWith(file + ": ")) {
                throw failure(i, how, input, "message not one line '<file>: <problem>; <fix>': " + m, e);
            }
            loaded = false;
        } catch (AssertionError e) {
            throw new AssertionError("input #" + i + " (" + how + "): " + e.getMessage() + "; input: "
                + describe(input), e);
        } catch (Throwable e) {
            throw failure(i, how, input, "undocumented throwable", e);
        }
        long took = System.nanoTime() - t0;
        if (took > MAX_NANOS_PER_INPUT) {
            fail("input #" + i + " (" + how + ") took " + took / 1_000_000 + " ms: " + describe(input));
        }
        return loaded;
    }

    private static AssertionError failure(int i, String how, byte[] input, String what, Throwable e) {
        return new AssertionError("input #" + i + " (" + how + "): " + what + ": " + e + "; input: " + describe(input), e);
    }

    /** Length and the first 160 bytes in hex, enough to rebuild most failing inputs by hand. */
    static String describe(byte[] input) {
        return input.length + " bytes, starting "
            + HexFormat.of().formatHex(input, 0, Math.min(160, input.length));
    }

    /** Asserts the message rules separately, for regression cases. */
    static void assertOneLine(String message) {
        assertTrue(message != null && !message.isBlank(), "non-empty message");
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "one line: " + message);
    }
}
