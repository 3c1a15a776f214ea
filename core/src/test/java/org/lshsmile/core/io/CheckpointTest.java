package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckpointTest {

    @TempDir
    Path tmp;

    private static final double[] SPECIAL = {
        -0.0, 0.0, Double.NaN, Double.longBitsToDouble(0xfff0_0000_dead_beefL), Double.MIN_VALUE,
        Double.MIN_NORMAL / 7, -Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Math.PI,
    };

    private static Map<String, String> meta() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "grain-growth");
        m.put("dt", "0.005");
        m.put("dx", "0.5");
        m.put("bc", "periodic");
        m.put("kernels", "simd");
        m.put("params", "L=1 kappa=2,m=1; é ✓");
        m.put("empty", "");
        return m;
    }

    private static Checkpoint sample(long step, int fields, int ny, int nx, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[fields * ny * nx];
        for (int i = 0; i < d.length; i++) {
            d[i] = i < SPECIAL.length ? SPECIAL[i] : r.nextDouble(-1, 1);
        }
        return new Checkpoint(meta(), step, fields, ny, nx, d);
    }

    private static void assertBitsEqual(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail("element " + i + ": expected " + Long.toHexString(Double.doubleToRawLongBits(expected[i]))
                    + " but was " + Long.toHexString(Double.doubleToRawLongBits(actual[i])));
            }
        }
    }

    private static void assertSame(Checkpoint expected, Checkpoint actual) {
        assertEquals(expected.meta(), actual.meta());
        assertEquals(expected.step(), actual.step());
        assertEquals(expected.fields(), actual.fields());
        assertEquals(expected.ny(), actual.ny());
        assertEquals(expected.nx(), actual.nx());
        assertBitsEqual(expected.data(), actual.data());
    }

    private List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A file in the checkpoint layout with any header and data, and a correct checksum and trailer. */
    private static byte[] rawFile(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return rawFile(h, h.length, data);
    }

    private static byte[] rawFile(byte[] header, long declaredHeaderLength, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + header.length + data.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put("LSHCKPT1".getBytes(StandardCharsets.US_ASCII)).putInt((int) declaredHeaderLength).put(header).put(data);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue()).put("END!".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private CheckpointFormatException refused(byte[] content) throws IOException {
        Path f = tmp.resolve("bad.ckpt");
        Files.write(f, content);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().contains("; "), "problem; fix: " + e.getMessage());
        return e;
    }

    // ---- round trip and format ----

    @Test
    void roundTripIsBitwiseAndKeepsMeta() throws IOException {
        Checkpoint c = sample(1200, 3, 5, 7, 1);
        Path f = tmp.resolve(Checkpoint.fileName("ckpt_", 1200));
        Checkpoint.write(f, c);
        assertSame(c, Checkpoint.read(f));
        assertEquals(List.of("ckpt_0000001200.ckpt"), listing(tmp), "no temp files left");
    }

    @Test
    void roundTripOfLargeStateSpanningManyChunks() throws IOException {
        Checkpoint c = sample(Long.MAX_VALUE, 2, 300, 500, 2);
        Path f = tmp.resolve("big.ckpt");
        Checkpoint.write(f, c);
        assertSame(c, Checkpoint.read(f));
        Checkpoint empty = new Checkpoint(Map.of(), 0, 1, 1, 1, new double[] {-0.0});
        Checkpoint.write(f, empty);
        assertSame(empty, Checkpoint.read(f));
    }

    @Test
    void layoutIsAsDocumented() throws IOException {
        Checkpoint c = new Checkpoint(Map.of("model", "ch", "dt", "0.1"), 42, 1, 1, 2, new double[] {1.5, -2});
        Path f = tmp.resolve("layout.ckpt");
        Checkpoint.write(f, c);
        String header = "dt=0.1\nfields=1\nmodel=ch\nnx=2\nny=1\nstep=42\n";
        byte[] data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2).array();
        assertArrayEquals(rawFile(header, data), Files.readAllBytes(f));
    }

    @Test
    void metaIsSortedAndUnmodifiable() {
        Checkpoint c = sample(1, 1, 2, 2, 3);
        assertEquals(List.of("bc", "dt", "dx", "empty", "kernels", "model", "params"), List.copyOf(c.meta().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.meta().put("x", "y"));
    }

    @Test
    void invalidRecordsAreRefused() {
        double[] d = new double[4];
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("a=b", "v"), 0, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("a\nb", "v"), 0, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("", "v"), 0, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("a", "v\n"), 0, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("a", "\udc00"), 0, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("step", "3"), 0, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("nx", "3"), 0, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of(), -1, 1, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of(), 0, 0, 2, 2, d));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of(), 0, 1, 2, 3, d));
        assertThrows(IllegalArgumentException.class,
            () -> new Checkpoint(Map.of(), 0, Integer.MAX_VALUE, Integer.MAX_VALUE, 4, d));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("a", null);
        assertThrows(NullPointerException.class, () -> new Checkpoint(withNull, 0, 1, 2, 2, d));
        assertThrows(NullPointerException.class, () -> new Checkpoint(Map.of(), 0, 1, 2, 2, null));
        // '=' is fine in values.
        assertEquals("a=b", new Checkpoint(Map.of("k", "a=b"), 0, 1, 2, 2, d).meta().get("k"));
    }

    @Test
    void fileNameHasTenDigits() {
        assertEquals("ckpt_0000001200.ckpt", Checkpoint.fileName("ckpt_", 1200));
        assertEquals("0000000000.ckpt", Checkpoint.fileName("", 0));
        assertEquals("run-12345678901.ckpt", Checkpoint.fileName("run-", 12_345_678_901L));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.fileName("ckpt_", -1));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.fileName("a/b", 1));
    }

    // ---- corruption ----

    @Test
    void everySingleByteChangeIsDetected() throws IOException {
        Path f = tmp.resolve("good.ckpt");
        Checkpoint.write(f, sample(7, 2, 3, 4, 4));
        byte[] good = Files.readAllBytes(f);
        int checked = 0;
        for (int i = 0; i < good.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) mask;
                refused(bad);
                checked++;
            }
        }
        assertEquals(3 * good.length, checked);
    }

    @Test
    void dataFlipReportsChecksumMismatch() throws IOException {
        Path f = tmp.resolve("good.ckpt");
        Checkpoint.write(f, sample(7, 2, 3, 4, 4));
        byte[] bad = Files.readAllBytes(f);
        bad[bad.length - 20] ^= 0x10;
        assertTrue(refused(bad).getMessage().endsWith(
            "the file is truncated or corrupt (checksum mismatch); resume from an earlier checkpoint"));
        // A flip in a size value is reported as a checksum problem too, not as a bogus size.
        byte[] badHeader = Files.readAllBytes(f);
        int at = new String(badHeader, StandardCharsets.ISO_8859_1).indexOf("nx=4") + 3;
        badHeader[at] = '5';
        assertTrue(refused(badHeader).getMessage().contains("checksum mismatch"));
    }

    @Test
    void everyTruncationAndAppendIsDetected() throws IOException {
        Path f = tmp.resolve("good.ckpt");
        Checkpoint.write(f, sample(7, 2, 3, 4, 5));
        byte[] good = Files.readAllBytes(f);
        for (int len = 0; len < good.length; len++) {
            refused(Arrays.copyOf(good, len));
        }
        refused(Arrays.copyOf(good, good.length + 1));
        byte[] twice = Arrays.copyOf(good, 2 * good.length);
        System.arraycopy(good, 0, twice, good.length, good.length);
        refused(twice);
    }

    @Test
    void badMagicIsNamed() throws IOException {
        byte[] content = rawFile("fields=1\nnx=1\nny=1\nstep=0\n", new byte[8]);
        content[3] = 'x';
        assertTrue(refused(content).getMessage().contains("bad magic"));
        assertTrue(refused("\u0093NUMPY\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1)).getMessage()
            .contains("bad magic"));
        assertTrue(refused("LSHCK".getBytes(StandardCharsets.US_ASCII)).getMessage().contains("truncated"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "fields=1\nnx=1\nny=1\n",
        "fields=1\nnx=1\nstep=0\n",
        "fields=1\nnx=1\nny=1\nstep=0",
        "fields=1\nnx=1\nny=1\nstep=0\nstep=0\n",
        "fields=1\nnx=1\nny=1\nstep=0\nnoequals\n",
        "fields=1\nnx=1\nny=1\nstep=0\n=v\n",
        "fields=1\nnx=1\nny=1\nstep=0\n\n",
        "fields=one\nnx=1\nny=1\nstep=0\n",
        "fields=1\nnx=1\nny=1\nstep=-1\n",
        "fields=-1\nnx=-1\nny=1\nstep=0\n",
        "fields=+1\nnx=1\nny=1\nstep=0\n",
        "fields= 1\nnx=1\nny=1\nstep=0\n",
        "fields=0\nnx=1\nny=1\nstep=0\n",
        "fields=1\nnx=1\nny=1\nstep=99999999999999999999\n",
        "fields=1\nnx=1\nny=1\nstep=9223372036854775808\n",
        "fields=1\nnx=2147483648\nny=1\nstep=0\n",
        "fields=2147483647\nnx=2147483647\nny=2147483647\nstep=0\n",
        "fields=1\nnx=2147483647\nny=2\nstep=0\n",
        "fields=4096\nnx=1048576\nny=1048576\nstep=0\n",
        "fields=1\nnx=46341\nny=46341\nstep=0\n",
        "fields=1\nnx=1\nny=2\nstep=0\n",
        "fields=1\nnx=1\nny=1\nstep=1.5\n",
    })
    void malformedHeadersWithValidChecksumAreRefused(String header) throws IOException {
        // The data is one double, so any header declaring other sizes disagrees with the file length.
        refused(rawFile(header, new byte[8]));
    }

    @Test
    void hugeDeclaredSizesDoNotAllocate() throws IOException {
        // 2^31-9 elements would be 16 GiB: refused by the length check long before any array exists.
        String header = "fields=1\nnx=" + (Integer.MAX_VALUE - 8) + "\nny=1\nstep=0\n";
        assertTrue(refused(rawFile(header, new byte[64])).getMessage().contains("need a file of"));
        // A header length field of 4 GiB in a tiny file.
        byte[] h = "fields=1\nnx=1\nny=1\nstep=0\n".getBytes(StandardCharsets.UTF_8);
        assertTrue(refused(rawFile(h, 0xffff_ffffL, new byte[8])).getMessage().contains("truncated"));
        assertTrue(refused(rawFile(h, 0x7fff_ffffL, new byte[8])).getMessage().contains("truncated"));
    }

    @Test
    void validRawFileIsAccepted() throws IOException {
        // Sanity check for the helper the refusal tests rely on; also: unknown order and leading zeros are fine.
        Path f = tmp.resolve("raw.ckpt");
        byte[] d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(-0.0).array();
        Files.write(f, rawFile("step=05\nzeta=a=b\nnx=1\nny=1\nfields=1\n", d));
        Checkpoint c = Checkpoint.read(f);
        assertEquals(5, c.step());
        assertEquals(Map.of("zeta", "a=b"), c.meta());
        assertBitsEqual(new double[] {-0.0}, c.data());
    }

    @Test
    void nonUtf8HeaderIsRefused() throws IOException {
        byte[] h = "fields=1\nnx=1\nny=1\nstep=0\nk=\u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(refused(rawFile(h, h.length, new byte[8])).getMessage().contains("UTF-8"));
    }

    // ---- latestValid ----

    @Test
    void latestValidSkipsCorruptPartialAndTempFiles() throws IOException {
        for (long step : new long[] {100, 200, 300, 400}) {
            Checkpoint.write(tmp.resolve(Checkpoint.fileName("ckpt_", step)), sample(step, 1, 3, 3, step));
        }
        Path p300 = tmp.resolve(Checkpoint.fileName("ckpt_", 300));
        byte[] b = Files.readAllBytes(p300);
        b[b.length / 2] ^= 0x04;
        Files.write(p300, b);
        Path p400 = tmp.resolve(Checkpoint.fileName("ckpt_", 400));
        byte[] whole = Files.readAllBytes(p400);
        Files.write(p400, Arrays.copyOf(whole, whole.length - 9));
        // Leftovers of interrupted writes (ours and a naive writer's), other prefixes, a misnamed file.
        Files.write(tmp.resolve("." + Checkpoint.fileName("ckpt_", 500) + ".k3j2.tmp"), whole);
        Files.write(tmp.resolve(Checkpoint.fileName("ckpt_", 600) + ".tmp"), whole);
        Checkpoint.write(tmp.resolve(Checkpoint.fileName("other_", 700)), sample(700, 1, 1, 1, 7));
        // Complete and uncorrupted, but its header says step 400: not what its name promises.
        Files.write(tmp.resolve(Checkpoint.fileName("ckpt_", 800)), whole);
        Files.write(tmp.resolve("ckpt_99999999999999999999999.ckpt"), whole);
        Files.createDirectory(tmp.resolve(Checkpoint.fileName("ckpt_", 900)));

        assertEquals(Optional.of(tmp.resolve(Checkpoint.fileName("ckpt_", 200))), Checkpoint.latestValid(tmp, "ckpt_"));
        assertEquals(Optional.of(tmp.resolve(Checkpoint.fileName("other_", 700))),
            Checkpoint.latestValid(tmp, "other_"));
    }

    @Test
    void latestValidPrefersHigherStepsByValueNotByName() throws IOException {
        Checkpoint.write(tmp.resolve(Checkpoint.fileName("c", 9_999_999_999L)), sample(9_999_999_999L, 1, 1, 1, 1));
        Checkpoint.write(tmp.resolve(Checkpoint.fileName("c", 10_000_000_000L)), sample(10_000_000_000L, 1, 1, 1, 1));
        assertEquals(Optional.of(tmp.resolve("c10000000000.ckpt")), Checkpoint.latestValid(tmp, "c"));
    }

    @Test
    void latestValidIsEmptyWithoutGoodCheckpoints() throws IOException {
        assertEquals(Optional.empty(), Checkpoint.latestValid(tmp, "ckpt_"));
        assertEquals(Optional.empty(), Checkpoint.latestValid(tmp.resolve("missing"), "ckpt_"));
        Files.write(tmp.resolve(Checkpoint.fileName("ckpt_", 1)), new byte[] {1, 2, 3});
        Files.write(tmp.resolve("." + Checkpoint.fileName("ckpt_", 2) + ".x.tmp"), new byte[0]);
        assertEquals(Optional.empty(), Checkpoint.latestValid(tmp, "ckpt_"));
        Path notDir = Files.writeString(tmp.resolve("file"), "x");
        assertThrows(IOException.class, () -> Checkpoint.latestValid(notDir, "ckpt_"));
    }

    // ---- failed writes ----

    @Test
    void failedWritesKeepThePreviousFileAndLeaveNoTempFiles() throws IOException {
        Path f = tmp.resolve(Checkpoint.fileName("ckpt_", 10));
        Checkpoint.write(f, sample(10, 1, 2, 2, 1));
        byte[] before = Files.readAllBytes(f);
        assertThrows(IOException.class,
            () -> Checkpoint.write(tmp.resolve("missing").resolve(f.getFileName()), sample(20, 1, 2, 2, 2)));
        // The temp file is written completely, then the move fails: the target is a non-empty directory.
        Path dirTarget = Files.createDirectory(tmp.resolve(Checkpoint.fileName("ckpt_", 30)));
        Files.writeString(dirTarget.resolve("keep.txt"), "kept");
        assertThrows(IOException.class, () -> Checkpoint.write(dirTarget, sample(30, 1, 2, 2, 3)));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(f.getFileName().toString(), dirTarget.getFileName().toString()), listing(tmp));
        assertEquals(Optional.of(f), Checkpoint.latestValid(tmp, "ckpt_"));
    }

    @Test
    void failedWriteInUnwritableDirectoryKeepsOldFile() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Path f = dir.resolve("state.ckpt");
        Checkpoint.write(f, sample(1, 1, 2, 2, 1));
        byte[] before = Files.readAllBytes(f);
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
            assertThrows(IOException.class, () -> Checkpoint.write(f, sample(2, 1, 2, 2, 2)));
            assertArrayEquals(before, Files.readAllBytes(f));
            assertEquals(List.of("state.ckpt"), listing(dir));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
