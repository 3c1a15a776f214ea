package org.lshsmile.core.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.lshsmile.core.grid.Grid;

/**
 * Writes VTK XML ImageData ({@code .vti}) files that ParaView and VisIt open: one piece of point data
 * (a plane, or a volume for a 3-D grid), one Float64 array per field, stored raw (uncompressed,
 * little-endian) in the appended-data section.
 *
 * <p>The grid is {@code nx x ny x nz} points with origin (0, 0, 0) and spacing {@code dx} in every direction;
 * values are stored x fastest, then y, then z, which is VTK's order and the (field, z, y, x) C order of the state. A
 * simulation time, if given, is stored as the {@code TimeValue} field array that VTK 8.2+ readers turn into
 * the dataset's time step. Files are replaced atomically (temporary file, fsync, atomic rename).
 */
public final class Vti {

    /** I/O chunk: large enough for full disk speed, small enough not to double the memory of a big state. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final ValueLayout.OfDouble LE_DOUBLE =
        ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Vti() {
    }

    /** Where value (field, y, x) of the source lies, in bytes from the start of its segment. */
    @FunctionalInterface
    private interface Offsets {
        long of(int field, int y, int x);
    }

    /**
     * Writes the interior of the current state of a grid, all fields, with its spacing.
     *
     * <p>The values are streamed straight from the off-heap buffer, so no heap copy of the state is made;
     * the grid must not be stepped while this runs.
     *
     * @param file the target, conventionally ending in {@code .vti}; replaced if it exists
     * @param grid the grid; its current buffer is written
     * @param fieldNames one non-empty, distinct name per field, as ParaView will show them
     * @param time the simulation time, stored as the {@code TimeValue} field array; {@code NaN} to omit it
     * @throws IllegalArgumentException if the names do not fit the grid (count, empty, duplicate, control
     *     characters or unpaired surrogates) or {@code time} is infinite
     * @throws IllegalStateException if the grid is closed
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(Path file, Grid grid, String[] fieldNames, double time) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(grid, "grid");
        MemorySegment src = grid.current();
        int ny = grid.ny();
        // rows of all slices in turn: row k is slice k / ny, row k % ny
        write(file, grid.fields(), grid.nz(), ny, grid.nx(), grid.dx(), fieldNames, time, src,
            (f, k, x) -> grid.index(f, k / ny, k % ny, x) * Double.BYTES);
    }

    /**
     * Writes fields given as one array in (field, y, x) C order, without a time value.
     *
     * @param file the target, conventionally ending in {@code .vti}; replaced if it exists
     * @param fields number of fields, {@code >= 1}
     * @param ny rows, {@code >= 1}
     * @param nx columns, {@code >= 1}
     * @param dx grid spacing, positive and finite
     * @param data the values, length {@code fields * ny * nx}
     * @param names one non-empty, distinct name per field
     * @throws IllegalArgumentException if a size, {@code dx}, the data length or the names are wrong
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(Path file, int fields, int ny, int nx, double dx, double[] data, String[] names)
            throws IOException {
        write(file, fields, ny, nx, dx, data, names, Double.NaN);
    }

    /**
     * Writes fields given as one array in (field, y, x) C order.
     *
     * @param file the target, conventionally ending in {@code .vti}; replaced if it exists
     * @param fields number of fields, {@code >= 1}
     * @param ny rows, {@code >= 1}
     * @param nx columns, {@code >= 1}
     * @param dx grid spacing, positive and finite
     * @param data the values, length {@code fields * ny * nx}
     * @param names one non-empty, distinct name per field
     * @param time the simulation time, stored as the {@code TimeValue} field array; {@code NaN} to omit it
     * @throws IllegalArgumentException if a size, {@code dx}, the data length, the names or {@code time} are
     *     wrong
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(Path file, int fields, int ny, int nx, double dx, double[] data, String[] names,
            double time) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(data, "data");
        if (fields < 1 || ny < 1 || nx < 1) {
            throw new IllegalArgumentException("sizes must be positive, got " + fields + " x " + ny + " x " + nx);
        }
        long count = (long) fields * ny * nx;
        if (data.length != count) {
            throw new IllegalArgumentException("data length " + data.length + " != fields * ny * nx = " + count);
        }
        long planeBytes = (long) ny * nx * Double.BYTES;
        write(file, fields, 1, ny, nx, dx, names, time, MemorySegment.ofArray(data),
            (f, y, x) -> f * planeBytes + ((long) y * nx + x) * Double.BYTES);
    }

    /** Offsets take (field, k, x) with k the row over all slices, {@code z * ny + y}. */
    private static void write(Path file, int fields, int nz, int ny, int nx, double dx, String[] names, double time,
            MemorySegment src, Offsets offsets) throws IOException {
        if (!(dx > 0) || !Double.isFinite(dx)) {
            throw new IllegalArgumentException("dx must be a positive finite number, got " + dx);
        }
        if (Double.isInfinite(time)) {
            throw new IllegalArgumentException("time must be finite (or NaN to omit it), got " + time);
        }
        checkNames(names, fields);
        long arrayBytes = (long) nz * ny * nx * Double.BYTES;
        byte[] header = header(nz, ny, nx, dx, names, time, arrayBytes).getBytes(StandardCharsets.UTF_8);
        byte[] footer = "\n  </AppendedData>\n</VTKFile>\n".getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, Math.max(Long.BYTES, arrayBytes)))
                .order(ByteOrder.LITTLE_ENDIAN);
            MemorySegment dst = MemorySegment.ofBuffer(buf);
            for (int f = 0; f < fields; f++) {
                AtomicFiles.writeFully(ch, buf.clear().putLong(arrayBytes).flip());
                writePlane(ch, buf, dst, src, offsets, f, nz * ny, nx);
            }
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(footer));
        });
    }

    /** Streams one field, row by row and in chunks, converting to little-endian on the way. */
    private static void writePlane(FileChannel ch, ByteBuffer buf, MemorySegment dst, MemorySegment src,
            Offsets offsets, int field, int ny, int nx) throws IOException {
        int perChunk = buf.capacity() / Double.BYTES;
        int filled = 0;
        for (int y = 0; y < ny; y++) {
            int x = 0;
            while (x < nx) {
                int n = Math.min(nx - x, perChunk - filled);
                MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE_UNALIGNED, offsets.of(field, y, x), dst, LE_DOUBLE,
                    (long) filled * Double.BYTES, n);
                filled += n;
                x += n;
                if (filled == perChunk) {
                    AtomicFiles.writeFully(ch, buf.clear().limit(filled * Double.BYTES));
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            AtomicFiles.writeFully(ch, buf.clear().limit(filled * Double.BYTES));
        }
    }

    private static void checkNames(String[] names, int fields) {
        Objects.requireNonNull(names, "names");
        if (names.length != fields) {
            throw new IllegalArgumentException(names.length + " field names for " + fields + " fields");
        }
        // A strict encoder catches unpaired surrogates, which UTF-8 would silently turn into '?'.
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("field name " + i + " is null or blank");
            }
            // XML 1.0 cannot hold most control characters even escaped, and ParaView's list is one line each.
            if (name.chars().anyMatch(Character::isISOControl) || !utf8.canEncode(name)) {
                throw new IllegalArgumentException("field name " + i + " contains a control character or an "
                    + "unpaired surrogate");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("field name '" + name + "' appears twice");
            }
        }
    }

    /** Everything up to and including the {@code _} that starts the appended data. */
    private static String header(int nz, int ny, int nx, double dx, String[] names, double time, long arrayBytes) {
        String spacing = dx + " " + dx + " " + dx;
        StringBuilder sb = new StringBuilder()
            .append("<?xml version=\"1.0\"?>\n")
            .append("<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" "
                + "header_type=\"UInt64\">\n")
            .append("  <ImageData WholeExtent=\"0 ").append(nx - 1).append(" 0 ").append(ny - 1)
            .append(" 0 ").append(nz - 1).append("\" Origin=\"0 0 0\" Spacing=\"").append(spacing).append("\">\n");
        if (!Double.isNaN(time)) {
            // Double.toString round-trips and its E notation is read by VTK's ASCII parser.
            sb.append("    <FieldData>\n")
                .append("      <DataArray type=\"Float64\" Name=\"TimeValue\" NumberOfTuples=\"1\" "
                    + "format=\"ascii\">").append(time).append("</DataArray>\n")
                .append("    </FieldData>\n");
        }
        sb.append("    <Piece Extent=\"0 ").append(nx - 1).append(" 0 ").append(ny - 1).append(" 0 ").append(nz - 1)
            .append("\">\n")
            .append("      <PointData Scalars=\"").append(escape(names[0])).append("\">\n");
        for (int f = 0; f < names.length; f++) {
            long offset = f * (Long.BYTES + arrayBytes);
            sb.append("        <DataArray type=\"Float64\" Name=\"").append(escape(names[f]))
                .append("\" format=\"appended\" offset=\"").append(offset).append("\"/>\n");
        }
        return sb.append("      </PointData>\n")
            .append("      <CellData>\n")
            .append("      </CellData>\n")
            .append("    </Piece>\n")
            .append("  </ImageData>\n")
            .append("  <AppendedData encoding=\"raw\">\n")
            .append("   _")
            .toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
            .replace("'", "&apos;");
    }
}
