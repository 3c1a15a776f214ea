package org.lshsmile.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.model.Model;
import org.lshsmile.simd.StencilKernels;

/**
 * A fully validated run: everything {@link Runner} needs, checked by the command that built it.
 *
 * @param command          {@code simulate} or {@code demo}
 * @param model            the model with its parameters and switches
 * @param switches         the switches the model was built with (clamp, form, void mask, sources)
 * @param preset           the preset name the parameters started from
 * @param init             the initial state (for a resumed run: the checkpoint's state)
 * @param dx               grid spacing
 * @param dt               time step
 * @param unsafeDt         whether a dt above the stable bound was allowed
 * @param bc               boundary condition
 * @param steps            the step the run ends at (counted from the very start, also when resumed)
 * @param every            steps between snapshots and diagnostics rows
 * @param kernels          the stencil kernels
 * @param kernelsRequested what {@code --kernels} said ({@code auto}, {@code scalar}, {@code simd})
 * @param threads          requested threads
 * @param seed             the {@code --seed} value (Voronoi centres, or the nanovoid sources' seed)
 * @param out              output directory (checked, maybe not yet created)
 * @param naming           snapshot file names and formats
 * @param checkpointEvery  steps between checkpoints, 0 for none
 * @param start            where the run starts: step 0, or a checkpoint
 * @param progress         whether a progress bar may be drawn on stderr
 * @param engine           {@code exact}, {@code active} or {@code lsh}
 * @param tau              the active engine's change threshold (unused by the others)
 * @param lsh              the LSH engine's settings (null unless {@code engine} is {@code lsh})
 * @param stats            the LSH engine's per-step statistics file ({@code --stats}), or null
 * @param compareExact     whether an exact twin runs alongside and diagnostics.csv carries the error against it
 */
record RunSpec(String command, Model model, ModelSwitches switches, String preset, InitialState init, double dx,
               double dt, boolean unsafeDt, Boundary bc, int steps, int every, StencilKernels kernels,
               String kernelsRequested, int threads, long seed, Path out, Naming naming, int checkpointEvery,
               Start start, boolean progress, String engine, double tau, LshSettings lsh, Path stats,
               boolean compareExact) {

    /** The exact engine. */
    static final String EXACT = "exact";
    /** The active-set (narrow band) engine. */
    static final String ACTIVE = "active";
    /** The LSH-SMILE engine. */
    static final String LSH = "lsh";

    /**
     * Settings of the LSH-SMILE engine.
     *
     * @param mode            paper or verified
     * @param r               bucket width and verified merge radius
     * @param r0              re-evaluation threshold
     * @param k               hashes per table
     * @param l               tables
     * @param seed            seed of the LSH family
     * @param checkInvariants check the engine's invariants after every step
     */
    record LshSettings(org.lshsmile.core.lsh.LshSmileEngine.Mode mode, double r, double r0, int k, int l, long seed,
                       boolean checkInvariants) {
    }

    /** Whether the run uses the LSH-SMILE engine. */
    boolean lshEngine() {
        return LSH.equals(engine);
    }

    /** A run with the exact engine (demo and resumed runs). */
    RunSpec(String command, Model model, ModelSwitches switches, String preset, InitialState init, double dx,
            double dt, boolean unsafeDt, Boundary bc, int steps, int every, StencilKernels kernels,
            String kernelsRequested, int threads, long seed, Path out, Naming naming, int checkpointEvery,
            Start start, boolean progress) {
        this(command, model, switches, preset, init, dx, dt, unsafeDt, bc, steps, every, kernels, kernelsRequested,
            threads, seed, out, naming, checkpointEvery, start, progress, EXACT, ActiveSetEngine.DEFAULT_TAU, null,
            null, false);
    }

    /** Whether the run uses the active-set engine. */
    boolean active() {
        return ACTIVE.equals(engine);
    }

    /**
     * The initial state. {@link Runner} reuses {@code values} as its snapshot buffer.
     *
     * @param values      (fields, nz, ny, nx) in C order
     * @param fields      m
     * @param nz          slices: 1 for a 2-D state
     * @param ny          rows
     * @param nx          columns
     * @param description where it came from, for run.json
     */
    record InitialState(double[] values, int fields, int nz, int ny, int nx, Map<String, Object> description) {

        /** A 2-D state (nz = 1). */
        InitialState(double[] values, int fields, int ny, int nx, Map<String, Object> description) {
            this(values, fields, 1, ny, nx, description);
        }

        /** Whether the state has more than one slice. */
        boolean is3d() {
            return nz > 1;
        }

        /** The .npy shape: (m, ny, nx), or (m, nz, ny, nx) in 3-D. */
        int[] shape() {
            return nz > 1 ? new int[] {fields, nz, ny, nx} : new int[] {fields, ny, nx};
        }
    }

    /**
     * Snapshot file names: {@code stem} is a {@code String.format} pattern taking the step (or the frame
     * number when {@code byFrame}); each format adds its extension ({@code stem.npy}, {@code stem.vti},
     * {@code stem.png} for grain growth, {@code stem_<field>.png} for the other models).
     *
     * @param stem    file name pattern without extension
     * @param npy     write .npy snapshots
     * @param png     write .png snapshots
     * @param vti     write .vti snapshots
     * @param byFrame number snapshots 0, 1, 2, ... instead of by step
     * @param slice   the slice a PNG of a 3-D state shows, or -1 for the middle one
     */
    record Naming(String stem, boolean npy, boolean png, boolean vti, boolean byFrame, int slice) {

        /** simulate: {@code snap_%08d} by step, in the chosen formats. */
        static Naming snapshots(boolean npy, boolean png, boolean vti) {
            return new Naming("snap_%08d", npy, png, vti, false, -1);
        }

        /** demo: PNG frames numbered 0, 1, 2, ... (what video encoders expect). */
        static Naming frames() {
            return new Naming("frame_%05d", false, true, false, true, -1);
        }

        /** The same naming with PNGs of 3-D states showing slice {@code z} (-1: the middle). */
        Naming withSlice(int z) {
            return new Naming(stem, npy, png, vti, byFrame, z);
        }

        /** The slice PNGs of an nz-slice state show. */
        int sliceOf(int nz) {
            return slice >= 0 ? slice : nz / 2;
        }

        /** The formats, comma-separated, as {@code --format} takes them. */
        String formats() {
            StringBuilder sb = new StringBuilder();
            for (String f : List.of(npy ? "npy" : "", png ? "png" : "", vti ? "vti" : "")) {
                if (!f.isEmpty()) {
                    sb.append(sb.isEmpty() ? "" : ",").append(f);
                }
            }
            return sb.toString();
        }
    }

    /**
     * Where a run starts.
     *
     * @param step       the step of the initial state (0, or the checkpoint's)
     * @param checkpoint the checkpoint resumed from, relative to the output directory; null for a fresh run
     * @param csvRows    diagnostics.csv rows kept from before the checkpoint (without the header), or null
     *                   when there is no earlier file to continue
     */
    record Start(long step, String checkpoint, List<String> csvRows) {

        /** A run from step 0. */
        static final Start FRESH = new Start(0, null, null);

        /** Whether the run continues from a checkpoint. */
        boolean resumed() {
            return checkpoint != null;
        }
    }
}
