package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Fixtures in src/test/resources/npy come from make_fixtures.py there; the expected values are repeated here. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NpyTest {

    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        URL url = NpyTest.class.getResource("/npy/" + name);
        assertNotNull(url, "missing fixture " + name + "; run make_fixtures.py");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertBitsEqual(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail("element " + i + ": expected " + Long.toHexString(Double.doubleToRawLongBits(expected[i]))
                    + " (" + expected[i] + ") but was " + Long.toHexString(Double.doubleToRawLongBits(actual[i]))
                    + " (" + actual[i] + ")");
            }
        }
    }

    /** Reads {@code file}, expects a refusal naming the file and containing {@code phrase}, on one line. */
    private static NpyFormatException assertRefused(Path file, String phrase) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        String msg = e.getMessage();
        assertTrue(msg.contains(file.getFileName().toString()), "names the file: " + msg);
        assertTrue(msg.contains(phrase), "expected '" + phrase + "' in: " + msg);
        assertFalse(msg.contains("\n") || msg.contains("\r"), "one line: " + msg);
        return e;
    }

    /** A .npy file with the given version and raw header text (no padding added) followed by {@code data}. */
    private static byte[] npyBytes(int major, String header, byte[] data) {
        byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefixLen = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefixLen + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    private static byte[] doubles(double[] values, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(order);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static double[] ramp(int n, double step, double offset) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * step + offset;
        }
        return v;
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private List<String> tmpListing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- fixtures written by numpy ----

    @Test
    void readsFloat64TwoD() throws IOException {
        NpyArray a = Npy.read(fixture("f8_2d.npy"));
        assertArrayEquals(new int[] {3, 5}, a.shape());
        double[] expected = ramp(15, 0.25, -1.0);
        expected[14] = 1e-300;
        assertBitsEqual(expected, a.data());
        assertEquals(2, a.rank());
        assertEquals(15, a.size());
    }

    @Test
    void readsFloat64ThreeD() throws IOException {
        NpyArray a = Npy.read(fixture("f8_3d.npy"));
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        assertBitsEqual(ramp(24, 0.5, 0.0), a.data());
    }

    @Test
    void readsBigEndian() throws IOException {
        NpyArray a = Npy.read(fixture("f8_be.npy"));
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertBitsEqual(new double[] {1.5, -2.0, 0.1, 1e300}, a.data());
    }

    @Test
    void readsVersion2() throws IOException {
        NpyArray a = Npy.read(fixture("f8_v2.npy"));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertBitsEqual(ramp(6, 1.0, -2.5), a.data());
    }

    @Test
    void readsScalar() throws IOException {
        NpyArray a = Npy.read(fixture("scalar.npy"));
        assertArrayEquals(new int[0], a.shape());
        assertEquals(0, a.rank());
        assertEquals(1, a.size());
        assertBitsEqual(new double[] {2.5}, a.data());
    }

    @Test
    void refusesFloat32() {
        assertRefused(fixture("f4.npy"), "dtype '<f4' is not float64; save the array with arr.astype(numpy.float64)");
    }

    @Test
    void refusesInt64() {
        assertRefused(fixture("i8.npy"), "dtype '<i8' is not float64");
    }

    @Test
    void refusesFortranOrder() {
        assertRefused(fixture("fortran.npy"), "numpy.ascontiguousarray");
    }

    // ---- corrupt files built here ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 6, 7, 8, 9, 10, 64, 127})
    void refusesTruncatedHeader(int length) throws IOException {
        byte[] valid = Files.readAllBytes(fixture("f8_2d.npy"));
        assertEquals(128, valid.length - 15 * 8, "fixture layout: 128-byte header");
        assertRefused(file("cut_" + length + ".npy", Arrays.copyOf(valid, length)), "truncated header");
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 129, 135, 136, 200, 247})
    void refusesTruncatedData(int length) throws IOException {
        byte[] valid = Files.readAllBytes(fixture("f8_2d.npy"));
        assertRefused(file("cut_" + length + ".npy", Arrays.copyOf(valid, length)),
            "truncated: shape (3, 5) needs 120 data bytes but the file has " + (length - 128));
    }

    @Test
    void refusesBadMagic() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("f8_2d.npy"));
        bytes[1] = 'X';
        assertRefused(file("magic1.npy", bytes), "not a .npy file (bad magic");
        bytes = Files.readAllBytes(fixture("f8_2d.npy"));
        bytes[0] = 'N';
        assertRefused(file("magic0.npy", bytes), "bad magic");
        assertRefused(file("text.npy", "hello, world\n".getBytes(StandardCharsets.US_ASCII)), "bad magic");
        assertRefused(file("tiny.npy", new byte[] {'x'}), "bad magic");
    }

    @Test
    void refusesZipArchive() throws IOException {
        assertRefused(file("arrays.npz", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0}), "zip archive");
    }

    @ParameterizedTest
    @ValueSource(strings = {"4.0", "1.1", "0.0", "255.0", "2.5"})
    void refusesUnsupportedVersion(String version) throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("f8_2d.npy"));
        String[] parts = version.split("\\.");
        bytes[6] = (byte) Integer.parseInt(parts[0]);
        bytes[7] = (byte) Integer.parseInt(parts[1]);
        assertRefused(file("version.npy", bytes), "unsupported .npy format version " + version);
    }

    @Test
    void refusesHeaderLengthBeyondFile() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("f8_2d.npy"));
        bytes[8] = (byte) 0xff;
        bytes[9] = (byte) 0xff;
        assertRefused(file("hlen.npy", bytes), "truncated header: it declares 65535 header bytes but only 238 follow");
        byte[] v2 = Files.readAllBytes(fixture("f8_v2.npy"));
        v2[8] = (byte) 0xf0;
        v2[9] = (byte) 0xff;
        v2[10] = (byte) 0xff;
        v2[11] = (byte) 0xff;
        assertRefused(file("hlen2.npy", v2), "truncated header: it declares 4294967280 header bytes");
    }

    @Test
    void refusesHugeHeader() throws IOException {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }" + " ".repeat(2 << 20) + "\n";
        assertRefused(file("bighead.npy", npyBytes(2, header, new byte[0])), "bytes is longer than the 1048576-byte limit");
    }

    @Test
    void refusesTrailingBytes() throws IOException {
        byte[] valid = Files.readAllBytes(fixture("f8_2d.npy"));
        assertRefused(file("trail1.npy", Arrays.copyOf(valid, valid.length + 1)),
            "1 unexpected trailing bytes after the 120 data bytes");
        byte[] garbage = Arrays.copyOf(valid, valid.length + 8);
        Arrays.fill(garbage, valid.length, garbage.length, (byte) 0x5a);
        assertRefused(file("trail8.npy", garbage), "8 unexpected trailing bytes");
    }

    static Stream<Arguments> badHeaders() {
        String ok = "'descr': '<f8', 'fortran_order': False";
        return Stream.of(
            Arguments.of("{" + ok + ", 'shape': (2, 3), ", "malformed header dict at character 58: unexpected end of the header"),
            Arguments.of("{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3)}", "expected ',' or '}' after the value of 'descr'"),
            Arguments.of("{'descr': '<f8', 'fortran_order' False, 'shape': (2, 3)}", "expected ':' after key 'fortran_order'"),
            Arguments.of("{" + ok + "}", "header dict has no 'shape' key"),
            Arguments.of("{'descr': '<f8', 'shape': (2, 3)}", "header dict has no 'fortran_order' key"),
            Arguments.of("{'fortran_order': False, 'shape': (2, 3)}", "header dict has no 'descr' key"),
            Arguments.of("{" + ok + ", 'shape': (2, 3), 'extra': 1}", "header dict has unexpected key 'extra'"),
            Arguments.of("{'descr': '<f8', " + ok + ", 'shape': (2, 3)}", "key 'descr' appears twice"),
            Arguments.of("{'descr': '<f8', 'fortran_order': false, 'shape': (2, 3)}", "unknown name 'false'"),
            Arguments.of("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3)}", "fortran_order is 0, not True or False"),
            Arguments.of("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3)}", "numpy.ascontiguousarray"),
            Arguments.of("{" + ok + ", 'shape': (6)}", "shape (6) is not a tuple"),
            Arguments.of("{" + ok + ", 'shape': [2, 3]}", "shape [2, 3] is not a tuple"),
            Arguments.of("{" + ok + ", 'shape': None}", "shape None is not a tuple"),
            Arguments.of("{" + ok + ", 'shape': (2.5, 3)}", "shape (2.5, 3) has a non-integer dimension"),
            Arguments.of("{" + ok + ", 'shape': (2, 3e0)}", "non-integer dimension"),
            Arguments.of("{" + ok + ", 'shape': ('2', 3)}", "non-integer dimension"),
            Arguments.of("{" + ok + ", 'shape': (0x2, 3)}", "non-integer dimension"),
            Arguments.of("{" + ok + ", 'shape': ((2,), 3)}", "non-integer dimension"),
            Arguments.of("{" + ok + ", 'shape': (2, -3)}", "shape (2, -3) has a negative dimension"),
            Arguments.of("{" + ok + ", 'shape': (2, 3)} x", "unexpected text after the closing '}'"),
            Arguments.of("{" + ok + ", 'shape': (2, 3)}}", "unexpected text after the closing '}'"),
            Arguments.of("{" + ok + ", 'shape': (2, 3)}\u00e9", "unexpected text after the closing '}' (header: {"),
            Arguments.of("{" + ok + ", 'shape': (2,, 3)}", "unexpected character ','"),
            Arguments.of("{" + ok + ", 'shape': (,)}", "unexpected character ','"),
            Arguments.of("{" + ok + ", 'shape': (2 3)}", "expected ',' or ')'"),
            Arguments.of("{'descr': '<f8", "unterminated string"),
            Arguments.of("{'descr': '<f8\n', 'fortran_order': False, 'shape': (2, 3)}", "unterminated string"),
            Arguments.of("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)", "expected '{' at the start"),
            Arguments.of("", "expected '{' at the start"),
            Arguments.of("   \n", "expected '{' at the start"),
            Arguments.of("{descr: '<f8', 'fortran_order': False, 'shape': (2, 3)}", "expected a quoted key"),
            Arguments.of("{'descr': " + "(".repeat(5000), "nested more than 32 deep"),
            Arguments.of("{'descr': <f8, 'fortran_order': False, 'shape': (2, 3)}", "unexpected character '<'"),
            Arguments.of("{'descr': [('a', '<f8'), ('b', '<f8')], 'fortran_order': False, 'shape': (2, 3)}",
                "dtype [('a', '<f8'), ('b', '<f8')] is a structured dtype, not float64"),
            Arguments.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "dtype '<f4' is not float64"),
            Arguments.of("{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3)}", "dtype '<c16' is not float64"),
            Arguments.of("{'descr': '<F8', 'fortran_order': False, 'shape': (2, 3)}", "dtype '<F8' is not float64"),
            Arguments.of("{'descr': 'O', 'fortran_order': False, 'shape': (2, 3)}", "dtype 'O' is not float64"),
            Arguments.of("{'descr': '<\u00e98', 'fortran_order': False, 'shape': (2, 3)}", "dtype '<\\xe98' is not float64"));
    }

    @ParameterizedTest
    @MethodSource("badHeaders")
    void refusesBadHeader(String header, String phrase) throws IOException {
        byte[] data = doubles(ramp(6, 1, 0), ByteOrder.LITTLE_ENDIAN);
        assertRefused(file("bad_header.npy", npyBytes(1, header, data)), phrase);
    }

    @Test
    void refusesInvalidUtf8InVersion3Header() throws IOException {
        byte[] bytes = npyBytes(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", new byte[8]);
        bytes[13] = (byte) 0xff;
        assertRefused(file("utf8.npy", bytes), "not valid UTF-8");
    }

    static Stream<Arguments> hugeShapes() {
        return Stream.of(
            Arguments.of("(100000, 100000, 100000)", "has more than 2147483639 elements"),
            Arguments.of("(2147483647,)", "has more than 2147483639 elements"),
            Arguments.of("(2147483640,)", "has more than 2147483639 elements"),
            Arguments.of("(46341, 46341)", "has more than 2147483639 elements"),
            Arguments.of("(4294967296, 4294967296)", "has more than 2147483639 elements"),
            Arguments.of("(99999999999999999999999999999999,)", "has more than 2147483639 elements"),
            // Zero elements, but the dimensions do not fit the int[] of a shape.
            Arguments.of("(3037000500, 3037000500, 0)", "has a dimension larger than 2147483647"),
            // Fits a Java array but not this 48-byte file: must be refused before the array is allocated.
            Arguments.of("(2147483639,)", "truncated: shape (2147483639,) needs 17179869112 data bytes but the file has 48"),
            Arguments.of("(268435455,)", "needs 2147483640 data bytes but the file has 48"),
            Arguments.of("(1000, 1000, 1000)", "needs 8000000000 data bytes"));
    }

    @ParameterizedTest
    @MethodSource("hugeShapes")
    void refusesHugeShapeWithoutAllocating(String shape, String phrase) throws IOException {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        byte[] data = doubles(ramp(6, 1, 0), ByteOrder.LITTLE_ENDIAN);
        assertRefused(file("huge.npy", npyBytes(1, header, data)), phrase);
    }

    // ---- header spellings that must be accepted ----

    static Stream<String> goodHeaders() {
        return Stream.of(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(60) + "\n",
            "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}",
            "{'shape': (2,3),'fortran_order':False,'descr':'<f8'}",
            "  { 'descr' : '<f8' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , 3 , ) , }\r\n",
            "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3)}",
            "{'descr': '=f8', 'fortran_order': False, 'shape': (2, 3)}",
            "{'descr': 'd', 'fortran_order': False, 'shape': (2, 3)}",
            "{'descr': 'float64', 'fortran_order': False, 'shape': (2, 3)}",
            "{'descr': '<d', 'fortran_order': False, 'shape': (2, 3)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, +3)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 0003)}");
    }

    @ParameterizedTest
    @MethodSource("goodHeaders")
    void acceptsHeaderSpellings(String header) throws IOException {
        ByteOrder order = header.contains(">f8") ? ByteOrder.BIG_ENDIAN
            : header.contains("<") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
        double[] values = ramp(6, -0.75, 2);
        for (int major = 1; major <= 3; major++) {
            NpyArray a = Npy.read(file("good" + major + ".npy", npyBytes(major, header, doubles(values, order))));
            assertArrayEquals(new int[] {2, 3}, a.shape());
            assertBitsEqual(values, a.data());
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
            Arguments.of("()", new int[0]),
            Arguments.of("(5,)", new int[] {5}),
            Arguments.of("(5, )", new int[] {5}),
            Arguments.of("(2, 3, 4)", new int[] {2, 3, 4}),
            Arguments.of("(2,3,4,)", new int[] {2, 3, 4}),
            Arguments.of("(0,)", new int[] {0}),
            Arguments.of("(3, 0, 2)", new int[] {3, 0, 2}),
            Arguments.of("(2147483639, 0)", new int[] {2147483639, 0}),
            Arguments.of("(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)", new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void acceptsShapes(String literal, int[] shape) throws IOException {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] values = ramp((int) n, 1.5, -1);
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + literal + ", }";
        NpyArray a = Npy.read(file("shape.npy", npyBytes(1, header, doubles(values, ByteOrder.LITTLE_ENDIAN))));
        assertArrayEquals(shape, a.shape());
        assertBitsEqual(values, a.data());
    }

    // ---- writing ----

    private static double[] specials() {
        return new double[] {
            0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_1234L),
            Double.longBitsToDouble(0xfff8_0000_0000_0000L), Double.longBitsToDouble(0x7ff0_0000_0000_0001L),
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE,
            Double.longBitsToDouble(0x000f_ffff_ffff_ffffL), Double.MIN_NORMAL, 1e308, -1e308,
            Double.MAX_VALUE, 1e-300, Math.PI, -1.0 / 3};
    }

    @Test
    void roundTripKeepsEveryBit() throws IOException {
        double[] values = specials();
        Path out = tmp.resolve("specials.npy");
        Npy.write(out, new int[] {3, 6}, values);
        NpyArray a = Npy.read(out);
        assertArrayEquals(new int[] {3, 6}, a.shape());
        assertBitsEqual(values, a.data());
        assertEquals(List.of("specials.npy"), tmpListing(), "no temp file left behind");
    }

    @Test
    void roundTripLargeArrayAcrossChunks() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        double[] values = new double[3 * 317 * 331];
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.longBitsToDouble(rnd.nextLong());
        }
        Path out = tmp.resolve("big.npy");
        Npy.write(out, new NpyArray(new int[] {3, 317, 331}, values));
        assertBitsEqual(values, Npy.read(out).data());

        String header = "{'descr': '>f8', 'fortran_order': False, 'shape': (3, 317, 331), }";
        Path be = file("big_be.npy", npyBytes(1, header, doubles(values, ByteOrder.BIG_ENDIAN)));
        assertBitsEqual(values, Npy.read(be).data());
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void writtenHeaderIsNumpyStyleAndAligned(String literal, int[] shape) throws IOException {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        Path out = tmp.resolve("layout.npy");
        Npy.write(out, shape, ramp((int) n, 1, 0));
        byte[] bytes = Files.readAllBytes(out);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(bytes, 8));
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        int dataOffset = 10 + headerLen;
        assertEquals(0, dataOffset % 64, "data offset " + dataOffset);
        assertEquals(dataOffset + 8 * n, bytes.length);
        String header = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + Npy.shapeString(shape) + ", }";
        assertTrue(header.startsWith(dict), header);
        assertTrue(header.endsWith("\n"), "ends with a newline");
        assertTrue(header.substring(dict.length(), headerLen - 1).isBlank(), "padded with spaces");
        assertTrue(header.substring(dict.length(), headerLen - 1).chars().allMatch(c -> c == ' '));
    }

    @Test
    void hugeHeaderSwitchesToVersion2() throws IOException {
        int[] shape = new int[30000];
        Arrays.fill(shape, 1);
        Path out = tmp.resolve("rank30000.npy");
        Npy.write(out, shape, new double[] {-0.5});
        byte[] bytes = Files.readAllBytes(out);
        assertEquals(2, bytes[6], "major version");
        long headerLen = ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertTrue(headerLen > 0xffff);
        assertEquals(0, (12 + headerLen) % 64);
        NpyArray a = Npy.read(out);
        assertArrayEquals(shape, a.shape());
        assertBitsEqual(new double[] {-0.5}, a.data());
    }

    @Test
    void writeOverwritesExistingFile() throws IOException {
        Path out = tmp.resolve("state.npy");
        Npy.write(out, new int[] {2}, new double[] {1, 2});
        Npy.write(out, new int[] {1, 3}, new double[] {7, 8, 9});
        NpyArray a = Npy.read(out);
        assertArrayEquals(new int[] {1, 3}, a.shape());
        assertBitsEqual(new double[] {7, 8, 9}, a.data());
        assertEquals(List.of("state.npy"), tmpListing());
    }

    @Test
    void writeRefusesMismatchedShapeAndKeepsOldFile() throws IOException {
        Path out = tmp.resolve("state.npy");
        Npy.write(out, new int[] {2}, new double[] {1, 2});
        byte[] before = Files.readAllBytes(out);
        assertThrows(IllegalArgumentException.class, () -> Npy.write(out, new int[] {2, 2}, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(out, new int[] {-1, -3}, new double[3]));
        assertArrayEquals(before, Files.readAllBytes(out));
        assertEquals(List.of("state.npy"), tmpListing());
    }

    @Test
    void failedWriteWhenParentIsAFileLeavesNothingBehind() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "not a directory");
        assertThrows(IOException.class, () -> Npy.write(blocker.resolve("out.npy"), new int[] {1}, new double[] {1}));
        assertEquals("not a directory", Files.readString(blocker));
        assertEquals(List.of("blocker"), tmpListing());
    }

    @Test
    void failedMoveDeletesTempFile() throws IOException {
        // The temp file is written completely, then the move fails because the target is a non-empty directory.
        Path target = Files.createDirectory(tmp.resolve("out.npy"));
        Files.writeString(target.resolve("keep.txt"), "kept");
        assertThrows(IOException.class, () -> Npy.write(target, new int[] {2}, new double[] {1, 2}));
        assertEquals("kept", Files.readString(target.resolve("keep.txt")));
        assertEquals(List.of("out.npy"), tmpListing(), "temp file deleted");
    }

    @Test
    void failedWriteInUnwritableDirectoryKeepsOldFile() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Path out = dir.resolve("state.npy");
        Npy.write(out, new int[] {2}, new double[] {1, 2});
        byte[] before = Files.readAllBytes(out);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            boolean enforced;
            try {
                Files.delete(Files.createFile(dir.resolve("probe")));
                enforced = false;
            } catch (IOException e) {
                enforced = true;
            }
            assumeTrue(enforced, "directory permissions are not enforced for this user (root?)");
            assertThrows(IOException.class, () -> Npy.write(out, new int[] {3}, new double[] {4, 5, 6}));
            assertArrayEquals(before, Files.readAllBytes(out));
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(List.of(out), s.toList());
            }
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    // ---- numpy reads what we write ----

    private static boolean pythonHasNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void numpyReadsOurOutput() throws IOException, InterruptedException {
        assumeTrue(pythonHasNumpy(), "python3 with numpy is not available");
        double[] ramp = ramp(24, 0.25, -3);
        Path a = tmp.resolve("ramp.npy");
        Npy.write(a, new int[] {2, 3, 4}, ramp);
        double[] specials = specials();
        Path b = tmp.resolve("specials.npy");
        Npy.write(b, new int[] {specials.length}, specials);
        Path c = tmp.resolve("scalar.npy");
        Npy.write(c, new int[0], new double[] {-2.5});

        String script = String.join("\n",
            "import sys, numpy as np",
            "for f in sys.argv[1:]:",
            "    a = np.load(f)",
            "    with np.errstate(all='ignore'):",
            "        total = float(a.sum())",
            "    print(a.dtype.str, a.shape, repr(total), a.astype('<f8').tobytes().hex())");
        Process p = new ProcessBuilder("python3", "-c", script, a.toString(), b.toString(), c.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python finished");
        assertEquals(0, p.exitValue(), out);

        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        double rampSum = 0;
        for (double v : ramp) {
            rampSum += v;
        }
        List<String> expected = new ArrayList<>();
        expected.add("<f8 (2, 3, 4) " + rampSum + " " + HexFormat.of().formatHex(doubles(ramp, ByteOrder.LITTLE_ENDIAN)));
        expected.add("<f8 (" + specials.length + ",) nan " + HexFormat.of().formatHex(doubles(specials, ByteOrder.LITTLE_ENDIAN)));
        expected.add("<f8 () -2.5 " + HexFormat.of().formatHex(doubles(new double[] {-2.5}, ByteOrder.LITTLE_ENDIAN)));
        assertEquals(expected, lines);
    }

    // ---- NpyArray and shapeString ----

    @Test
    void npyArrayChecksShape() {
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[] {2, 3}, new double[5]));
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[] {2, 3}, new double[7]));
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[] {-2, -3}, new double[6]));
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[] {65536, 65536, 2}, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> new NpyArray(new int[0], new double[0]));
        assertThrows(NullPointerException.class, () -> new NpyArray(null, new double[0]));
        NpyArray empty = new NpyArray(new int[] {65536, 65536, 0}, new double[0]);
        assertEquals(0, empty.size());
        assertEquals(3, empty.rank());
        NpyArray scalar = new NpyArray(new int[0], new double[] {1});
        assertEquals(1, scalar.size());
        assertEquals(0, scalar.rank());
        assertEquals(new NpyArray(new int[] {2}, new double[] {Double.NaN, 1}),
            new NpyArray(new int[] {2}, new double[] {Double.NaN, 1}));
        assertEquals("NpyArray[shape=(2,)]", new NpyArray(new int[] {2}, new double[2]).toString());
    }

    @Test
    void shapeStringIsNumpyStyle() {
        assertEquals("()", Npy.shapeString(new int[0]));
        assertEquals("(5,)", Npy.shapeString(new int[] {5}));
        assertEquals("(3, 128, 128)", Npy.shapeString(new int[] {3, 128, 128}));
    }
}
