package org.lshsmile.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lshsmile.core.io.Checkpoint;

/**
 * The checkpoint files of a run, {@code DIR/checkpoints/ckpt_<10 digits>.ckpt}, written by
 * {@link Checkpoint#write} (atomic, CRC32C). Only the newest {@link #KEEP} are kept: after each write the
 * older files of that name pattern are deleted. The directory belongs to the run, so every file named
 * like a checkpoint in it is treated as one of the run's.
 */
final class Checkpoints {

    /** Subdirectory of the output directory. */
    static final String DIR = "checkpoints";
    /** File name prefix, as {@link Checkpoint#fileName} and {@link Checkpoint#latestValid} take it. */
    static final String PREFIX = "ckpt_";
    /** Checkpoint files kept. */
    static final int KEEP = 2;

    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "([0-9]{1,18})"
        + Pattern.quote(Checkpoint.SUFFIX));

    private final Path dir;

    /** The checkpoints of the run in {@code out}. */
    Checkpoints(Path out) {
        this.dir = out.resolve(DIR);
    }

    /** The checkpoints directory. */
    Path dir() {
        return dir;
    }

    /** A checkpoint file and its step. */
    record File(Path path, long step) {
    }

    /** The files named like checkpoints, oldest first; none when the directory is missing. */
    List<File> list() {
        List<File> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    files.add(new File(p, Long.parseLong(m.group(1))));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "cannot list " + dir + " (" + OutputDir.reason(e) + ")",
                "check its permissions", e);
        }
        files.sort(Comparator.comparingLong(File::step).thenComparing(f -> f.path().getFileName().toString()));
        return files;
    }

    /**
     * Deletes the checkpoint files of steps above {@code step}: a fresh run (step -1) drops an earlier
     * run's, a resumed run those after the checkpoint it continues from (abandoned or corrupt).
     */
    void deleteAfter(long step) {
        for (File f : list()) {
            if (f.step() > step) {
                delete(f.path());
            }
        }
    }

    /**
     * Writes the checkpoint of {@code step}, then deletes all but the newest {@link #KEEP}.
     *
     * @return its path relative to the output directory, e.g. {@code checkpoints/ckpt_0000000100.ckpt}
     */
    String write(Map<String, String> meta, long step, int fields, int ny, int nx, double[] data) {
        String name = Checkpoint.fileName(PREFIX, step);
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            Checkpoint.write(file, new Checkpoint(meta, step, fields, ny, nx, data));
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "cannot write checkpoint " + file + " ("
                + OutputDir.reason(e) + ")", OutputDir.fix(e) + "; earlier checkpoints are intact ('lshsmile simulate"
                + " --resume' continues from the newest)", e);
        }
        List<File> all = list();
        for (int i = 0; i < all.size() - KEEP; i++) {
            delete(all.get(i).path());
        }
        return DIR + "/" + name;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "cannot delete old checkpoint " + p + " ("
                + OutputDir.reason(e) + ")", "check the directory's permissions", e);
        }
    }
}
