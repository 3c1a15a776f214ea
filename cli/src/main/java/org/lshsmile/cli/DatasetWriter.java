package org.lshsmile.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.engine.GuardedRun;
import org.lshsmile.core.engine.NonFiniteStateException;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.StencilKernels;

/**
 * Writes a dataset: runs the exact engine from the initial state and writes frame i, the state after
 * {@code i * every} steps, as {@code frame_%05d.npy} (float64, (m, ny, nx), atomically), then
 * {@code index.json} last, so that a directory without index.json is an incomplete dataset.
 *
 * <p>The engine and chunking are those of {@code simulate} (a {@link GuardedRun} checks for NaN every
 * {@link GuardedRun#DEFAULT_CHUNK} steps), so frame i equals the final state of {@code simulate --steps
 * i*every} bit for bit.
 */
final class DatasetWriter {

    private DatasetWriter() {
    }

    /**
     * A fully checked dataset run.
     *
     * @param model            the model with its parameters and switches
     * @param switches         the switches it was built with
     * @param preset           the preset name
     * @param init             the initial state (its array is reused as the frame buffer)
     * @param dx               grid spacing
     * @param dt               time step
     * @param unsafeDt         whether a dt above the stable bound was allowed
     * @param bc               boundary condition
     * @param frames           frames to write, at least 2
     * @param every            steps between frames
     * @param kernels          the stencil kernels
     * @param kernelsRequested what {@code --kernels} said
     * @param threads          requested threads
     * @param seed             the {@code --seed} value
     * @param out              the dataset directory (checked, maybe not yet created)
     * @param progress         whether a progress bar may be drawn on stderr
     */
    record Spec(Model model, ModelSwitches switches, String preset, RunSpec.InitialState init, double dx, double dt,
                boolean unsafeDt, Boundary bc, int frames, int every, StencilKernels kernels, String kernelsRequested,
                int threads, long seed, Path out, boolean progress) {

        /** Steps from the first frame to the last. */
        long steps() {
            return (long) (frames - 1) * every;
        }
    }

    /**
     * What was written.
     *
     * @param index       the index written to index.json
     * @param stepSeconds time spent stepping (with the finiteness checks)
     * @param wallSeconds the whole run, files included
     */
    record Result(DatasetIndex index, double stepSeconds, double wallSeconds) {
    }

    /**
     * Writes the dataset.
     *
     * @throws CliException exit code 3 when the state goes non-finite (no index.json is written), 1 on an I/O
     *                      failure
     */
    static Result write(Spec s, PrintWriter err) {
        long wall0 = System.nanoTime();
        OutputDir dir = OutputDir.create(s.out());
        dropIndex(dir);
        RunSpec.InitialState st = s.init();
        int[] shape = {st.fields(), st.ny(), st.nx()};
        double[] buffer = st.values();
        List<DatasetIndex.Frame> frames = new ArrayList<>(s.frames());
        try (Grid g = new Grid(st.fields(), st.ny(), st.nx(), s.dx(), s.bc());
             ExactEngine engine = new ExactEngine(s.model(), g, s.dt(), s.kernels(), s.threads());
             GuardedRun guard = new GuardedRun(engine)) {
            g.copyFrom(buffer);
            err.printf(Locale.ROOT, "[INFO] dataset: %s (preset %s), %d field%s on %d x %d, dx = %s, dt = %s, %s;"
                    + " %d frames every %d step%s (%d steps) into %s%n", s.model().name(), s.preset(), st.fields(),
                st.fields() == 1 ? "" : "s", st.ny(), st.nx(), Checks.fmt(s.dx()), Checks.fmt(s.dt()),
                s.bc().label(), s.frames(), s.every(), s.every() == 1 ? "" : "s", s.steps(), s.out());
            KernelChoice.announce(err, s.kernelsRequested(), s.kernels(), engine.threads(), s.threads());
            writeFrame(dir, g, 0, shape, buffer, frames);
            long done = 0;
            long stepNanos = 0;
            try (Progress bar = new Progress(s.progress(), "dataset", s.steps())) {
                for (int i = 1; i < s.frames(); i++) {
                    long target = (long) i * s.every();
                    while (done < target) {
                        long n = Math.min(target - done, GuardedRun.DEFAULT_CHUNK);
                        long t0 = System.nanoTime();
                        guard.advance(n);
                        stepNanos += System.nanoTime() - t0;
                        done += n;
                        bar.update(done);
                    }
                    writeFrame(dir, g, target, shape, buffer, frames);
                }
            } catch (NonFiniteStateException e) {
                throw new CliException(CliException.NON_FINITE, String.format(Locale.ROOT, "the state became"
                        + " non-finite at step %d (field %s, y=%d, x=%d; dt = %s, stable bound %s)", e.step(),
                    e.field(), e.y(), e.x(), Checks.fmt(s.dt()), Checks.fmt(s.model().stableDt(s.dx()))),
                    "the dataset in " + s.out() + " is incomplete (" + frames.size() + " frames, no "
                        + DatasetIndex.FILE + "): lower --dt", e);
            }
            DatasetIndex index = new DatasetIndex(VersionProvider.version(), s.model().name(), s.preset(),
                s.model().parameters(), s.switches(), fieldNames(s.model()), st.ny(), st.nx(), s.dx(), s.dt(),
                s.unsafeDt(), s.bc(), st.description(), s.seed(), s.every(), frames, RunSpec.EXACT,
                s.kernels().name(), engine.threads());
            byte[] bytes = Json.write(index.toJson()).getBytes(StandardCharsets.UTF_8);
            dir.write(DatasetIndex.FILE, out -> out.write(bytes));
            return new Result(index, stepNanos * 1e-9, (System.nanoTime() - wall0) * 1e-9);
        } catch (OutOfMemoryError e) {
            throw new CliException(CliException.FAILURE, "out of Java heap memory",
                "use a smaller size, or give java more heap (LSHSMILE_JAVA_OPTS=-Xmx16g ./lshsmile ...)", e);
        }
    }

    /** An earlier dataset's index must not describe the frames this one is about to replace (--force). */
    private static void dropIndex(OutputDir dir) {
        Path index = dir.resolve(DatasetIndex.FILE);
        try {
            Files.deleteIfExists(index);
        } catch (IOException e) {
            throw new CliException(CliException.FAILURE, "cannot delete the earlier " + index + " ("
                + OutputDir.reason(e) + ")", "check its permissions, or choose another --out", e);
        }
    }

    private static void writeFrame(OutputDir dir, Grid g, long step, int[] shape, double[] buffer,
                                   List<DatasetIndex.Frame> frames) {
        String name = DatasetIndex.frameName(frames.size());
        g.copyTo(buffer);
        dir.writeNpy(name, shape, buffer);
        frames.add(new DatasetIndex.Frame(name, step));
    }

    private static List<String> fieldNames(Model m) {
        List<String> names = new ArrayList<>();
        for (int f = 0; f < m.fields(); f++) {
            names.add(m.fieldName(f));
        }
        return names;
    }

    /** Bytes of one frame file: a float64 .npy header of (m, ny, nx) is 128 bytes, then the data. */
    static long frameBytes(int fields, int ny, int nx) {
        return 128 + (long) fields * ny * nx * Double.BYTES;
    }

    /** "(8, 32, 32)". */
    static String shape(RunSpec.InitialState st) {
        return Npy.shapeString(new int[] {st.fields(), st.ny(), st.nx()});
    }
}
