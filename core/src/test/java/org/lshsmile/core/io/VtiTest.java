package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VtiTest {

    @TempDir
    Path tmp;

    /** What a .vti file holds, as an independent minimal reader sees it. */
    private record Parsed(Element root, Element image, Element piece, Double time, Map<String, double[]> arrays) {
    }

    /**
     * Parses the XML part (everything before {@code <AppendedData}, closed by hand) with javax.xml, then reads
     * each appended array at its declared offset: a UInt64 byte count followed by little-endian doubles.
     */
    private static Parsed parse(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        int appended = latin.indexOf("<AppendedData");
        assertTrue(appended > 0, "no <AppendedData>");
        String xml = new String(bytes, 0, appended, StandardCharsets.UTF_8) + "</VTKFile>";
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertEquals("VTKFile", root.getTagName());
        Element image = only(root, "ImageData");
        Element piece = only(image, "Piece");

        String appendedTag = "<AppendedData encoding=\"raw\">";
        assertTrue(latin.startsWith(appendedTag, appended), "raw encoding");
        int underscore = latin.indexOf('_', appended + appendedTag.length());
        assertTrue(latin.substring(appended + appendedTag.length(), underscore).isBlank(), "only space before _");
        int base = underscore + 1;

        Double time = null;
        NodeList fieldData = image.getElementsByTagName("FieldData");
        if (fieldData.getLength() > 0) {
            Element arr = only((Element) fieldData.item(0), "DataArray");
            assertEquals("TimeValue", arr.getAttribute("Name"));
            assertEquals("Float64", arr.getAttribute("type"));
            assertEquals("ascii", arr.getAttribute("format"));
            assertEquals("1", arr.getAttribute("NumberOfTuples"));
            time = Double.parseDouble(arr.getTextContent().trim());
        }

        Map<String, double[]> arrays = new LinkedHashMap<>();
        Element pointData = only(piece, "PointData");
        NodeList das = pointData.getElementsByTagName("DataArray");
        long end = base;
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < das.getLength(); i++) {
            Element da = (Element) das.item(i);
            assertEquals("Float64", da.getAttribute("type"));
            assertEquals("appended", da.getAttribute("format"));
            long offset = Long.parseLong(da.getAttribute("offset"));
            assertEquals(end - base, offset, "arrays are back to back, in order");
            long count = in.getLong((int) (base + offset));
            assertEquals(0, count % Double.BYTES);
            double[] values = new double[(int) (count / Double.BYTES)];
            in.slice((int) (base + offset + Long.BYTES), (int) count).order(ByteOrder.LITTLE_ENDIAN)
                .asDoubleBuffer().get(values);
            assertEquals(null, arrays.put(da.getAttribute("Name"), values), "duplicate name");
            end = base + offset + Long.BYTES + count;
        }
        assertEquals("\n  </AppendedData>\n</VTKFile>\n",
            new String(bytes, (int) end, bytes.length - (int) end, StandardCharsets.US_ASCII));
        return new Parsed(root, image, piece, time, arrays);
    }

    private static Element only(Element parent, String tag) {
        NodeList list = parent.getElementsByTagName(tag);
        assertEquals(1, list.getLength(), "exactly one <" + tag + ">");
        return (Element) list.item(0);
    }

    private static void assertBitsEqual(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail(what + ": element " + i + ": expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    private static final double[] SPECIAL = {
        -0.0, 0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_1234L), Double.MIN_VALUE,
        Double.MIN_NORMAL / 3, Double.MAX_VALUE, Double.NEGATIVE_INFINITY, 1.0 / 3,
    };

    private static double[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < SPECIAL.length ? SPECIAL[i] : r.nextDouble(-2, 2);
        }
        return v;
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void threeDimensionalGridIsWrittenAsAVolumeInZYXOrder() throws Exception {
        int fields = 2;
        int nz = 3;
        int ny = 4;
        int nx = 5;
        double[] expected = values(fields * nz * ny * nx, 7);
        Path out = tmp.resolve("volume.vti");
        try (Grid grid = new Grid(fields, nz, ny, nx, 0.5, Boundary.NOFLUX)) {
            grid.copyFrom(expected);
            Vti.write(out, grid, new String[] {"a", "b"}, 1.0);
        }
        Parsed p = parse(out);
        assertEquals("0 4 0 3 0 2", p.image().getAttribute("WholeExtent"));
        assertEquals("0 4 0 3 0 2", p.piece().getAttribute("Extent"));
        int volume = nz * ny * nx;
        int f = 0;
        for (double[] arr : p.arrays().values()) {
            double[] want = new double[volume];
            System.arraycopy(expected, f * volume, want, 0, volume);
            assertBitsEqual(want, arr, "field " + f);
            f++;
        }
    }

    @Test
    void threeFieldGridRoundTripsBitwise() throws Exception {
        int fields = 3;
        int ny = 5;
        int nx = 7;
        double[] expected = values(fields * ny * nx, 42);
        Path out = tmp.resolve("state.vti");
        try (Grid grid = new Grid(fields, ny, nx, 0.125, Boundary.PERIODIC)) {
            grid.copyFrom(expected);
            Vti.write(out, grid, new String[] {"phi", "c", "eta & <T>"}, 2.5e-3);
        }
        Parsed p = parse(out);
        assertEquals("ImageData", p.root().getAttribute("type"));
        assertEquals("1.0", p.root().getAttribute("version"));
        assertEquals("LittleEndian", p.root().getAttribute("byte_order"));
        assertEquals("UInt64", p.root().getAttribute("header_type"));
        assertEquals("0 6 0 4 0 0", p.image().getAttribute("WholeExtent"));
        assertEquals("0 6 0 4 0 0", p.piece().getAttribute("Extent"));
        assertEquals("0 0 0", p.image().getAttribute("Origin"));
        String[] spacing = p.image().getAttribute("Spacing").split(" ");
        assertEquals(3, spacing.length);
        for (String s : spacing) {
            assertEquals(0.125, Double.parseDouble(s));
        }
        assertEquals(2.5e-3, p.time());
        assertEquals(List.of("phi", "c", "eta & <T>"), new ArrayList<>(p.arrays().keySet()));
        int plane = ny * nx;
        int f = 0;
        for (double[] arr : p.arrays().values()) {
            double[] want = new double[plane];
            System.arraycopy(expected, f * plane, want, 0, plane);
            assertBitsEqual(want, arr, "field " + f);
            f++;
        }
        assertEquals(List.of("state.vti"), listing(), "no temp files left");
    }

    @Test
    void xFastestOrderMatchesGridCells() throws Exception {
        Path out = tmp.resolve("order.vti");
        try (Grid grid = new Grid(2, 3, 4, 1.0, Boundary.NOFLUX)) {
            for (int f = 0; f < 2; f++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 4; x++) {
                        grid.set(f, y, x, 100 * f + 10 * y + x);
                    }
                }
            }
            Vti.write(out, grid, new String[] {"a", "b"}, 0.0);
        }
        double[] b = parse(out).arrays().get("b");
        // VTK point id = x + nx * y.
        assertEquals(100 + 10 * 2 + 3, b[3 + 4 * 2]);
        assertEquals(100 + 10 * 1 + 0, b[4]);
    }

    @Test
    void oneFieldGridWithoutTime() throws Exception {
        double[] expected = values(6 * 9, 7);
        Path out = tmp.resolve("one.vti");
        try (Grid grid = new Grid(1, 6, 9, 0.5, Boundary.NOFLUX)) {
            grid.copyFrom(expected);
            Vti.write(out, grid, new String[] {"phi"}, Double.NaN);
        }
        Parsed p = parse(out);
        assertEquals(null, p.time(), "NaN time writes no FieldData");
        assertEquals("0 8 0 5 0 0", p.image().getAttribute("WholeExtent"));
        assertEquals(List.of("phi"), new ArrayList<>(p.arrays().keySet()));
        assertBitsEqual(expected, p.arrays().get("phi"), "phi");
    }

    @Test
    void arrayOverloadMatchesData() throws Exception {
        double[] expected = values(2 * 3 * 1, 3);
        Path out = tmp.resolve("arr.vti");
        Vti.write(out, 2, 3, 1, 1e-6, expected, new String[] {"u", "v"});
        Parsed p = parse(out);
        assertEquals(null, p.time());
        assertEquals("0 0 0 2 0 0", p.image().getAttribute("WholeExtent"));
        assertEquals(1e-6, Double.parseDouble(p.image().getAttribute("Spacing").split(" ")[0]));
        assertBitsEqual(new double[] {expected[0], expected[1], expected[2]}, p.arrays().get("u"), "u");
        assertBitsEqual(new double[] {expected[3], expected[4], expected[5]}, p.arrays().get("v"), "v");
        Vti.write(out, 2, 3, 1, 1e-6, expected, new String[] {"u", "v"}, 7.0);
        assertEquals(7.0, parse(out).time());
    }

    @Test
    void rowsLongerThanTheIoChunkAreSplitCorrectly() throws Exception {
        // 200000 doubles per row is more than the 1 MiB chunk, so rows are written in pieces.
        int ny = 2;
        int nx = 200_000;
        double[] expected = values(2 * ny * nx, 11);
        Path out = tmp.resolve("wide.vti");
        Vti.write(out, 2, ny, nx, 1.0, expected, new String[] {"a", "b"}, 1.0);
        Parsed p = parse(out);
        double[] all = new double[expected.length];
        System.arraycopy(p.arrays().get("a"), 0, all, 0, ny * nx);
        System.arraycopy(p.arrays().get("b"), 0, all, ny * nx, ny * nx);
        assertBitsEqual(expected, all, "wide");
    }

    @Test
    void badArgumentsAreRefusedAndKeepTheOldFile() throws IOException {
        Path out = tmp.resolve("keep.vti");
        double[] d = values(2 * 2 * 2, 1);
        Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", "b"});
        byte[] before = Files.readAllBytes(out);
        assertThrows(IllegalArgumentException.class, () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a"}));
        assertThrows(IllegalArgumentException.class,
            () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", "b", "c"}));
        assertThrows(IllegalArgumentException.class, () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", "a"}));
        assertThrows(IllegalArgumentException.class, () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", null}));
        assertThrows(IllegalArgumentException.class, () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", " "}));
        assertThrows(IllegalArgumentException.class,
            () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", "b\nc"}));
        assertThrows(IllegalArgumentException.class,
            () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", "\ud800"}));
        assertThrows(IllegalArgumentException.class, () -> Vti.write(out, 2, 2, 3, 1.0, d, new String[] {"a", "b"}));
        assertThrows(IllegalArgumentException.class, () -> Vti.write(out, 0, 2, 2, 1.0, d, new String[0]));
        assertThrows(IllegalArgumentException.class, () -> Vti.write(out, 2, 2, 2, 0.0, d, new String[] {"a", "b"}));
        assertThrows(IllegalArgumentException.class,
            () -> Vti.write(out, 2, 2, 2, Double.NaN, d, new String[] {"a", "b"}));
        assertThrows(IllegalArgumentException.class,
            () -> Vti.write(out, 2, 2, 2, 1.0, d, new String[] {"a", "b"}, Double.POSITIVE_INFINITY));
        Grid closed = new Grid(1, 2, 2, 1.0, Boundary.PERIODIC);
        closed.close();
        assertThrows(IllegalStateException.class, () -> Vti.write(out, closed, new String[] {"a"}, 0.0));
        try (Grid g = new Grid(2, 2, 2, 1.0, Boundary.PERIODIC)) {
            assertThrows(IllegalArgumentException.class, () -> Vti.write(out, g, new String[] {"a"}, 0.0));
        }
        assertArrayEquals(before, Files.readAllBytes(out));
        assertEquals(List.of("keep.vti"), listing());
    }

    @Test
    void failedWritesLeaveNothingBehind() throws IOException {
        double[] d = {1, 2};
        assertThrows(IOException.class,
            () -> Vti.write(tmp.resolve("missing").resolve("x.vti"), 1, 1, 2, 1.0, d, new String[] {"a"}));
        // The temp file is written completely, then the move fails: the target is a non-empty directory.
        Path target = Files.createDirectory(tmp.resolve("dir.vti"));
        Files.writeString(target.resolve("keep.txt"), "kept");
        assertThrows(IOException.class, () -> Vti.write(target, 1, 1, 2, 1.0, d, new String[] {"a"}));
        assertEquals("kept", Files.readString(target.resolve("keep.txt")));
        assertEquals(List.of("dir.vti"), listing());
    }

    @Test
    void failedWriteInUnwritableDirectoryKeepsOldFile() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path dir = Files.createDirectory(tmp.resolve("ro"));
        Path out = dir.resolve("state.vti");
        Vti.write(out, 1, 1, 2, 1.0, new double[] {1, 2}, new String[] {"a"});
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
            assertThrows(IOException.class,
                () -> Vti.write(out, 1, 1, 2, 1.0, new double[] {3, 4}, new String[] {"a"}));
            assertArrayEquals(before, Files.readAllBytes(out));
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(List.of(out), s.toList());
            }
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void replacesAnExistingFile() throws Exception {
        Path out = tmp.resolve("r.vti");
        Vti.write(out, 1, 1, 2, 1.0, new double[] {1, 2}, new String[] {"a"});
        Vti.write(out, 1, 1, 3, 1.0, new double[] {3, 4, 5}, new String[] {"b"});
        Parsed p = parse(out);
        assertFalse(p.arrays().containsKey("a"));
        assertBitsEqual(new double[] {3, 4, 5}, p.arrays().get("b"), "b");
        assertEquals(List.of("r.vti"), listing());
    }
}
