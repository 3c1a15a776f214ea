package org.lshsmile.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;
import org.lshsmile.core.io.NpyFormatException;

/**
 * A dataset directory of {@code lshsmile dataset}: its checked {@link DatasetIndex} and its frames, read on
 * demand. {@link #open} finds every frame file the index lists; {@link #frame} reads one and checks its shape
 * against the index and every value for NaN and infinity; {@link #verify} does that for all of them.
 * Problems are one-line {@link CliException}s (exit code 2). Nothing here writes.
 */
final class Dataset {

    private static final String RESTORE = "restore it, or regenerate the dataset ('lshsmile dataset ... --force')";

    private final Path dir;
    private final DatasetIndex index;

    private Dataset(Path dir, DatasetIndex index) {
        this.dir = dir;
        this.index = index;
    }

    /**
     * Reads the index of {@code dir} and checks that every frame file it lists is there.
     *
     * @throws CliException (exit code 2) for a missing or bad index, or a missing frame file
     */
    static Dataset open(Path dir) {
        DatasetIndex index = DatasetIndex.read(dir);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < index.frames().size(); i++) {
            if (!Files.isRegularFile(dir.resolve(index.frames().get(i).file()))) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            int i = missing.get(0);
            throw CliException.usage("dataset " + dir + " is missing " + describe(index, i)
                + (missing.size() > 1 ? " and " + (missing.size() - 1) + " more of its " + index.frames().size()
                    + " frames" : ""), "restore the files, or regenerate the dataset ('lshsmile dataset ... --force')");
        }
        return new Dataset(dir, index);
    }

    /** The dataset directory. */
    Path dir() {
        return dir;
    }

    /** The index. */
    DatasetIndex index() {
        return index;
    }

    /** Number of frames. */
    int size() {
        return index.frames().size();
    }

    /** The file of frame i. */
    Path file(int i) {
        return dir.resolve(index.frames().get(i).file());
    }

    /**
     * Frame i: (m, ny, nx) in C order, checked against the index (a (ny, nx) array is taken for one field)
     * and for non-finite values.
     *
     * @throws CliException (exit code 2) if the file is missing, unreadable, of another shape, or not finite
     */
    double[] frame(int i) {
        Path f = file(i);
        NpyArray a;
        try {
            a = Npy.read(f);
        } catch (NoSuchFileException e) {
            throw CliException.usage("dataset " + dir + " is missing " + describe(index, i), RESTORE);
        } catch (AccessDeniedException e) {
            throw CliException.usage("cannot read " + f + ": permission denied", "check its permissions");
        } catch (NpyFormatException e) {
            throw new CliException(CliException.USAGE, CliException.oneLine(e.getMessage()), null, e);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read " + f + " (" + OutputDir.reason(e) + ")",
                "check the file and its permissions", e);
        }
        int[] want = index.frameShape();
        int[] s = a.shape();
        boolean plane = want[0] == 1 && s.length == 2 && s[0] == want[1] && s[1] == want[2];
        if (!plane && !Arrays.equals(s, want)) {
            throw CliException.usage(f + " (frame " + i + ", step " + index.step(i) + ") has shape "
                + Npy.shapeString(s) + ", but " + DatasetIndex.FILE + " gives every frame the shape "
                + Npy.shapeString(want), RESTORE);
        }
        double[] v = a.data();
        int cells = index.ny() * index.nx();
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                int field = k / cells;
                throw CliException.usage(f + " (frame " + i + ", step " + index.step(i) + ") has a non-finite value "
                    + v[k] + " in field " + index.fieldNames().get(field) + " at y=" + (k % cells / index.nx())
                    + ", x=" + (k % index.nx()), "regenerate the dataset ('lshsmile dataset ... --force'; a dataset"
                    + " run stops at the first NaN), or restore the frame");
            }
        }
        return v;
    }

    /** Reads every frame once, in order, checking each as {@link #frame} does. */
    void verify() {
        for (int i = 0; i < size(); i++) {
            frame(i);
        }
    }

    /** A grid of the dataset's shape, spacing and boundary, owned (and closed) by the caller. */
    Grid newGrid() {
        return new Grid(index.fields(), index.ny(), index.nx(), index.dx(), index.boundary());
    }

    /**
     * Loads frame i into {@code grid}.
     *
     * @throws IllegalArgumentException if the grid is not of the dataset's shape
     */
    void load(int i, Grid grid) {
        if (grid.fields() != index.fields() || grid.ny() != index.ny() || grid.nx() != index.nx()) {
            throw new IllegalArgumentException("grid " + grid.shape() + " is not of the dataset's shape "
                + Npy.shapeString(index.frameShape()));
        }
        grid.copyFrom(frame(i));
    }

    /** "frame_00003.npy (frame 3, step 15, listed in index.json)". */
    private static String describe(DatasetIndex index, int i) {
        return index.frames().get(i).file() + " (frame " + i + ", step " + index.step(i) + ", listed in "
            + DatasetIndex.FILE + ")";
    }
}
