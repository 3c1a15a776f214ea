package org.lshsmile.core.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Crash-safe replacement of a file: the content goes to a hidden temporary file in the same directory
 * ({@code .<name>.<random>.tmp}), is forced to disk, and is then moved over the target atomically, so a
 * reader sees either the old file or the complete new one, never a partial one. A process killed in the
 * middle leaves at most a temporary file behind, which {@link #deleteLeftovers} removes.
 *
 * <p>Test hook: with the system property {@value #PAUSE_PROPERTY} set to a number of milliseconds, every
 * {@link #writeFully} sleeps that long after its write, so a partially written temporary file exists for a
 * while. The crash tests ({@code KillResumeTest} in cli, {@code scripts/kill-resume.sh}) use it to land
 * SIGKILLs inside checkpoint writes; it is read once, and unset (the default) it costs nothing.
 */
public final class AtomicFiles {

    /** Suffix of the temporary files; anything ending in it next to a target is a leftover of a crash. */
    public static final String TMP_SUFFIX = ".tmp";

    /** The test-only system property that slows down writes, in milliseconds (see the class comment). */
    public static final String PAUSE_PROPERTY = "lshsmile.test.writePauseMillis";

    /** Names {@link #write} gives its temporary files: a dot, the target's name, a base-36 long, ".tmp". */
    private static final Pattern TMP_NAME = Pattern.compile("\\..+\\.[0-9a-z]{1,13}" + Pattern.quote(TMP_SUFFIX));

    private static final long PAUSE_MILLIS = Long.getLong(PAUSE_PROPERTY, 0L);

    /** Produces the content of a file through a channel positioned at its start. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the whole content.
         *
         * @param ch the channel of the temporary file
         * @throws IOException if writing fails
         */
        void writeTo(FileChannel ch) throws IOException;
    }

    /** Produces the content of a file through a stream. */
    @FunctionalInterface
    public interface StreamBody {
        /**
         * Writes the whole content.
         *
         * @param out the stream of the temporary file; flushed and closed by the caller
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code file} atomically: temporary file, {@code force(true)}, {@code ATOMIC_MOVE}, then a
     * best-effort fsync of the directory so the rename itself survives a power cut. On any failure, a full
     * disk included, the temporary file is deleted and an existing {@code file} is left as it was.
     *
     * @param file the target; replaced if it exists
     * @param body writes the content
     * @throws IllegalArgumentException if {@code file} has no file name (a root)
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void write(Path file, Body body) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(body, "body");
        Path target = file.toAbsolutePath();
        Path name = target.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("not a file path: " + file);
        }
        // Hidden, random name in the same directory: same file system, so the final move can be atomic.
        Path tmp = target.resolveSibling("." + name + "."
            + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + TMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        forceDirectory(target.getParent());
    }

    /**
     * Writes {@code file} atomically as {@link #write(Path, Body)} does, through an output stream.
     *
     * @param file the target; replaced if it exists
     * @param body writes the content
     * @throws IllegalArgumentException if {@code file} has no file name (a root)
     * @throws IOException if the file cannot be written or moved into place
     */
    public static void writeStream(Path file, StreamBody body) throws IOException {
        Objects.requireNonNull(body, "body");
        write(file, ch -> {
            // Not closed here: closing the stream would close the channel before write() forces it.
            OutputStream out = Channels.newOutputStream(ch);
            body.writeTo(out);
            out.flush();
        });
    }

    /**
     * Deletes the temporary files that {@link #write} leaves in {@code dir} when its process is killed
     * in the middle of a write ({@code .<name>.<random>.tmp}); other files are not touched. Only call it on a
     * directory no other process is writing to.
     *
     * @param dir the directory; a missing one has nothing to delete
     * @return the names deleted, sorted
     * @throws IOException if the directory cannot be listed or a leftover cannot be deleted
     */
    public static List<String> deleteLeftovers(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        List<String> deleted = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Path fn = p.getFileName();
                if (fn != null && TMP_NAME.matcher(fn.toString()).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    deleted.add(fn.toString());
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        deleted.sort(null);
        return deleted;
    }

    /**
     * Writes all remaining bytes of {@code src} at the channel's position.
     *
     * @param ch the channel
     * @param src the bytes from its position to its limit
     * @throws IOException if writing fails
     */
    static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            ch.write(src);
        }
        if (PAUSE_MILLIS > 0) {
            pause();
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during the " + PAUSE_PROPERTY + " pause");
        }
    }

    /**
     * Reads from {@code position} until {@code dst} is full or the file ends.
     *
     * @param ch the channel
     * @param dst filled from its position up to its limit
     * @param position where in the file to start
     * @return the number of bytes read, less than requested only at the end of the file
     * @throws IOException if reading fails
     */
    static int readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, position + total);
            // 0 cannot happen for a blocking file read with room left, but it must not become a busy loop.
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** The file is already safely in place; a platform that cannot open directories (Windows) just skips this. */
    private static void forceDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Best effort only: the data is durable and the rename is atomic either way.
        }
    }
}
