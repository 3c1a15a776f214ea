package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of {@link Checkpoint#read}: every input either loads to a self-consistent checkpoint
 * or is refused with a {@link CheckpointFormatException} whose message is one line; no other exception, no hang.
 *
 * <p>Inputs are byte-level mutations of files written by {@link Checkpoint#write} (bit flips, interesting bytes
 * and length words, truncation, chunk deletion, duplication and insertion), half of them with the CRC32C trailer
 * recomputed so that the mutation reaches the header parser instead of the checksum; and files assembled from
 * header lines that are each valid or edited (sizes and steps huge, negative, signed, spaced, non-decimal; missing,
 * duplicated, empty and '='-less lines; invalid UTF-8; no final newline), with data of the right length or not, a
 * right or wrong checksum and a right or wrong END! trailer. An assembled input whose parts are all valid must
 * load, with the declared step, sizes, meta and the exact data bits.
 *
 * <p>{@code -Dlshsmile.fuzz.inputs=N} sets the number of inputs (default 3000, about 1 s); the nightly profile
 * is {@code -Dlshsmile.fuzz.inputs=100000}, which passed in 22 s per suite run (of two) on a 2-core machine.
 */
class CheckpointFuzzTest {

    @TempDir
    Path tmp;

    private static final String[] BAD_NUMBER = {"-1", "+1", " 1", "1 ", "", "1e3", "0x10", "1_0", "\u0661", "1.0",
        "9223372036854775808", "99999999999999999999", "18446744073709551616", "-0", "1\r"};
    private static final String[] BAD_LINE = {"", "=", "=1", "noequals", "nx", "fields==1", "\r"};

    @Test
    void everyMutatedFileLoadsOrIsRefusedWithOneLine() {
        int inputs = FuzzSupport.inputs();
        assertTimeoutPreemptively(Duration.ofSeconds(60 + inputs / 500), () -> run(inputs));
    }

    private void run(int inputs) throws IOException {
        FuzzSupport.Counts n = FuzzSupport.campaign(inputs, seeds(), tmp.resolve("fuzz.ckpt"),
            CheckpointFuzzTest::assemble, new FuzzSupport.Repair("CRC recomputed", CheckpointFuzzTest::fixCrc),
            Checkpoint::read, CheckpointFormatException.class, CheckpointFuzzTest::checkLoaded);
        assertTrue(n.loaded() > inputs / 20, "only " + n.loaded() + " of " + inputs + " inputs loaded");
        assertTrue(n.mustLoad() > inputs / 20, "only " + n.mustLoad() + " valid assembled inputs");
    }

    private static void checkLoaded(Checkpoint c, Assembled expect) {
        assertTrue(c.step() >= 0 && c.fields() >= 1 && c.ny() >= 1 && c.nx() >= 1, "sizes and step in range");
        assertEquals((long) c.fields() * c.ny() * c.nx(), c.data().length, "fields * ny * nx vs data length");
        for (String reserved : List.of("step", "fields", "ny", "nx")) {
            assertFalse(c.meta().containsKey(reserved), "reserved key in meta");
        }
        if (expect != null) {
            assertTrue(expect.valid(), () -> "loaded an invalid assembled file: " + expect);
            assertEquals(expect.step(), c.step(), "step");
            assertEquals(List.of(expect.fields(), expect.ny(), expect.nx()), List.of(c.fields(), c.ny(), c.nx()));
            assertEquals(expect.meta(), c.meta(), "meta");
            ByteBuffer data = ByteBuffer.wrap(expect.data()).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < c.data().length; k++) {
                assertEquals(data.getLong(), Double.doubleToRawLongBits(c.data()[k]), "element bits");
            }
        }
    }

    /** Sets the trailer's CRC to the checksum of every byte before it, if the file is long enough to have one. */
    private static void fixCrc(byte[] b) {
        if (b.length < 8) {
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
    }

    private List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        List<Checkpoint> cs = List.of(
            new Checkpoint(Map.of(), 0, 1, 1, 1, new double[] {-0.0}),
            new Checkpoint(Map.of("model", "grain-growth", "dt", "0.1", "note", "x=y \u00e9\u4e2d"), 1200, 2, 3, 4,
                values(24)),
            new Checkpoint(Map.of("a", ""), Long.MAX_VALUE, 3, 1, 2, values(6)));
        for (Checkpoint c : cs) {
            Path p = tmp.resolve("seed" + seeds.size() + Checkpoint.SUFFIX);
            Checkpoint.write(p, c);
            seeds.add(Files.readAllBytes(p));
        }
        return seeds;
    }

    private static double[] values(int n) {
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            d[k] = k % 3 == 0 ? Double.NaN : k % 3 == 1 ? -0.0 : k * 1.5e300;
        }
        return d;
    }

    private record Assembled(byte[] bytes, String description, boolean valid, long step, int fields, int ny, int nx,
                             Map<String, String> meta, byte[] data) implements FuzzSupport.Assembled {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Assembled assemble(SplittableRandom r) {
        boolean valid = true;
        String what = "";
        int fields = 1 + r.nextInt(3);
        int ny = 1 + r.nextInt(4);
        int nx = 1 + r.nextInt(4);
        long step = r.nextInt(4) == 0 ? Long.MAX_VALUE - r.nextInt(3) : r.nextInt(100_000);
        String stepText = Long.toString(step);
        if (r.nextInt(10) == 0) {
            stepText = "0".repeat(1 + r.nextInt(3)) + step; // leading zeros: still the same decimal number
            valid = stepText.length() <= 19;
            what += " (leading zeros)";
        }
        TreeMap<String, String> meta = new TreeMap<>();
        int nMeta = r.nextInt(4);
        for (int k = 0; k < nMeta; k++) {
            meta.put(List.of("model", "dt", "x.y", "\u00e9", "k k").get(r.nextInt(5)),
                List.of("", "1", "a=b", "grain-growth", " \t ", "\u4e2d").get(r.nextInt(6)));
        }
        List<String> lines = new ArrayList<>();
        lines.add("fields=" + fields);
        lines.add("ny=" + ny);
        lines.add("nx=" + nx);
        lines.add("step=" + stepText);
        meta.forEach((k, v) -> lines.add(k + "=" + v));
        int edit = r.nextInt(14);
        if (edit == 0) {
            int k = r.nextInt(4);
            String key = lines.get(k).substring(0, lines.get(k).indexOf('='));
            lines.set(k, key + "=" + BAD_NUMBER[r.nextInt(BAD_NUMBER.length)]);
            valid = false;
            what = " (bad number)";
        } else if (edit == 1) {
            lines.remove(r.nextInt(4));
            valid = false;
            what += " (line removed)";
        } else if (edit == 2) {
            lines.add(lines.get(r.nextInt(lines.size())));
            valid = false;
            what += " (duplicated line)";
        } else if (edit == 3) {
            lines.add(r.nextInt(lines.size() + 1), BAD_LINE[r.nextInt(BAD_LINE.length)]);
            valid = false;
            what += " (bad line)";
        } else if (edit == 4) {
            // Sizes whose product does not fit one Java array, or is huge but fits the int range.
            String[][] huge = {{"65536", "65536", "1"}, {"2147483647", "2147483647", "2147483647"},
                {"46341", "46341", "1"}, {"1", "1", "2147483639"}, {"2147483648", "1", "1"}};
            String[] h = huge[r.nextInt(huge.length)];
            lines.set(0, "fields=" + h[0]);
            lines.set(1, "ny=" + h[1]);
            lines.set(2, "nx=" + h[2]);
            valid = false;
            what = " (huge sizes)";
        }
        // The reader does not require sorted lines.
        if (r.nextInt(4) == 0) {
            for (int k = lines.size() - 1; k > 0; k--) {
                int j = r.nextInt(k + 1);
                lines.set(j, lines.set(k, lines.get(j)));
            }
        }
        byte[] header = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        // Not after an added empty line, whose newline would then end the header correctly.
        if (r.nextInt(15) == 0 && edit != 3) {
            header = java.util.Arrays.copyOf(header, header.length - 1); // no final newline
            valid = false;
            what += " (no final newline)";
        } else if (r.nextInt(15) == 0) {
            header = FuzzSupport.concat(new byte[] {'k', '=', (byte) (0x80 + r.nextInt(0x80)), '\n'}, header);
            valid = false; // a lone continuation or lead byte is not UTF-8
            what += " (invalid UTF-8)";
        }
        long count = (long) fields * ny * nx;
        int dataLen = (int) count * 8;
        if (r.nextInt(10) == 0) {
            dataLen = Math.max(0, dataLen + r.nextInt(33) - 16);
            valid &= dataLen == count * 8;
            what += " (data length changed)";
        }
        byte[] data = new byte[dataLen];
        r.nextBytes(data);
        int headerLenField = header.length;
        if (r.nextInt(15) == 0) {
            headerLenField += r.nextInt(9) - 4;
            valid &= headerLenField == header.length;
            what += " (header length field changed)";
        }
        ByteBuffer b = ByteBuffer.allocate(12 + header.length + dataLen + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put("LSHCKPT1".getBytes(StandardCharsets.US_ASCII)).putInt(headerLenField).put(header).put(data);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        int crcValue = (int) crc.getValue();
        boolean crcOk = r.nextInt(12) != 0;
        if (!crcOk) {
            crcValue ^= 1 << r.nextInt(32);
            valid = false;
        }
        String end = r.nextInt(20) == 0 ? "END?" : "END!";
        valid &= end.equals("END!");
        b.putInt(crcValue).put(end.getBytes(StandardCharsets.US_ASCII));
        String desc = "header " + new String(header, StandardCharsets.UTF_8).replace("\n", "\\n") + what + " + "
            + dataLen + " data bytes, header length field " + headerLenField + ", trailer " + end
            + (crcOk ? "" : ", wrong CRC");
        return new Assembled(b.array(), desc, valid, step, fields, ny, nx, meta, data);
    }
}
