package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of {@link Npy#read}: every input either loads to a self-consistent array or is refused
 * with an {@link NpyFormatException} whose message is one line; no other exception, no hang.
 *
 * <p>Inputs are byte-level mutations of files written by {@link Npy#write} (bit flips, interesting bytes and
 * length words, truncation, chunk deletion, duplication and insertion), and files assembled from header
 * components that are each valid or edited (dtype strings, fortran_order values, shapes with huge, negative,
 * non-integer or nested dimensions, missing, extra and duplicated keys, deep nesting, versions 1.0-3.0 and bad
 * ones, data sections of the right length or not), some of them byte-mutated afterwards. An assembled input
 * whose components are all valid must load, with the declared shape and the exact data bits.
 *
 * <p>{@code -Dlshsmile.fuzz.inputs=N} sets the number of inputs (default 3000, about 1 s); the nightly profile
 * is {@code -Dlshsmile.fuzz.inputs=100000}, which passed in 21-23 s per suite run (of two) on a 2-core machine.
 */
class NpyFuzzTest {

    @TempDir
    Path tmp;

    /** dtype spellings read as float64, with the byte order each means. */
    private static final String[] GOOD_DESCR = {"'<f8'", "'>f8'", "'=f8'", "'f8'", "'d'", "'<d'", "'>d'",
        "'float64'", "\"<f8\""};
    private static final String[] BAD_DESCR = {"'<f4'", "'<i8'", "'|b1'", "'O'", "''", "'<f8 '", "'<F8'",
        "'<f8\u00ff'", "[('a', '<f8')]", "'<f8", "<f8", "None", "True", "3", "('<f8',)", "{'a': 1}", "'\\''",
        "'<f8\\'", "'\u0000'"};
    private static final String[] BAD_FORTRAN = {"True", "0", "1", "None", "'False'", "false", "FALSE", "Falsey",
        "(False,)", "[]"};
    private static final String[] BAD_SHAPE = {"(-1,)", "(2147483647,)", "(2147483639,)", "(2147483640,)",
        "(99999999999999999999,)", "(9223372036854775808,)", "(46341, 46341)", "(1e3,)", "(3.0,)", "(3.,)", "(.5,)", "(0x10,)", "(1_000,)", "(2 3,)", "(,)",
        "((2,),)", "[2, 3]", "2", "(2)", "('2',)", "(None,)", "(True,)", "(--2,)", "(+-2,)", "(2,,)", "(2, 3",
        "(2, 3))", "(-9223372036854775808,)", "(1e999999999,)", "(\u0661,)"};
    /** Unusual spellings of valid shapes, each with the shape it means. */
    private static final String[] ODD_SHAPE = {"(-0,)", "(65536, 65536, 0)", "(0, 2147483647, 2147483647)", "(2147483640, 0)",
        "(00000000000000000000000007,)", "(+3, -0)", "(\n2,\r\n3\t,)"};
    private static final int[][] ODD_SHAPE_MEANS = {{0}, {65536, 65536, 0}, {0, Integer.MAX_VALUE, Integer.MAX_VALUE}, {2147483640, 0},
        {7}, {3, 0}, {2, 3}};
    private static final String[] EXTRA = {"'extra': 1", "'descr': '<f8'", "'shape': (1,)", "'fortran_order': False",
        "'': None", "'k': {'a': [1, (2,), {'b': None}]}", "5: 1", "'k' 1", "'k': ", ": 1"};

    @Test
    void everyMutatedFileLoadsOrIsRefusedWithOneLine() {
        int inputs = FuzzSupport.inputs();
        // Generous: a hang anywhere shows up here even if it never returns to the per-input check.
        assertTimeoutPreemptively(Duration.ofSeconds(60 + inputs / 500), () -> run(inputs));
    }

    private void run(int inputs) throws IOException {
        FuzzSupport.Counts n = FuzzSupport.campaign(inputs, seeds(), tmp.resolve("fuzz.npy"), NpyFuzzTest::assemble,
            null, Npy::read, NpyFormatException.class, NpyFuzzTest::checkLoaded);
        // The generator must exercise both outcomes, or it tests nothing.
        assertTrue(n.loaded() > inputs / 20, "only " + n.loaded() + " of " + inputs + " inputs loaded");
        assertTrue(n.mustLoad() > inputs / 20, "only " + n.mustLoad() + " valid assembled inputs");
    }

    private static void checkLoaded(NpyArray arr, Assembled expect) {
        long product = 1;
        for (int d : arr.shape()) {
            assertTrue(d >= 0, "negative dimension");
            product *= d;
        }
        assertEquals(product, arr.data().length, "shape product vs data length");
        if (expect != null) {
            assertTrue(expect.valid(), () -> "loaded an invalid assembled file: " + expect);
            assertArrayEquals(expect.shape(), arr.shape(), "shape");
            ByteBuffer data = ByteBuffer.wrap(expect.data()).order(expect.order());
            for (int k = 0; k < arr.data().length; k++) {
                assertEquals(data.getLong(), Double.doubleToRawLongBits(arr.data()[k]), "element bits");
            }
        }
    }

    /**
     * Regression, found by the assembled-file oracle: a shape with a 0 and a dimension above 2147483639 (the
     * element limit) holds no elements and numpy saves it, but was refused as having "more than 2147483639
     * elements".
     */
    @Test
    void emptyArrayWithAHugeDimensionLoads() throws IOException {
        for (int[] shape : new int[][] {{0, Integer.MAX_VALUE}, {2147483640, 0}, {0, Integer.MAX_VALUE, 5}}) {
            Path p = tmp.resolve("empty.npy");
            Npy.write(p, shape, new double[0]); // the project's own writer makes it
            NpyArray a = Npy.read(p);
            assertArrayEquals(shape, a.shape());
            assertEquals(0, a.data().length);
        }
    }

    /** Valid files from the project's writer, plus the same headers as versions 2.0 and 3.0. */
    private List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        int[][] shapes = {{}, {0}, {7}, {2, 3, 4}, {1, 1, 1, 1, 1}, {3, 0, 2}};
        for (int[] shape : shapes) {
            int count = 1;
            for (int d : shape) {
                count *= d;
            }
            double[] data = new double[count];
            for (int k = 0; k < count; k++) {
                data[k] = k % 3 == 0 ? Double.NaN : k % 3 == 1 ? -0.0 : k * 1.5e300;
            }
            Path p = tmp.resolve("seed" + seeds.size() + ".npy");
            Npy.write(p, shape, data);
            byte[] v1 = Files.readAllBytes(p);
            seeds.add(v1);
            int headerLen = (v1[8] & 0xff) | (v1[9] & 0xff) << 8;
            for (byte major : new byte[] {2, 3}) {
                ByteBuffer b = ByteBuffer.allocate(v1.length + 2).order(ByteOrder.LITTLE_ENDIAN);
                b.put(v1, 0, 6).put(major).put((byte) 0).putInt(headerLen).put(v1, 10, v1.length - 10);
                seeds.add(b.array());
            }
        }
        return seeds;
    }

    /** A file built from header components; {@code valid} if every component is one the reader must accept. */
    private record Assembled(byte[] bytes, String description, boolean valid, int[] shape, byte[] data,
                             ByteOrder order) implements FuzzSupport.Assembled {
        @Override
        public String toString() {
            return description;
        }
    }

    private static <T> T pick(SplittableRandom r, T[] options) {
        return options[r.nextInt(options.length)];
    }

    private static Assembled assemble(SplittableRandom r) {
        boolean valid = true;
        StringBuilder how = new StringBuilder();
        String descr;
        if (r.nextInt(4) > 0) {
            descr = pick(r, GOOD_DESCR);
        } else {
            descr = pick(r, BAD_DESCR);
            valid = false;
        }
        String fortran = "False";
        if (r.nextInt(6) == 0) {
            fortran = pick(r, BAD_FORTRAN);
            valid = false;
        }
        int[] shape = new int[r.nextInt(5)];
        for (int k = 0; k < shape.length; k++) {
            shape[k] = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(4);
        }
        String shapeText = Npy.shapeString(shape);
        if (r.nextInt(12) == 0) {
            int k = r.nextInt(ODD_SHAPE.length);
            shapeText = ODD_SHAPE[k];
            shape = ODD_SHAPE_MEANS[k];
        } else if (r.nextInt(6) == 0) {
            shapeText = pick(r, BAD_SHAPE);
            valid = false;
        } else if (r.nextInt(8) == 0) {
            // The same shape spelled differently: extra spaces, trailing comma, leading zeros, a '+'.
            StringBuilder sb = new StringBuilder("( ");
            for (int d : shape) {
                sb.append(r.nextBoolean() ? "+" : "").append(r.nextBoolean() ? "00" : "").append(d).append(" ,\t");
            }
            shapeText = sb.append(")").toString();
            if (shape.length == 0) {
                shapeText = "()";
            }
        }
        List<String> entries = new ArrayList<>(List.of("'descr': " + descr, "'fortran_order': " + fortran,
            "'shape': " + shapeText));
        // Key order does not matter to the format.
        for (int k = entries.size() - 1; k > 0; k--) {
            int j = r.nextInt(k + 1);
            entries.set(j, entries.set(k, entries.get(j)));
        }
        int edit = r.nextInt(12);
        if (edit == 0) {
            entries.remove(r.nextInt(entries.size()));
            valid = false;
        } else if (edit == 1) {
            entries.add(r.nextInt(entries.size() + 1), pick(r, EXTRA));
            valid = false;
        } else if (edit == 2) {
            int depth = 20 + r.nextInt(2000);
            String open = r.nextBoolean() ? "(" : r.nextBoolean() ? "[" : "{'a': ";
            entries.add("'deep': " + open.repeat(depth));
            valid = false;
        }
        String dict = "{" + String.join(", ", entries) + (r.nextBoolean() ? ", }" : "}");
        int major = 1;
        int m = r.nextInt(20);
        if (m < 3) {
            major = 2;
        } else if (m < 6) {
            major = 3;
        }
        byte minor = 0;
        if (r.nextInt(25) == 0) {
            major = r.nextInt(256);
            minor = (byte) r.nextInt(2);
            valid &= major >= 1 && major <= 3 && minor == 0;
        }
        byte[] dictBytes = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        if (major != 3 && !dict.equals(new String(dictBytes, StandardCharsets.ISO_8859_1))) {
            valid = false; // a character latin-1 cannot hold became '?'
        }
        int prefixLen = major == 1 ? 10 : 12;
        int headerLen = ((prefixLen + dictBytes.length + 1 + 63) / 64) * 64 - prefixLen;
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        int dataLen = (int) count * 8;
        if (r.nextInt(8) == 0) {
            dataLen = Math.max(0, dataLen + r.nextInt(33) - 16);
            valid &= dataLen == count * 8;
        }
        byte[] data = new byte[dataLen];
        r.nextBytes(data);
        ByteBuffer b = ByteBuffer.allocate(prefixLen + headerLen + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, minor});
        if (prefixLen == 10) {
            b.putShort((short) headerLen);
        } else {
            b.putInt(headerLen);
        }
        b.put(dictBytes);
        while (b.position() < prefixLen + headerLen - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n').put(data);
        how.append("v").append(major).append('.').append(minor).append(' ').append(dict.length() > 200
            ? dict.substring(0, 200) + "..." : dict).append(" + ").append(dataLen).append(" data bytes");
        String d = descr.replaceAll("['\"]", "");
        ByteOrder order = d.startsWith("<") ? ByteOrder.LITTLE_ENDIAN : d.startsWith(">") ? ByteOrder.BIG_ENDIAN
            : ByteOrder.nativeOrder();
        return new Assembled(b.array(), how.toString(), valid, shape, data, order);
    }
}
