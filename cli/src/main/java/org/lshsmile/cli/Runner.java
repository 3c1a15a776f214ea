package org.lshsmile.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.engine.GuardedRun;
import org.lshsmile.core.engine.NonFiniteStateException;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.GrainGrowth;

/**
 * Runs a {@link RunSpec}: loads the state into an off-heap grid, advances it with the exact engine under
 * a {@link GuardedRun}, and writes snapshots, diagnostics.csv, final.npy and run.json.
 *
 * <p>Work is done in chunks of {@link GuardedRun#DEFAULT_CHUNK} steps (the progress bar moves once per
 * chunk) that stop at every multiple of {@code every}, where a diagnostics row and snapshots are taken.
 */
final class Runner {

    /** diagnostics.csv is rewritten at most this often during a run (and always at the end). */
    private static final long CSV_REWRITE_NANOS = 1_000_000_000L;

    private final RunSpec spec;
    private final PrintWriter err;
    private final GrainGrowth model;
    private final int[] shape;
    private final double[] buffer;
    private final DiagnosticsCsv csv;
    private OutputDir dir;
    private Grid grid;
    private int frames;
    private long lastRecorded = -1;
    private long lastCsvWrite;

    private Runner(RunSpec spec, PrintWriter err) {
        this.spec = spec;
        this.err = err;
        this.model = spec.model();
        RunSpec.InitialState s = spec.init();
        this.shape = new int[] {s.fields(), s.ny(), s.nx()};
        this.buffer = s.values();
        this.csv = new DiagnosticsCsv(model);
    }

    /**
     * What a finished run measured.
     *
     * @param stepsDone        steps advanced
     * @param wallSeconds      the whole run, outputs included
     * @param stepSeconds      time spent stepping (with the finiteness checks)
     * @param threads          threads the engine used
     * @param freeEnergyStart  F of the initial state
     * @param freeEnergyEnd    F of the final state
     * @param grainsStart      grains in the initial state
     * @param grainsEnd        grains in the final state
     * @param snapshots        snapshot times written
     * @param written          file names written, in order
     */
    record Result(long stepsDone, double wallSeconds, double stepSeconds, int threads, double freeEnergyStart,
                  double freeEnergyEnd, int grainsStart, int grainsEnd, int snapshots, List<String> written) {

        /** The same with the list of files written. */
        Result withWritten(List<String> names) {
            return new Result(stepsDone, wallSeconds, stepSeconds, threads, freeEnergyStart, freeEnergyEnd, grainsStart,
                grainsEnd, snapshots, List.copyOf(names));
        }

        /** Steps per second of stepping time. */
        double stepsPerSecond() {
            return stepSeconds > 0 ? stepsDone / stepSeconds : Double.NaN;
        }
    }

    /**
     * Runs the spec.
     *
     * @throws CliException exit code 3 when the state goes non-finite (after writing last_good.npy), 1 on
     *                      an I/O failure
     */
    static Result run(RunSpec spec, PrintWriter err) {
        try {
            return new Runner(spec, err).execute();
        } catch (OutOfMemoryError e) {
            throw new CliException(CliException.FAILURE, "out of Java heap memory",
                "use a smaller size, or give java more heap (LSHSMILE_JAVA_OPTS=-Xmx16g ./lshsmile ...)", e);
        }
    }

    private Result execute() {
        long wall0 = System.nanoTime();
        dir = OutputDir.create(spec.out());
        RunSpec.InitialState s = spec.init();
        try (Grid g = new Grid(s.fields(), s.ny(), s.nx(), spec.dx(), spec.bc());
             ExactEngine engine = new ExactEngine(model, g, spec.dt(), spec.kernels(), spec.threads());
             GuardedRun guard = new GuardedRun(engine)) {
            grid = g;
            g.copyFrom(s.values());
            KernelChoice.announce(err, spec.kernelsRequested(), spec.kernels(), engine.threads(), spec.threads());
            double f0 = model.freeEnergy(g);
            int grains0 = Diagnostics.countGrains(g);
            record(0, f0);
            snapshot(0);
            long stepNanos = 0;
            long done = 0;
            NonFiniteStateException blowUp = null;
            try (Progress bar = new Progress(spec.progress(), spec.command(), spec.steps())) {
                while (done < spec.steps()) {
                    long nextStop = Math.min(spec.steps(), (done / spec.every() + 1) * spec.every());
                    long stop = Math.min(nextStop, done + GuardedRun.DEFAULT_CHUNK);
                    long t0 = System.nanoTime();
                    try {
                        guard.advance(stop - done);
                    } catch (NonFiniteStateException e) {
                        blowUp = e;
                    }
                    stepNanos += System.nanoTime() - t0;
                    if (blowUp != null) {
                        break;
                    }
                    done = stop;
                    bar.update(done);
                    if (done % spec.every() == 0) {
                        record(done, model.freeEnergy(g));
                        snapshot(done);
                    } else if (done == spec.steps()) {
                        record(done, model.freeEnergy(g));
                    }
                }
            }
            if (blowUp != null) {
                throw blewUp(blowUp, guard.steps(), wall0, stepNanos, engine.threads(), f0, grains0);
            }
            double fEnd = model.freeEnergy(g);
            int grainsEnd = Diagnostics.countGrains(g);
            g.copyTo(buffer);
            dir.writeNpy("final.npy", shape, buffer);
            writeCsv();
            Result r = new Result(done, (System.nanoTime() - wall0) * 1e-9, stepNanos * 1e-9, engine.threads(), f0,
                fEnd, grains0, grainsEnd, frames, List.of());
            writeReport("ok", null, r);
            return r.withWritten(dir.written());
        }
    }

