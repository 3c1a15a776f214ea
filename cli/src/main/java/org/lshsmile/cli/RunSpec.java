package org.lshsmile.cli;

import java.nio.file.Path;
import java.util.Map;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.StencilKernels;

/**
 * A fully validated run: everything {@link Runner} needs, checked by the command that built it.
 *
 * @param command    {@code simulate} or {@code demo}
 * @param model      the model with its parameters
 * @param preset     the preset name the parameters started from
 * @param init       the initial state
 * @param dx         grid spacing
 * @param dt         time step
 * @param unsafeDt   whether a dt above the stable bound was allowed
 * @param bc         boundary condition
 * @param steps      steps to run
 * @param every      steps between snapshots and diagnostics rows
 * @param kernels    the stencil kernels
 * @param kernelsRequested what {@code --kernels} said ({@code auto}, {@code scalar}, {@code simd})
 * @param threads    requested threads
 * @param out        output directory (checked, maybe not yet created)
 * @param naming     snapshot file names and formats
 * @param progress   whether a progress bar may be drawn on stderr
 */
record RunSpec(String command, GrainGrowth model, String preset, InitialState init, double dx, double dt,
               boolean unsafeDt, Boundary bc, int steps, int every, StencilKernels kernels, String kernelsRequested,
               int threads, Path out, Naming naming, boolean progress) {

    /**
     * The initial state. {@link Runner} reuses {@code values} as its snapshot buffer.
     *
     * @param values      (fields, ny, nx) in C order
     * @param fields      m
     * @param ny          rows
     * @param nx          columns
     * @param description where it came from, for run.json
     */
    record InitialState(double[] values, int fields, int ny, int nx, Map<String, Object> description) {
    }

    /**
     * Snapshot file names: {@code String.format} patterns taking the step (or the frame number when
     * {@code byFrame}); a null pattern means that format is not written.
     *
     * @param npy     pattern of .npy snapshots, or null
     * @param png     pattern of .png snapshots, or null
     * @param byFrame number snapshots 0, 1, 2, ... instead of by step
     */
    record Naming(String npy, String png, boolean byFrame) {

        /** simulate: {@code snap_%08d} by step, in the chosen formats. */
        static Naming snapshots(boolean npy, boolean png) {
            return new Naming(npy ? "snap_%08d.npy" : null, png ? "snap_%08d.png" : null, false);
        }

        /** demo: PNG frames numbered 0, 1, 2, ... (what video encoders expect). */
        static Naming frames() {
            return new Naming(null, "frame_%05d.png", true);
        }
    }
}
