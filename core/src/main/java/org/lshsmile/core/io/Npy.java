package org.lshsmile.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes NumPy .npy files holding float64 arrays in C order.
 *
 * <p>The format (magic {@code \x93NUMPY}, version, header length, a Python dict literal header, raw data) is
 * described in the NumPy documentation of {@code numpy.lib.format}. Reading accepts versions 1.0, 2.0 and
 * 3.0 with dtype {@code '<f8'} or {@code '>f8'} (and the native-order spellings {@code '=f8'}, {@code 'f8'},
 * {@code 'd'}, {@code 'float64'}); anything else is refused with an {@link NpyFormatException} whose message
 * names the file, the problem and the fix. Writing produces version 1.0 (2.0 only for enormous headers),
 * {@code '<f8'}, C order, with the data aligned to 64 bytes as NumPy does, and replaces the target atomically.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The largest element count a Java {@code double[]} can be relied on to hold. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Real float64 headers are about 128 bytes; the cap keeps a corrupt length from allocating much. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final int ALIGN = 64;
    /** I/O chunk: large enough for full disk speed, small enough not to double the memory of a big array. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int MAX_NESTING = 32;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
    private static final String RESAVE = "re-save the array with numpy.save";

    private Npy() {
    }

    /**
     * Reads a float64 .npy file.
     *
     * <p>The header is checked completely, and the size it declares is compared with the actual file size
     * before the array is allocated, so a corrupt or hostile header cannot cause a huge allocation.
     *
     * @param file the .npy file
     * @return the shape and the data in C order
     * @throws NpyFormatException if the file is not a float64, C-order .npy file of version 1.0, 2.0 or 3.0,
     *     or its data section is shorter or longer than the shape requires
     * @throws IOException if the file cannot be opened or read
     */
    public static NpyArray read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            int got = AtomicFiles.readFully(ch, prefix, 0);
            for (int i = 0; i < Math.min(got, MAGIC.length); i++) {
                if (prefix.get(i) != MAGIC[i]) {
                    throw badMagic(file, prefix, got);
                }
            }
            if (got < 8) {
                throw truncatedHeader(file, "the file is only " + fileSize + " bytes long");
            }
            int major = prefix.get(6) & 0xff;
            int minor = prefix.get(7) & 0xff;
            if (minor != 0 || major < 1 || major > 3) {
                throw new NpyFormatException(file, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)", RESAVE);
            }
            int prefixLen = major == 1 ? 10 : 12;
            if (got < prefixLen) {
                throw truncatedHeader(file, "the file is only " + fileSize + " bytes long");
            }
            long headerLen = major == 1 ? Short.toUnsignedLong(prefix.getShort(8)) : Integer.toUnsignedLong(prefix.getInt(8));
            if (prefixLen + headerLen > fileSize) {
                throw truncatedHeader(file, "it declares " + headerLen + " header bytes but only "
                    + (fileSize - prefixLen) + " follow");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new NpyFormatException(file, "header of " + headerLen + " bytes is longer than the "
                    + MAX_HEADER_BYTES + "-byte limit", RESAVE);
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLen);
            if (AtomicFiles.readFully(ch, headerBytes, prefixLen) < headerLen) {
                throw truncatedHeader(file, "the file shrank while it was read");
            }
            String header = decodeHeader(file, headerBytes.flip(), major);
            Header h = interpret(file, new HeaderParser(file, header).parse());

            long dataOffset = prefixLen + headerLen;
            long expected = h.count() * Double.BYTES;
            long found = fileSize - dataOffset;
            if (found < expected) {
                throw new NpyFormatException(file, "truncated: shape " + shapeString(h.shape()) + " needs "
                    + expected + " data bytes but the file has " + found, "the file is incomplete; save it again");
            }
            if (found > expected) {
                throw new NpyFormatException(file, (found - expected) + " unexpected trailing bytes after the "
                    + expected + " data bytes of shape " + shapeString(h.shape()),
                    "the file is corrupt or was written by something other than numpy.save; " + RESAVE);
            }
            return new NpyArray(h.shape(), readData(file, ch, dataOffset, (int) h.count(), h.order()));
        }
    }

    /**
     * Writes a float64 array as a .npy file (version 1.0, or 2.0 if the header needs more than 65535 bytes),
     * dtype {@code '<f8'}, C order, with the data starting at a multiple of 64 bytes.
     *
     * <p>The file is written to a temporary file in the same directory, forced to disk, then moved over
     * {@code file} atomically; on failure the temporary file is deleted and an existing {@code file} is left
     * as it was.
     *
     * @param file the target file; replaced if it exists
     * @param shape the dimensions, outermost first; empty for a scalar
     * @param data the elements in C order
     * @throws IllegalArgumentException if a dimension is negative or the product of {@code shape} is not
     *     {@code data.length}
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(Path file, int[] shape, double[] data) throws IOException {
        write(file, new NpyArray(shape, data));
    }

    /**
     * Writes an array; same as {@link #write(Path, int[], double[])} with its shape and data.
     *
     * @param file the target file; replaced if it exists
     * @param array the array to write
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(Path file, NpyArray array) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(array, "array");
        byte[] header = headerBytes(array.shape());
        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            writeData(ch, array.data());
        });
    }

    /**
     * Formats a shape the way NumPy prints it: {@code ()}, {@code (5,)}, {@code (3, 128, 128)}.
     *
     * @param shape the dimensions
     * @return the Python tuple literal
     */
    public static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** What the header dict says, after validation. */
    private record Header(int[] shape, long count, ByteOrder order) {
    }

    /** A parsed dict value with the header text it came from, for error messages. */
    private record Entry(Object value, String source) {
    }

    /** A Python number literal, kept as text: only shape dimensions are interpreted, and only as integers. */
    private record Num(String text) {
    }

    /** A Python tuple. */
    private record Tuple(List<Object> items) {
    }

    /** A Python list. */
    private record PyList(List<Object> items) {
    }

    /** Items between brackets, and whether a comma appeared (which makes {@code (x,)} a tuple). */
    private record Sequence(List<Object> items, boolean hasComma) {
    }

    /** Python's None. */
    private enum PyNone { NONE }

    private static String decodeHeader(Path file, ByteBuffer bytes, int major) throws NpyFormatException {
        if (major < 3) {
            // Versions 1.0 and 2.0 are latin-1 by definition; every byte sequence decodes.
            return StandardCharsets.ISO_8859_1.decode(bytes).toString();
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new NpyFormatException(file, "malformed header: version 3.0 header is not valid UTF-8", RESAVE);
        }
    }

    private static Header interpret(Path file, Map<String, Entry> dict) throws NpyFormatException {
        for (String key : dict.keySet()) {
            if (!KEYS.contains(key)) {
                throw new NpyFormatException(file, "header dict has unexpected key '" + printable(key)
                    + "' (expected only descr, fortran_order, shape)", RESAVE);
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new NpyFormatException(file, "header dict has no '" + key + "' key", RESAVE);
            }
        }

        Entry descr = dict.get("descr");
        if (!(descr.value() instanceof String dtype)) {
            throw new NpyFormatException(file, "dtype " + snippet(descr.source())
                + " is a structured dtype, not float64", "save a plain float64 array, e.g. arr[name].astype(numpy.float64)");
        }
        ByteOrder order = float64Order(dtype);
        if (order == null) {
            throw new NpyFormatException(file, "dtype '" + printable(dtype) + "' is not float64",
                "save the array with arr.astype(numpy.float64)");
        }

        Entry fortran = dict.get("fortran_order");
        if (!(fortran.value() instanceof Boolean isFortran)) {
            throw new NpyFormatException(file, "malformed header: fortran_order is " + snippet(fortran.source())
                + ", not True or False", RESAVE);
        }
        if (isFortran) {
            throw new NpyFormatException(file, "data is in Fortran (column-major) order (fortran_order is True)",
                "save the array with numpy.save(path, numpy.ascontiguousarray(arr))");
        }

        Entry shapeEntry = dict.get("shape");
        String shapeText = snippet(shapeEntry.source());
        if (!(shapeEntry.value() instanceof Tuple tuple)) {
            throw new NpyFormatException(file, "malformed header: shape " + shapeText
                + " is not a tuple (a 1-d shape is written (n,))", RESAVE);
        }
        int[] shape = new int[tuple.items().size()];
        long count = 1;
        boolean intOverflow = false;
        for (int i = 0; i < shape.length; i++) {
            Object item = tuple.items().get(i);
            String text = item instanceof Num num ? num.text() : "";
            if (!text.matches("[+-]?[0-9]+")) {
                throw new NpyFormatException(file, "shape " + shapeText + " has a non-integer dimension", RESAVE);
            }
            String digits = text.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
            if (text.startsWith("-") && !digits.equals("0")) {
                throw new NpyFormatException(file, "shape " + shapeText + " has a negative dimension", RESAVE);
            }
            // More than 10 digits cannot fit an int; checking the length first keeps parseLong from overflowing.
            long dim = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(digits);
            if (dim > Integer.MAX_VALUE) {
                intOverflow = true;
            } else {
                shape[i] = (int) dim;
            }
            // Saturate just above the limit so the product cannot overflow; a later 0 still gives 0.
            count = Math.min(count * Math.min(dim, MAX_ELEMENTS + 1), MAX_ELEMENTS + 1);
        }
        // A dimension above the element limit is fine when another one is 0 (numpy saves such empty arrays),
        // as long as it fits the int of the shape.
        if (intOverflow && count == 0) {
            throw new NpyFormatException(file, "shape " + shapeText + " has a dimension larger than "
                + Integer.MAX_VALUE + ", more than a Java int holds", RESAVE + " without the empty dimensions");
        }
        if (count > MAX_ELEMENTS || intOverflow) {
            throw tooManyElements(file, shapeText);
        }
        return new Header(shape, count, order);
    }

    /** The byte order of a float64 dtype string, or null if it is not float64. */
    private static ByteOrder float64Order(String dtype) {
        return switch (dtype) {
            case "<f8", "<d" -> ByteOrder.LITTLE_ENDIAN;
            case ">f8", ">d" -> ByteOrder.BIG_ENDIAN;
            // No explicit order means the machine's own, as numpy.dtype reads it.
            case "=f8", "f8", "=d", "d", "float64" -> ByteOrder.nativeOrder();
            default -> null;
        };
    }

    private static double[] readData(Path file, FileChannel ch, long offset, int count, ByteOrder order)
            throws IOException {
        double[] data = new double[count];
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, Math.max(Double.BYTES, count * (long) Double.BYTES)))
            .order(order);
        int perChunk = buf.capacity() / Double.BYTES;
        long position = offset;
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, perChunk);
            buf.clear().limit(n * Double.BYTES);
            if (AtomicFiles.readFully(ch, buf, position) < n * Double.BYTES) {
                throw new NpyFormatException(file, "truncated: the file shrank while it was read",
                    "do not modify the file while it is read");
            }
            buf.flip();
            // The view inherits buf's byte order, so this bulk copy also swaps bytes when needed.
            buf.asDoubleBuffer().get(data, done, n);
            done += n;
            position += (long) n * Double.BYTES;
        }
        return data;
    }

    private static void writeData(FileChannel ch, double[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, Math.max(Double.BYTES, data.length * (long) Double.BYTES)))
            .order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = buf.capacity() / Double.BYTES;
        int done = 0;
        while (done < data.length) {
            int n = Math.min(data.length - done, perChunk);
            buf.clear();
            buf.asDoubleBuffer().put(data, done, n);
            buf.limit(n * Double.BYTES);
            AtomicFiles.writeFully(ch, buf);
            done += n;
        }
    }

    /** Version, length field and padded header, laid out so the data starts at a multiple of 64 bytes. */
    private static byte[] headerBytes(int[] shape) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        int prefixLen = 10;
        int headerLen = paddedHeaderLength(prefixLen, dict.length());
        if (headerLen > 0xffff) {
            // Version 1.0 stores the header length in 2 bytes; 2.0 has 4.
            prefixLen = 12;
            headerLen = paddedHeaderLength(prefixLen, dict.length());
        }
        ByteBuffer out = ByteBuffer.allocate(prefixLen + headerLen).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC);
        if (prefixLen == 10) {
            out.put((byte) 1).put((byte) 0).putShort((short) headerLen);
        } else {
            out.put((byte) 2).put((byte) 0).putInt(headerLen);
        }
        out.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (out.position() < out.limit() - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    /** Header length including the spaces and the final newline that align prefix + header to 64 bytes. */
    private static int paddedHeaderLength(int prefixLen, int dictLen) {
        int unpadded = prefixLen + dictLen + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        return total - prefixLen;
    }

    private static NpyFormatException badMagic(Path file, ByteBuffer prefix, int got) {
        if (got >= 2 && prefix.get(0) == 'P' && prefix.get(1) == 'K') {
            return new NpyFormatException(file, "not a .npy file but a zip archive (an .npz?)",
                "extract one array with numpy.save(path, numpy.load(npz)[name])");
        }
        return new NpyFormatException(file, "not a .npy file (bad magic: it does not start with \\x93NUMPY)",
            "save the array with numpy.save");
    }

    private static NpyFormatException truncatedHeader(Path file, String detail) {
        return new NpyFormatException(file, "truncated header: " + detail, "the file is incomplete; save it again");
    }

    private static NpyFormatException tooManyElements(Path file, String shapeText) {
        return new NpyFormatException(file, "shape " + shapeText + " has more than " + MAX_ELEMENTS
            + " elements, too many for one Java array", "split the array into smaller files");
    }

    /** Header text for a message: one line, printable ASCII, at most about 100 characters. */
    private static String snippet(String text) {
        String t = text.strip();
        return printable(t.length() > 100 ? t.substring(0, 100) + "..." : t);
    }

    /** Escapes control and non-ASCII characters so a message stays on one readable line. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else if (c < 0x100) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    /**
     * Strict parser for the header: a Python dict literal of strings, numbers, True/False/None, tuples, lists
     * and dicts, with single or double quotes, optional trailing commas and free whitespace between tokens.
     */
    private static final class HeaderParser {

        private final Path file;
        private final String text;
        private int pos;

        HeaderParser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        Map<String, Entry> parse() throws NpyFormatException {
            skipSpace();
            if (pos >= text.length() || text.charAt(pos) != '{') {
                throw malformed("expected '{' at the start of the header dict");
            }
            Map<String, Entry> dict = parseDict(0);
            skipSpace();
            if (pos < text.length()) {
                throw malformed("unexpected text after the closing '}'");
            }
            return dict;
        }

        private Object parseValue(int depth) throws NpyFormatException {
            if (depth > MAX_NESTING) {
                throw malformed("values nested more than " + MAX_NESTING + " deep");
            }
            skipSpace();
            if (pos >= text.length()) {
                throw malformed("unexpected end of the header");
            }
            char c = text.charAt(pos);
            if (c == '\'' || c == '"') {
                return parseString();
            } else if (c == '(') {
                return parseTuple(depth);
            } else if (c == '[') {
                return new PyList(parseSequence(']', depth).items());
            } else if (c == '{') {
                return parseDict(depth);
            } else if (isAsciiDigit(c) || c == '+' || c == '-' || c == '.') {
                return parseNumber();
            } else if (isAsciiLetter(c) || c == '_') {
                return parseName();
            }
            throw malformed("unexpected character '" + printable(String.valueOf(c)) + "'");
        }

        private Map<String, Entry> parseDict(int depth) throws NpyFormatException {
            pos++;
            Map<String, Entry> dict = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    return dict;
                }
                if (peek() != '\'' && peek() != '"') {
                    throw malformed(pos >= text.length() ? "unexpected end of the header" : "expected a quoted key");
                }
                String key = parseString();
                skipSpace();
                if (peek() != ':') {
                    throw malformed("expected ':' after key '" + printable(key) + "'");
                }
                pos++;
                skipSpace();
                int start = pos;
                Object value = parseValue(depth + 1);
                if (dict.put(key, new Entry(value, text.substring(start, pos))) != null) {
                    throw malformed("key '" + printable(key) + "' appears twice");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw malformed("expected ',' or '}' after the value of '" + printable(key) + "'");
                }
            }
        }

        /** A parenthesised single value without a comma is just that value, as in Python. */
        private Object parseTuple(int depth) throws NpyFormatException {
            Sequence seq = parseSequence(')', depth);
            return seq.items().size() == 1 && !seq.hasComma() ? seq.items().get(0) : new Tuple(seq.items());
        }

        private Sequence parseSequence(char close, int depth) throws NpyFormatException {
            pos++;
            List<Object> items = new ArrayList<>();
            boolean comma = false;
            while (true) {
                skipSpace();
                if (peek() == close) {
                    pos++;
                    return new Sequence(items, comma);
                }
                items.add(parseValue(depth + 1));
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    comma = true;
                } else if (peek() != close) {
                    throw malformed(pos >= text.length() ? "unexpected end of the header"
                        : "expected ',' or '" + close + "'");
                }
            }
        }

        private String parseString() throws NpyFormatException {
            char quote = text.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length() || text.charAt(pos) == '\n') {
                    throw malformed("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == quote) {
                    return sb.toString();
                }
                // Escapes only matter for exotic field names, which are refused later anyway: keep the char.
                if (c == '\\' && pos < text.length()) {
                    c = text.charAt(pos++);
                }
                sb.append(c);
            }
        }

        private Num parseNumber() throws NpyFormatException {
            int start = pos;
            if (text.charAt(pos) == '+' || text.charAt(pos) == '-') {
                pos++;
            }
            while (pos < text.length()) {
                char c = text.charAt(pos);
                char prev = text.charAt(pos - 1);
                boolean exponentSign = (c == '+' || c == '-') && (prev == 'e' || prev == 'E') && pos - 1 > start;
                if (isAsciiDigit(c) || isAsciiLetter(c) || c == '.' || c == '_' || exponentSign) {
                    pos++;
                } else {
                    break;
                }
            }
            String num = text.substring(start, pos);
            if (!num.matches("[+-]?\\.?[0-9].*")) {
                pos = start;
                throw malformed("bad number '" + printable(num) + "'");
            }
            return new Num(num);
        }

        private Object parseName() throws NpyFormatException {
            int start = pos;
            while (pos < text.length() && (isAsciiLetter(text.charAt(pos)) || isAsciiDigit(text.charAt(pos))
                    || text.charAt(pos) == '_')) {
                pos++;
            }
            String name = text.substring(start, pos);
            return switch (name) {
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                case "None" -> PyNone.NONE;
                default -> {
                    pos = start;
                    throw malformed("unknown name '" + printable(name) + "' (only True, False and None are allowed)");
                }
            };
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private NpyFormatException malformed(String detail) {
            return new NpyFormatException(file, "malformed header dict at character " + pos + ": " + detail
                + " (header: " + snippet(text) + ")", RESAVE);
        }

        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isAsciiLetter(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
    }
}
