package org.lshsmile.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A crash-safe snapshot of a simulation: run settings, step number and the full state, such that a run
 * resumed from it is bitwise equal to an uninterrupted one.
 *
 * <p>File format (all integers and doubles little-endian):
 * <ol>
 *   <li>8-byte magic {@code LSHCKPT1};</li>
 *   <li>u32 header length in bytes;</li>
 *   <li>the header, UTF-8 lines {@code key=value\n} sorted by key: {@code fields}, {@code nx}, {@code ny},
 *       {@code step} and every meta entry;</li>
 *   <li>{@code fields * ny * nx} doubles in (field, y, x) C order;</li>
 *   <li>an 8-byte trailer: the CRC32C of every preceding byte as u32, then the ASCII bytes {@code END!}.</li>
 * </ol>
 * {@link #write} replaces the target atomically (temporary file, fsync, atomic rename, directory fsync), and
 * {@link #read} refuses anything that is not exactly such a file with a {@link CheckpointFormatException}.
 *
 * <p>The data array is held as given, not copied, because states can be hundreds of megabytes; as with any
 * record holding an array, {@code equals} compares it by reference.
 *
 * @param meta run settings as strings (model, parameters, dt, dx, boundary, kernels, ...); keys are non-empty
 *     and contain neither {@code '\n'} nor {@code '='}, values contain no {@code '\n'}, and the reserved keys
 *     {@code step}, {@code fields}, {@code ny}, {@code nx} are not allowed; held as an unmodifiable sorted copy
 * @param step the number of completed steps, {@code >= 0}
 * @param fields number of fields, {@code >= 1}
 * @param ny rows, {@code >= 1}
 * @param nx columns, {@code >= 1}
 * @param data the state in (field, y, x) C order, length {@code fields * ny * nx}
 */
public record Checkpoint(Map<String, String> meta, long step, int fields, int ny, int nx, double[] data) {

    /** Suffix of checkpoint file names. */
    public static final String SUFFIX = ".ckpt";

    private static final byte[] MAGIC = "LSHCKPT1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "END!".getBytes(StandardCharsets.US_ASCII);
    private static final int PREFIX_BYTES = MAGIC.length + Integer.BYTES;
    private static final int TRAILER_BYTES = Integer.BYTES + END.length;
    /** The largest element count a Java {@code double[]} can be relied on to hold. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Real headers are a few hundred bytes; the cap keeps a corrupt length from allocating much. */
    private static final int MAX_HEADER_BYTES = 1 << 24;
    /** I/O chunk: large enough for full disk speed, small enough not to double the memory of a big state. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final String STEP = "step";
    private static final String FIELDS = "fields";
    private static final String NY = "ny";
    private static final String NX = "nx";
    private static final Set<String> RESERVED = Set.of(STEP, FIELDS, NY, NX);
    private static final String CORRUPT_FIX = "resume from an earlier checkpoint";

    /**
     * Validates the components and takes a sorted, unmodifiable copy of {@code meta}.
     *
     * @throws NullPointerException if {@code meta}, a key or value of it, or {@code data} is null
     * @throws IllegalArgumentException if a meta key or value is not representable in the header, a key is
     *     reserved, {@code step} is negative, a size is not positive, or {@code data.length} is not
     *     {@code fields * ny * nx}
     */
    public Checkpoint {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(data, "data");
        TreeMap<String, String> copy = new TreeMap<>();
        // A strict encoder catches unpaired surrogates, which UTF-8 would silently turn into '?'.
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (Map.Entry<String, String> e : meta.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "meta key");
            String value = Objects.requireNonNull(e.getValue(), () -> "meta value of '" + key + "'");
            if (key.isEmpty() || key.indexOf('\n') >= 0 || key.indexOf('=') >= 0) {
                throw new IllegalArgumentException("meta key '" + snippet(key)
                    + "' must be non-empty and contain neither '\\n' nor '='");
            }
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("meta key '" + key + "' is reserved (step, fields, ny, nx "
                    + "are stored from the record components)");
            }
            if (value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("meta value of '" + snippet(key) + "' contains '\\n'");
            }
            if (!utf8.canEncode(key) || !utf8.canEncode(value)) {
                throw new IllegalArgumentException("meta entry '" + snippet(key) + "' is not valid Unicode "
                    + "(unpaired surrogate)");
            }
            copy.put(key, value);
        }
        meta = Collections.unmodifiableSortedMap(copy);
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (fields < 1 || ny < 1 || nx < 1) {
            throw new IllegalArgumentException("sizes must be positive, got " + fields + " x " + ny + " x " + nx);
        }
        long count = (long) fields * ny * nx;
        if (count != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " != fields * ny * nx = " + count);
        }
    }

    /**
     * The checkpoint file name for a step: {@code prefix}, the step zero-padded to 10 digits, {@link #SUFFIX};
     * e.g. {@code fileName("ckpt_", 1200)} is {@code ckpt_0000001200.ckpt}. Steps of 10^10 and more get more
     * digits, which {@link #latestValid} still orders by value.
     *
     * @param prefix the name prefix; must not contain a path separator
     * @param step the step, {@code >= 0}
     * @return the file name
     * @throws IllegalArgumentException if {@code step} is negative or {@code prefix} contains '/', '\' or NUL
     */
    public static String fileName(String prefix, long step) {
        checkPrefix(prefix);
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return prefix + String.format(Locale.ROOT, "%010d", step) + SUFFIX;
    }

    /**
     * Writes a checkpoint atomically: a temporary file in the same directory is written, forced to disk and
     * moved over {@code file} with {@code ATOMIC_MOVE}; then the directory is forced too where the platform
     * allows. On failure the temporary file is deleted and an existing {@code file} is left as it was.
     *
     * @param file the target; replaced if it exists
     * @param c the checkpoint
     * @throws IllegalArgumentException if the header would exceed 16 MiB
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(Path file, Checkpoint c) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(c, "checkpoint");
        byte[] header = c.headerText().getBytes(StandardCharsets.UTF_8);
        if (header.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("checkpoint header of " + header.length + " bytes exceeds the "
                + MAX_HEADER_BYTES + "-byte limit; store large settings in a separate file");
        }
        AtomicFiles.write(file, ch -> {
            CRC32C crc = new CRC32C();
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.put(MAGIC).putInt(header.length).put(header).flip();
            crc.update(prefix.duplicate());
            AtomicFiles.writeFully(ch, prefix);
            writeData(ch, c.data, crc);
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).put(END).flip();
            AtomicFiles.writeFully(ch, trailer);
        });
    }

    /**
     * Reads and fully verifies a checkpoint.
     *
     * <p>Every size is checked against the actual file length before anything of that size is allocated, so
     * a corrupt or hostile file cannot cause a huge allocation.
     *
     * @param file the checkpoint file
     * @return the checkpoint
     * @throws CheckpointFormatException if the file is not a complete, uncorrupted checkpoint (bad magic,
     *     truncation, checksum mismatch, malformed or incomplete header, impossible sizes, trailing bytes)
     * @throws IOException if the file cannot be opened or read
     */
    public static Checkpoint read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Loaded l = load(file, true);
        Header h = l.header();
        return new Checkpoint(h.meta(), h.step(), h.fields(), h.ny(), h.nx(), l.data());
    }

    /**
     * Finds the newest usable checkpoint: among the files {@code prefix + digits + ".ckpt"} in {@code dir},
     * the one with the highest step that reads correctly. Corrupt, partial or unreadable files, files whose
     * header step disagrees with their name, and leftover temporary files are skipped.
     *
     * @param dir the directory to search; a missing directory has no checkpoints
     * @param prefix the name prefix, as given to {@link #fileName}
     * @return the newest valid checkpoint, or empty if there is none
     * @throws IllegalArgumentException if {@code prefix} contains '/', '\' or NUL
     * @throws IOException if the directory exists but cannot be listed
     */
    public static Optional<Path> latestValid(Path dir, String prefix) throws IOException {
        Objects.requireNonNull(dir, "dir");
        checkPrefix(prefix);
        Pattern name = Pattern.compile(Pattern.quote(prefix) + "([0-9]+)" + Pattern.quote(SUFFIX));
        record Candidate(Path path, long step) {
        }
        List<Candidate> candidates = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                Path fn = p.getFileName();
                Matcher m = name.matcher(fn == null ? "" : fn.toString());
                if (!m.matches()) {
                    continue;
                }
                try {
                    candidates.add(new Candidate(p, Long.parseLong(m.group(1))));
                } catch (NumberFormatException e) {
                    // More digits than a long holds: no writer of ours made it.
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        // Ties (ckpt_5 next to ckpt_0000000005) are broken by name so the choice does not depend on listing order.
        candidates.sort(Comparator.comparingLong(Candidate::step).reversed()
            .thenComparing(c -> c.path().getFileName().toString()));
        for (Candidate c : candidates) {
            try {
                if (load(c.path(), false).header().step() == c.step()) {
                    return Optional.of(c.path());
                }
            } catch (IOException e) {
                // Corrupt, partial, vanished or unreadable: fall back to an older one, which is the point.
            }
        }
        return Optional.empty();
    }

    /** The header text: sorted {@code key=value\n} lines of the sizes, the step and the meta entries. */
    private String headerText() {
        TreeMap<String, String> all = new TreeMap<>(meta);
        all.put(STEP, Long.toString(step));
        all.put(FIELDS, Integer.toString(fields));
        all.put(NY, Integer.toString(ny));
        all.put(NX, Integer.toString(nx));
        StringBuilder sb = new StringBuilder();
        all.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    private static void checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.indexOf('/') >= 0 || prefix.indexOf('\\') >= 0 || prefix.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("checkpoint prefix '" + snippet(prefix)
                + "' must not contain '/', '\\' or NUL");
        }
    }

    private static void writeData(FileChannel ch, double[] data, CRC32C crc) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(chunkBytes(data.length)).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = buf.capacity() / Double.BYTES;
        int done = 0;
        while (done < data.length) {
            int n = Math.min(data.length - done, perChunk);
            buf.clear();
            buf.asDoubleBuffer().put(data, done, n);
            buf.limit(n * Double.BYTES);
            crc.update(buf.duplicate());
            AtomicFiles.writeFully(ch, buf);
            done += n;
        }
    }

    private static int chunkBytes(long count) {
        return (int) Math.min(CHUNK_BYTES, Math.max(Double.BYTES, count * Double.BYTES));
    }

    /** The validated header: what {@link #load} knows before it touches the data. */
    private record Header(SortedMap<String, String> meta, long step, int fields, int ny, int nx) {
    }

    /** A verified file: its header, and its data unless only a check was asked for. */
    private record Loaded(Header header, double[] data) {
    }

    /** Verifies a whole file; keeps the data only if {@code keepData}, else just checksums it. */
    private static Loaded load(Path file, boolean keepData) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            int got = AtomicFiles.readFully(ch, prefix, 0);
            for (int i = 0; i < Math.min(got, MAGIC.length); i++) {
                if (prefix.get(i) != MAGIC[i]) {
                    throw new CheckpointFormatException(file, "not an lshsmile checkpoint (bad magic: it does not "
                        + "start with LSHCKPT1)", "pass a .ckpt file written by lshsmile");
                }
            }
            if (size < PREFIX_BYTES + TRAILER_BYTES) {
                throw truncated(file, "it is only " + size + " bytes long");
            }
            long headerLen = Integer.toUnsignedLong(prefix.getInt(MAGIC.length));
            if (headerLen > size - PREFIX_BYTES - TRAILER_BYTES) {
                throw truncated(file, "it declares " + headerLen + " header bytes but is only " + size
                    + " bytes long");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw corrupt(file, "header length " + headerLen + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
            }
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (AtomicFiles.readFully(ch, trailer, size - TRAILER_BYTES) < TRAILER_BYTES) {
                throw shrank(file);
            }
            for (int i = 0; i < END.length; i++) {
                if (trailer.get(Integer.BYTES + i) != END[i]) {
                    throw new CheckpointFormatException(file, "the file is truncated or has bytes appended (it "
                        + "does not end with the END! trailer)", CORRUPT_FIX);
                }
            }
            int storedCrc = trailer.getInt(0);
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLen);
            if (AtomicFiles.readFully(ch, headerBytes, PREFIX_BYTES) < headerLen) {
                throw shrank(file);
            }
            headerBytes.flip();
            CRC32C crc = new CRC32C();
            crc.update(prefix.flip());
            crc.update(headerBytes.duplicate());

            long dataOffset = PREFIX_BYTES + headerLen;
            Header h;
            try {
                h = parseHeader(file, headerBytes);
                long expected = dataOffset + (long) h.fields() * h.ny() * h.nx() * Double.BYTES + TRAILER_BYTES;
                if (expected != size) {
                    throw corrupt(file, "sizes " + h.fields() + " x " + h.ny() + " x " + h.nx() + " need a file of "
                        + expected + " bytes but it has " + size
                        + (size > expected ? " (trailing bytes after the trailer)" : ""));
                }
            } catch (CheckpointFormatException e) {
                // A bit flip in the header shows up as a header problem; the checksum tells which it really is.
                checksumRest(file, ch, crc, dataOffset, size - TRAILER_BYTES);
                if ((int) crc.getValue() != storedCrc) {
                    throw checksumMismatch(file);
                }
                throw e;
            }
            int count = Math.toIntExact((long) h.fields() * h.ny() * h.nx());
            double[] data = keepData ? new double[count] : null;
            readData(file, ch, dataOffset, count, data, crc);
            if ((int) crc.getValue() != storedCrc) {
                throw checksumMismatch(file);
            }
            return new Loaded(h, data);
        }
    }

    private static Header parseHeader(Path file, ByteBuffer bytes) throws CheckpointFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes.duplicate())
                .toString();
        } catch (CharacterCodingException e) {
            throw corrupt(file, "malformed header: not valid UTF-8");
        }
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw corrupt(file, "malformed header: the last line is not terminated by a newline");
        }
        TreeMap<String, String> map = new TreeMap<>();
        int start = 0;
        int lineNo = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            String line = text.substring(start, end);
            start = end + 1;
            lineNo++;
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw corrupt(file, "malformed header line " + lineNo + " '" + snippet(line)
                    + "' (expected key=value)");
            }
            String key = line.substring(0, eq);
            if (map.put(key, line.substring(eq + 1)) != null) {
                throw corrupt(file, "malformed header: key '" + snippet(key) + "' appears twice");
            }
        }
        long step = parseSize(file, map, STEP, Long.MAX_VALUE, 0);
        int fields = (int) parseSize(file, map, FIELDS, Integer.MAX_VALUE, 1);
        int ny = (int) parseSize(file, map, NY, Integer.MAX_VALUE, 1);
        int nx = (int) parseSize(file, map, NX, Integer.MAX_VALUE, 1);
        // fields * ny < 2^62 and, once that is at most MAX_ELEMENTS, times nx < 2^62 too: no overflow.
        long count = (long) fields * ny;
        if (count > MAX_ELEMENTS || count * nx > MAX_ELEMENTS) {
            throw corrupt(file, "sizes " + fields + " x " + ny + " x " + nx + " exceed " + MAX_ELEMENTS
                + " elements, more than one Java array holds");
        }
        map.keySet().removeAll(RESERVED);
        return new Header(Collections.unmodifiableSortedMap(map), step, fields, ny, nx);
    }

    private static long parseSize(Path file, Map<String, String> map, String key, long max, long min)
            throws CheckpointFormatException {
        String v = map.get(key);
        if (v == null) {
            throw corrupt(file, "header has no '" + key + "' entry");
        }
        long n = -1;
        // Plain decimal digits only: no sign, no spaces, no underscores.
        if (v.matches("[0-9]{1,19}")) {
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                n = -1;
            }
        }
        if (n < min || n > max) {
            throw corrupt(file, "header entry " + key + "='" + snippet(v) + "' is not an integer in [" + min
                + ", " + max + "]");
        }
        return n;
    }

    /** Reads {@code count} doubles at {@code offset} into {@code out} (or only checksums them if null). */
    private static void readData(Path file, FileChannel ch, long offset, int count, double[] out, CRC32C crc)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(chunkBytes(count)).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = buf.capacity() / Double.BYTES;
        long position = offset;
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, perChunk);
            buf.clear().limit(n * Double.BYTES);
            if (AtomicFiles.readFully(ch, buf, position) < n * Double.BYTES) {
                throw shrank(file);
            }
            buf.flip();
            crc.update(buf.duplicate());
            if (out != null) {
                buf.asDoubleBuffer().get(out, done, n);
            }
            done += n;
            position += (long) n * Double.BYTES;
        }
    }

    /** Adds bytes [{@code from}, {@code to}) of the file to {@code crc}. */
    private static void checksumRest(Path file, FileChannel ch, CRC32C crc, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(CHUNK_BYTES, to - from)));
        long position = from;
        while (position < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - position));
            int n = AtomicFiles.readFully(ch, buf, position);
            if (n < buf.limit()) {
                throw shrank(file);
            }
            crc.update(buf.flip());
            position += n;
        }
    }

    private static CheckpointFormatException corrupt(Path file, String problem) {
        return new CheckpointFormatException(file, "the file is corrupt: " + problem, CORRUPT_FIX);
    }

    private static CheckpointFormatException truncated(Path file, String detail) {
        return new CheckpointFormatException(file, "the file is truncated (" + detail + "), probably an "
            + "interrupted write or copy", CORRUPT_FIX);
    }

    private static CheckpointFormatException checksumMismatch(Path file) {
        return new CheckpointFormatException(file, "the file is truncated or corrupt (checksum mismatch)",
            CORRUPT_FIX);
    }

    private static CheckpointFormatException shrank(Path file) {
        return new CheckpointFormatException(file, "the file shrank while it was read",
            "do not modify checkpoints while they are read");
    }

    /** At most 60 characters, control characters escaped, so messages stay on one line. */
    private static String snippet(String s) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (; i < s.length() && sb.length() < 60; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return i < s.length() ? sb + "..." : sb.toString();
    }
}
