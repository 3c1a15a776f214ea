package org.lshsmile.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe replacement of a file: the content goes to a hidden temporary file in the same directory, is
 * forced to disk, and is then moved over the target atomically, so a reader sees either the old file or the
 * complete new one, never a partial one.
 */
final class AtomicFiles {

    /** Suffix of the temporary files; anything ending in it next to a target is a leftover of a crash. */
    static final String TMP_SUFFIX = ".tmp";

    /** Produces the content of a file through a channel positioned at its start. */
    @FunctionalInterface
    interface Body {
        /**
         * Writes the whole content.
         *
         * @param ch the channel of the temporary file
         * @throws IOException if writing fails
         */
        void writeTo(FileChannel ch) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code file} atomically: temporary file, {@code force(true)}, {@code ATOMIC_MOVE}, then a
     * best-effort fsync of the directory so the rename itself survives a power cut. On any failure the
     * temporary file is deleted and an existing {@code file} is left as it was.
     *
     * @param file the target; replaced if it exists
     * @param body writes the content
     * @throws IllegalArgumentException if {@code file} has no file name (a root)
     * @throws IOException if the file cannot be written or moved into place
     */
    static void write(Path file, Body body) throws IOException {
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
