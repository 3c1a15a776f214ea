package org.lshsmile.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.io.AtomicFiles;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.Vti;

/**
 * The output directory of a run. Every file is written to a hidden temporary file in the directory, forced
 * to disk and moved over its target atomically ({@link AtomicFiles}), so a reader never sees half a file and
 * an interrupted run, a full disk or a failing writer leaves the previous version in place. Only files this run names are ever replaced; nothing is deleted here
 * ({@link Checkpoints} manages the {@code checkpoints/} subdirectory).
 */
final class OutputDir {

    private final Path dir;
    private final LinkedHashSet<String> written = new LinkedHashSet<>();

    private OutputDir(Path dir) {
        this.dir = dir;
    }

    /** Body of a file: writes its bytes to the stream. */
    @FunctionalInterface
    interface Body {
        /** Writes the content. */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Refuses, before anything is written, an output path that is a file, a non-empty directory without
     * {@code force}, or a place where no directory can be created.
     *
     * @param option the option that named it, for the message
     */
    static void check(Path dir, boolean force, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw CliException.usage(option + " " + dir + " is a file, not a directory",
                "give a directory path (it is created if missing)");
        }
        if (Files.isDirectory(dir)) {
            if (!force && !isEmpty(dir)) {
                throw CliException.usage("output directory " + dir + " is not empty",
                    "add --force to overwrite lshsmile's files in it (nothing else is touched), or choose another "
                        + option);
            }
            if (!Files.isWritable(dir)) {
                throw CliException.usage("output directory " + dir + " is not writable", "choose another " + option);
            }
            return;
        }
        Path p = dir.toAbsolutePath().getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p != null && !Files.isDirectory(p)) {
            throw CliException.usage("cannot create " + option + " " + dir + ": " + p + " is a file",
                "choose another " + option);
        }
        if (p != null && !Files.isWritable(p)) {
            throw CliException.usage("cannot create " + option + " " + dir + ": " + p + " is not writable",
                "choose another " + option);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw CliException.usage("cannot list output directory " + dir + " (" + reason(e) + ")",
                "choose another directory");
        }
    }

    /** Creates the directory (and its parents) if missing. */
    static OutputDir create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "cannot create output directory " + dir + " ("
                + reason(e) + ")", "check the path and its permissions", e);
        }
        return new OutputDir(dir);
    }

    /** The directory. */
    Path path() {
        return dir;
    }

    /** A file in the directory. */
    Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Names written so far, in order, each once. */
    List<String> written() {
        return List.copyOf(written);
    }

    /** Writes a float64 .npy file (atomically, by {@link Npy#write}). */
    void writeNpy(String name, int[] shape, double[] data) {
        try {
            Npy.write(dir.resolve(name), shape, data);
        } catch (IOException e) {
            throw cannotWrite(name, e);
        }
        note(name);
    }

    /** Writes the grid's current state as VTK ImageData (atomically, by {@link Vti#write}). */
    void writeVti(String name, Grid grid, String[] fieldNames, double time) {
        try {
            Vti.write(dir.resolve(name), grid, fieldNames, time);
        } catch (IOException e) {
            throw cannotWrite(name, e);
        }
        note(name);
    }

    /**
     * Writes a file through a temporary file, fsync and an atomic move ({@link AtomicFiles#writeStream}); on
     * any failure the previous version of the file is left as it was and no temporary file remains.
     */
    void write(String name, Body body) {
        try {
            AtomicFiles.writeStream(dir.resolve(name), body::writeTo);
        } catch (IOException e) {
            throw cannotWrite(name, e);
        }
        note(name);
    }

    /**
     * Deletes temporary files that a killed run left in the directory and in {@code sub} (see
     * {@link AtomicFiles#deleteLeftovers}).
     *
     * @return the names deleted, relative to the directory
     */
    List<String> deleteLeftovers(String sub) {
        List<String> deleted = new ArrayList<>();
        Path p = dir;
        try {
            deleted.addAll(AtomicFiles.deleteLeftovers(dir));
            p = dir.resolve(sub);
            for (String n : AtomicFiles.deleteLeftovers(p)) {
                deleted.add(sub + "/" + n);
            }
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "cannot remove leftover temporary files in " + p + " ("
                + reason(e) + ")", fix(e), e);
        }
        return deleted;
    }

    private void note(String name) {
        written.add(name);
    }

    private CliException cannotWrite(String name, IOException e) {
        return new CliException(CliException.FAILURE, "cannot write " + dir.resolve(name) + " (" + reason(e) + ")",
            fix(e) + "; files written before are intact", e);
    }

    /** What to do about a failed write, from its reason: full disk, read-only or forbidden place, other. */
    static String fix(IOException e) {
        String r = reason(e).toLowerCase(Locale.ROOT);
        if (r.contains("no space left") || r.contains("quota")) {
            return "free space on that file system or choose an output directory on another one";
        }
        if (e instanceof AccessDeniedException || r.contains("read-only") || r.contains("permission denied")
            || r.contains("operation not permitted")) {
            return "make the directory writable or choose another output directory";
        }
        return "check free disk space and permissions";
    }

    /** A short reason for an I/O failure. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : CliException.oneLine(e.getMessage());
    }
}