    private CliException blewUp(NonFiniteStateException e, long goodSteps, long wall0, long stepNanos, int threads,
                                double f0, int grains0) {
        grid.copyTo(buffer);
        dir.writeNpy("last_good.npy", shape, buffer);
        double f = model.freeEnergy(grid);
        if (lastRecorded != goodSteps) {
            record(goodSteps, f);
        }
        writeCsv();
        Result r = new Result(goodSteps, (System.nanoTime() - wall0) * 1e-9, stepNanos * 1e-9, threads, f0, f, grains0,
            Diagnostics.countGrains(grid), frames, List.of());
        writeReport("non-finite", CliException.oneLine(e.getMessage()), r);
        Path p = dir.resolve("last_good.npy");
        return new CliException(CliException.NON_FINITE, CliException.oneLine(e.getMessage()),
            "the last good state (step " + goodSteps + ") is in " + p, e);
    }

    private void record(long step, double freeEnergy) {
        csv.add(step, step * spec.dt(), freeEnergy, Diagnostics.fieldTotals(grid));
        lastRecorded = step;
        long now = System.nanoTime();
        if (step > 0 && now - lastCsvWrite > CSV_REWRITE_NANOS) {
            writeCsv();
        }
    }

    private void writeCsv() {
        byte[] bytes = csv.bytes();
        dir.write("diagnostics.csv", out -> out.write(bytes));
        lastCsvWrite = System.nanoTime();
    }

    private void snapshot(long step) {
        RunSpec.Naming n = spec.naming();
        if (n.npy() == null && n.png() == null) {
            return;
        }
        long number = n.byFrame() ? frames : step;
        grid.copyTo(buffer);
        if (n.npy() != null) {
            dir.writeNpy(String.format(Locale.ROOT, n.npy(), number), shape, buffer);
        }
        if (n.png() != null) {
            var img = Png.render(buffer, shape[0], shape[1], shape[2]);
            dir.write(String.format(Locale.ROOT, n.png(), number), out -> Png.write(img, out));
        }
        frames++;
    }

    private void writeReport(String status, String error, Result r) {
        byte[] bytes = Json.write(report(status, error, r)).getBytes(StandardCharsets.UTF_8);
        dir.write("run.json", out -> out.write(bytes));
    }

    private Map<String, Object> report(String status, String error, Result r) {
        RunSpec.InitialState s = spec.init();
        long elements = (long) s.ny() * s.nx() * s.fields(); // one element = one value of one field, as in bench/
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lshsmile_version", VersionProvider.version());
        m.put("command", spec.command());
        m.put("status", status);
        if (error != null) {
            m.put("error", error);
        }
        m.put("model", model.name());
        m.put("preset", spec.preset());
        m.put("parameters", new LinkedHashMap<>(model.parameters()));
        m.put("clamp", model.clamp());
        m.put("fields", s.fields());
        m.put("initial_state", s.description());
        m.put("dx", spec.dx());
        m.put("dt", spec.dt());
        m.put("stable_dt", model.stableDt(spec.dx()));
        m.put("unsafe_dt", spec.unsafeDt());
        m.put("size", new int[] {s.ny(), s.nx()});
        m.put("bc", spec.bc().label());
        m.put("steps", spec.steps());
        m.put("steps_done", r.stepsDone());
        m.put("every", spec.every());
        m.put("engine", "exact");
        m.put("kernels", spec.kernels().name());
        m.put("kernels_description", spec.kernels().description());
        m.put("kernels_requested", spec.kernelsRequested());
        m.put("threads", r.threads());
        m.put("wall_seconds", r.wallSeconds());
        m.put("step_seconds", r.stepSeconds());
        m.put("steps_per_second", r.stepsPerSecond());
        m.put("ns_per_element_step", r.stepsDone() > 0 ? r.stepSeconds() * 1e9 / (r.stepsDone() * (double) elements)
            : Double.NaN);
        m.put("free_energy_start", r.freeEnergyStart());
        m.put("free_energy_end", r.freeEnergyEnd());
        m.put("grains_start", r.grainsStart());
        m.put("grains_end", r.grainsEnd());
        m.put("snapshots", r.snapshots());
        m.put("java_version", System.getProperty("java.version"));
        m.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put("os_arch", System.getProperty("os.arch"));
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        return m;
    }
}
