package org.lshsmile.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.lshsmile.core.lsh.LshSmileEngine;

/**
 * {@code simulate --engine lsh --stats FILE}: one CSV row per LSH step, the encoding first as step 0.
 *
 * <p>Rows are streamed to a hidden temporary file next to {@code FILE} (a long run would not fit in
 * memory) that {@link #close()} forces to disk and moves over {@code FILE} atomically, as {@link OutputDir}
 * does, so a reader never sees half a file. A run that fails still publishes the rows up to the failure; a
 * killed run leaves {@code FILE} as it was (and the temporary file, which a resume does not clean: it
 * lies outside the output directory).
 */
final class StatsCsv implements AutoCloseable {

    /** The header line (without newline). */
    static final String HEADER = "step,buckets,active_buckets,active_elements,evals,merges,rejected_merges,rehashed,"
        + "eval_ns,rehash_ns,merge_ns,total_ns";

    private final Path file;
    private final Path tmp;
    private final FileChannel channel;
    private final Writer out;
    private long rows;
    private boolean closed;

    private StatsCsv(Path file, Path tmp, FileChannel channel) {
        this.file = file;
        this.tmp = tmp;
        this.channel = channel;
        this.out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.US_ASCII));
    }

    /**
     * Refuses, before anything is written, a {@code --stats} path that is a directory, an existing file
     * without {@code force}, or a place where no file can be created.
     */
    static void check(Path file, boolean force) {
        if (Files.isDirectory(file)) {
            throw CliException.usage("--stats " + file + " is a directory", "give a file path, e.g. --stats stats.csv");
        }
        if (Files.exists(file) && !force) {
            throw CliException.usage("--stats file " + file + " exists", "add --force to replace it, or choose another"
                + " file");
        }
        Path p = file.toAbsolutePath().getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p != null && !Files.isDirectory(p)) {
            throw CliException.usage("cannot create --stats " + file + ": " + p + " is a file", "choose another file");
        }
        if (p != null && !Files.isWritable(p)) {
            throw CliException.usage("cannot create --stats " + file + ": " + p + " is not writable",
                "choose another file");
        }
    }

    /** Starts the file (creating its directory if missing) and writes the header. */
    static StatsCsv open(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + "."
            + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.createDirectories(dir);
            StatsCsv s = new StatsCsv(file, tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
            s.out.write(HEADER);
            s.out.write('\n');
            return s;
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    /** Adds the row of one step. */
    void add(LshSmileEngine.StepStats s) {
        StringBuilder sb = new StringBuilder(96);
        sb.append(s.step()).append(',').append(s.buckets()).append(',').append(s.activeBuckets()).append(',')
            .append(s.activeElements()).append(',').append(s.evals()).append(',').append(s.merges()).append(',')
            .append(s.rejectedMerges()).append(',').append(s.rehashed()).append(',').append(s.evalNanos()).append(',')
            .append(s.rehashNanos()).append(',').append(s.mergeNanos()).append(',').append(s.totalNanos()).append('\n');
        try {
            out.write(sb.toString());
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
        rows++;
    }

    /** Rows written (without the header). */
    long rows() {
        return rows;
    }

    /** The file the rows go to. */
    Path file() {
        return file;
    }

    /** Flushes and moves the rows written so far over the target file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.flush();
            channel.force(true);
            out.close();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                out.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw cannotWrite(file, e);
        }
    }

    private static CliException cannotWrite(Path file, IOException e) {
        return new CliException(CliException.FAILURE, "cannot write --stats " + file + " (" + OutputDir.reason(e)
            + ")", OutputDir.fix(e), e);
    }
}
