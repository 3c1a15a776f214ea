package org.lshsmile.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lshsmile.core.diag.Diagnostics;
import org.lshsmile.core.dist.Communicator;
import org.lshsmile.core.dist.SlabGrid;
import org.lshsmile.core.engine.ActiveSetEngine;
import org.lshsmile.core.engine.Engine;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.engine.GuardedRun;
import org.lshsmile.core.engine.NonFiniteStateException;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.kernels.KernelSets;
import org.lshsmile.core.dist.SlabLshEngine;
import org.lshsmile.core.lsh.LshSmileEngine;
import org.lshsmile.simd.Projections;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;

/**
 * Runs a {@link RunSpec}: loads the state into an off-heap grid, advances it with the exact, the
 * active-set or the LSH-SMILE engine under a {@link GuardedRun}, and writes snapshots, checkpoints,
 * diagnostics.csv, the final state and run.json.
 *
 * <p>With {@code compareExact} an {@link ExactTwin} starts from the same state and is stepped to each
 * diagnostics row, outside the timed stepping, to add the error against it. An LSH run counts its
 * per-step statistics ({@link LshTotals}, run.json) and with {@code stats} writes them to a CSV file
 * ({@link StatsCsv}).
 *
 * <p>Work is done in chunks of {@link GuardedRun#DEFAULT_CHUNK} steps (the progress bar moves once per
 * chunk) that stop at every multiple of {@code every}, where a diagnostics row and snapshots are taken,
 * and of the checkpoint interval, where diagnostics.csv and then a checkpoint are written (so the file
 * holds every row up to the newest checkpoint). A run with checkpoints also checkpoints its last step.
 * run.json is written at the start with status {@code running} and replaced at the end ({@code ok}, or
 * {@code failed} with the error after an I/O failure such as a full disk, if the disk still takes it).
 *
 * <p>Every file is replaced atomically ({@link OutputDir#write}, {@link Checkpoints#write}): a run killed at
 * any moment leaves each output either in its previous or in its new complete version, plus at most one
 * hidden temporary file per directory, which the next {@code simulate} in the directory deletes.
 * diagnostics.csv is rewritten whole (atomically) at most once a second, before every checkpoint and at
 * the end, so after a kill it holds every row up to at least the newest checkpoint; rows past it are
 * dropped by the resume.
 *
 * <p>A resumed run sets the engine's step counter to the checkpoint's step (random sources are keyed by
 * it) and continues the kept diagnostics rows, so its outputs equal those of an uninterrupted run.
 *
 * <p>Distributed ({@code --distributed}, one Runner per MPI rank): the engine steps this rank's
 * {@link SlabGrid}; at every output (diagnostics row, snapshot, checkpoint, end) the slabs are gathered
 * into a whole grid on rank 0, which computes the diagnostics on it (so they are the single-process
 * numbers, bitwise) and writes every file; the other ranks write nothing. Every rank takes the same
 * path through the loop, so the collectives match.
 */
final class Runner {

    /** diagnostics.csv is rewritten at most this often during a run (and always at the end). */
    private static final long CSV_REWRITE_NANOS = 1_000_000_000L;

    private final RunSpec spec;
    private final PrintWriter err;
    private final Model model;
    private final String[] names;
    private final int[] shape;
    private final double[] buffer;
    private final DiagnosticsCsv csv;
    private final Checkpoints checkpoints;
    private OutputDir dir;
    /** The whole grid the outputs read: the engine's own, or in a distributed run rank 0's gathered copy (null elsewhere). */
    private Grid grid;
    /** The transport of a distributed run, or null. */
    private final Communicator comm;
    /** Whether this process writes the outputs: always, except on ranks other than 0 of a distributed run. */
    private final boolean root;
    /** This rank's slab of a distributed run, or null. */
    private SlabGrid slab;
    /** The engine's step count when the whole grid was last gathered. */
    private long gatheredAt = -1;
    private Engine engineOfRun;
    /** The LSH engine of this run, if it uses one (its bucket counts go into run.json). */
    private LshSmileEngine lsh;
    /** The LSH engine's totals, with {@link #lsh}. */
    private LshTotals lshTotals;
    /** The exact engine run alongside ({@code --compare-exact}), or null. */
    private ExactTwin twin;
    private int frames;
    private long lastRecorded = -1;
    private long lastCsvWrite;
    private String lastCheckpoint;
    private long checkpointStep = -1;
    /** What run.json said at the start, for a failure report; null before it is written. */
    private Result startReport;

    private Runner(RunSpec spec, PrintWriter err, Communicator comm) {
        this.spec = spec;
        this.err = err;
        this.comm = comm;
        this.root = comm == null || comm.rank() == 0;
        this.model = spec.model();
        RunSpec.InitialState s = spec.init();
        this.shape = s.shape();
        this.names = new String[s.fields()];
        for (int f = 0; f < names.length; f++) {
            names[f] = model.fieldName(f);
        }
        this.buffer = s.values();
        RunSpec.Start start = spec.start();
        if (start.csvRows() != null) {
            this.csv = new DiagnosticsCsv(model, start.csvRows());
            if (!start.csvRows().isEmpty()) {
                String last = start.csvRows().get(start.csvRows().size() - 1);
                lastRecorded = Long.parseLong(last.substring(0, last.indexOf(',')));
            }
        } else {
            this.csv = spec.compareExact() ? DiagnosticsCsv.withErrors(model) : new DiagnosticsCsv(model);
        }
        this.checkpoints = new Checkpoints(spec.out());
        this.lastCheckpoint = start.checkpoint();
        if (start.resumed()) {
            this.checkpointStep = start.step();
        }
    }

    /**
     * What a finished run measured.
     *
     * @param startStep        the step the run started from (0, or the checkpoint's)
     * @param stepsDone        the step reached
     * @param wallSeconds      the whole run, outputs included
     * @param stepSeconds      time spent stepping (with the finiteness checks)
     * @param threads          threads the engine used
     * @param freeEnergyStart  F of the starting state
     * @param freeEnergyEnd    F of the final state
     * @param grainsStart      grains in the starting state (grain growth; -1 otherwise)
     * @param grainsEnd        grains in the final state (grain growth; -1 otherwise)
     * @param snapshots        snapshot times written
     * @param checkpoint       the newest checkpoint, relative to the output directory, or null
     * @param written          file names written, in order
     * @param denseSteps       steps this run swept densely (all of them for the exact engine)
     * @param sparseSteps      steps the active-set engine computed on its active cells only
     * @param compare          the comparison with the exact engine ({@code --compare-exact}), or null
     */
    record Result(long startStep, long stepsDone, double wallSeconds, double stepSeconds, int threads,
                  double freeEnergyStart, double freeEnergyEnd, int grainsStart, int grainsEnd, int snapshots,
                  String checkpoint, List<String> written, long denseSteps, long sparseSteps, Compare compare) {

        /** The same with the list of files written. */
        Result withWritten(List<String> names) {
            return new Result(startStep, stepsDone, wallSeconds, stepSeconds, threads, freeEnergyStart, freeEnergyEnd,
                grainsStart, grainsEnd, snapshots, checkpoint, List.copyOf(names), denseSteps, sparseSteps, compare);
        }

        /** Steps advanced by this run. */
        long stepsRun() {
            return stepsDone - startStep;
        }

        /** Steps per second of stepping time. */
        double stepsPerSecond() {
            return stepSeconds > 0 ? stepsRun() / stepSeconds : Double.NaN;
        }
    }

    /**
     * The run against its exact twin.
     *
     * @param finalMax     max |run - exact| at the last diagnostics row
     * @param finalMean    mean |run - exact| at the last diagnostics row
     * @param worstMax     the largest max |run - exact| over all diagnostics rows
     * @param exactSeconds time the exact twin spent stepping
     */
    record Compare(double finalMax, double finalMean, double worstMax, double exactSeconds) {
    }

    /**
     * Runs the spec.
     *
     * @throws CliException exit code 3 when the state goes non-finite (after writing last_good.npy), 1 on
     *                      an I/O failure
     */
    static Result run(RunSpec spec, PrintWriter err) {
        return run(spec, err, null);
    }

    /**
     * Runs the spec as one rank of a distributed run over {@code comm} (null: a run of its own). Collective:
     * every rank calls it with the same spec.
     *
     * @throws CliException as {@link #run(RunSpec, PrintWriter)}, on every rank for a blow-up; on the
     *                      failing rank alone for an I/O failure of rank 0
     */
    static Result run(RunSpec spec, PrintWriter err, Communicator comm) {
        Runner runner = new Runner(spec, err, comm);
        try {
            return runner.execute();
        } catch (CliException e) {
            if (e.exitCode() == CliException.FAILURE) {
                runner.reportFailure(e);
            }
            throw e;
        } catch (OutOfMemoryError e) {
            throw new CliException(CliException.FAILURE, "out of Java heap memory",
                "use a smaller size, or give java more heap (LSHSMILE_JAVA_OPTS=-Xmx16g ./lshsmile ...)", e);
        }
    }

    /**
     * After an I/O failure (a full disk, say) replaces run.json's status {@code running} with {@code failed}
     * and the error, if the disk still takes that small file; if not, the failure is only added to {@code e}.
     */
    private void reportFailure(CliException e) {
        if (dir == null || startReport == null) {
            return;
        }
        try {
            writeReport("failed", CliException.oneLine(e.getMessage()), startReport);
        } catch (CliException again) {
            e.addSuppressed(again);
        }
    }

    private boolean grains() {
        return model instanceof GrainGrowth;
    }

    /**
     * The (m, ny, nx) values PNGs show: the state itself in 2-D; in 3-D the chosen slice of {@code buffer}
     * (copied out, as Png takes a 2-D state).
     */
    private double[] pngState() {
        RunSpec.InitialState s = spec.init();
        if (!s.is3d()) {
            return buffer;
        }
        int z = spec.naming().sliceOf(s.nz());
        int plane = s.ny() * s.nx();
        double[] out = new double[s.fields() * plane];
        for (int f = 0; f < s.fields(); f++) {
            System.arraycopy(buffer, (f * s.nz() + z) * plane, out, f * plane, plane);
        }
        return out;
    }

    private Result execute() {
        long wall0 = System.nanoTime();
        dir = root ? OutputDir.create(spec.out()) : null;
        RunSpec.InitialState s = spec.init();
        RunSpec.Start start = spec.start();
        if (root && spec.command().equals("simulate")) {
            // a fresh run drops an earlier run's checkpoints, a resumed one those after its checkpoint
            checkpoints.deleteAfter(start.resumed() ? start.step() : -1);
            List<String> gone = dir.deleteLeftovers(Checkpoints.DIR);
            if (!gone.isEmpty()) {
                err.println("[INFO] removed " + gone.size() + " temporary file" + (gone.size() == 1 ? "" : "s")
                    + " left by an interrupted write: " + String.join(", ", gone));
                err.flush();
            }
        }
        try (SlabGrid sg = comm != null ? slab(s) : null;
             Grid whole = root ? loaded(s) : null;
             ExactTwin tw = spec.compareExact() && root ? new ExactTwin(model, s.values(), s.fields(), s.nz(), s.ny(), s.nx(),
                 spec.dx(), spec.bc(), spec.dt(), spec.kernels(), spec.threads()) : null;
             StatsCsv stats = spec.stats() != null ? StatsCsv.open(spec.stats()) : null;
             Engine engine = newEngine(sg, sg != null ? sg.local() : whole, stats);
             GuardedRun guard = new GuardedRun(engine, GuardedRun.DEFAULT_CHUNK, sg != null ? sg::anyNonFinite : null)) {
            grid = whole;
            slab = sg;
            engineOfRun = engine;
            twin = tw;
            engine.setStepsDone(start.step()); // for the active engine this also marks the loaded state as new
            int threads = threads(engine);
            if (root) {
                KernelChoice.announce(err, spec.kernelsRequested(), spec.kernels(), threads,
                    spec.lshEngine() ? 1 : spec.threads()); // the LSH engine is single-threaded so far
                if (spec.active() || spec.lshEngine()) {
                    err.println("[INFO] engine: " + engine.description());
                    err.flush();
                }
                if (comm != null) {
                    err.println("[INFO] distributed: " + comm.size() + " rank" + (comm.size() == 1 ? "" : "s")
                        + ", slabs along " + (s.is3d() ? "z" : "y") + ", rank 0 writes the files");
                    err.flush();
                }
            }
            double f0 = energy();
            int grains0 = grains() && root ? Diagnostics.countGrains(grid) : -1;
            long done = start.step();
            startReport = new Result(done, done, 0, 0, threads, f0, f0, grains0, grains0, 0, lastCheckpoint, List.of(),
                0, 0, null);
            writeReport("running", null, startReport);
            if (!start.resumed()) {
                record(0, f0);
                snapshot(0);
            } else {
                if (lastRecorded < 0) {
                    record(done, f0); // no earlier diagnostics.csv to continue: start it here
                }
                writeCsv(); // drops at once the rows an interrupted run wrote after its checkpoint
            }
            long stepNanos = 0;
            NonFiniteStateException blowUp = null;
            try (Progress bar = new Progress(spec.progress() && root, spec.command(), spec.steps() - done)) {
                while (done < spec.steps()) {
                    long stop = Math.min(nextStop(done), done + GuardedRun.DEFAULT_CHUNK);
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
                    bar.update(done - start.step());
                    if (done % spec.every() == 0) {
                        record(done, energy());
                        snapshot(done);
                    }
                    if (spec.checkpointEvery() > 0 && done % spec.checkpointEvery() == 0) {
                        checkpoint(done);
                    }
                }
            }
            if (blowUp != null) {
                throw blewUp(blowUp, start.step() + guard.steps(), wall0, stepNanos, engine, f0, grains0);
            }
            double fEnd = energy();
            if (lastRecorded != done) {
                record(done, fEnd); // the end row, unless it fell on a multiple of --every
            }
            if (spec.checkpointEvery() > 0 && checkpointStep != done) {
                checkpoint(done); // the last step too, so that --resume --steps N can extend the run
            }
            int grainsEnd = grains() && root ? Diagnostics.countGrains(grid) : -1;
            finalOutputs(done);
            writeCsv();
            Result r = new Result(start.step(), done, (System.nanoTime() - wall0) * 1e-9, stepNanos * 1e-9,
                threads, f0, fEnd, grains0, grainsEnd, frames, lastCheckpoint, List.of(),
                denseSteps(engine, done - start.step()), sparseSteps(engine), compare());
            writeReport("ok", null, r);
            return root ? r.withWritten(dir.written()) : r;
        }
    }

    /** This rank's slab of a distributed run, loaded with its part of the initial state. */
    private SlabGrid slab(RunSpec.InitialState s) {
        SlabGrid sg = new SlabGrid(comm, s.fields(), s.nz(), s.ny(), s.nx(), spec.dx(), spec.bc());
        try {
            sg.scatter(s.values());
            return sg;
        } catch (RuntimeException e) {
            sg.close();
            throw e;
        }
    }

    /**
     * In a distributed run, gathers the slabs into rank 0's whole grid unless that was done at this step
     * already (collective: every rank reaches the same calls at the same steps). Nothing otherwise.
     */
    private void gather() {
        if (slab == null || gatheredAt == engineOfRun.stepsDone()) {
            return;
        }
        double[] all = slab.gather(0);
        if (root) {
            grid.copyFrom(all);
        }
        gatheredAt = engineOfRun.stepsDone();
    }

    /** The free energy of the whole current state, on the process that writes (NaN elsewhere). */
    private double energy() {
        gather();
        return root ? model.freeEnergy(grid) : Double.NaN;
    }

    /** The grid with the initial state: the LSH engine encodes it when it is built. */
    private Grid loaded(RunSpec.InitialState s) {
        Grid g = new Grid(s.fields(), s.nz(), s.ny(), s.nx(), spec.dx(), spec.bc());
        try {
            g.copyFrom(s.values());
            return g;
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /**
     * The engine; an LSH engine reports every step to its totals and to {@code stats} (if any). In a
     * distributed run ({@code sg} not null) the LSH engine hashes this rank's slab with its ghost layers.
     */
    private Engine newEngine(SlabGrid sg, Grid g, StatsCsv stats) {
        if (spec.lshEngine()) {
            RunSpec.LshSettings l = spec.lsh();
            long t0 = System.nanoTime();
            // the projections follow --kernels (scalar, simd or native: the same bits)
            Projections projections = KernelSets.projections(spec.kernels().name());
            SlabLshEngine slabEngine = sg == null ? null : new SlabLshEngine(sg, model, spec.dt(), l.r(), l.r0(), l.k(),
                l.l(), l.seed(), projections);
            LshSmileEngine e = slabEngine != null ? slabEngine.slabEngine() : new LshSmileEngine(model, g, spec.dt(),
                l.mode(), l.r(), l.r0(), l.k(), l.l(), l.seed(), projections);
            LshTotals totals = new LshTotals(e.lastStep(), (System.nanoTime() - t0) * 1e-9);
            e.setCheckInvariants(l.checkInvariants());
            if (stats != null) {
                try {
                    stats.add(e.lastStep()); // the encoding, step 0
                } catch (RuntimeException x) {
                    (slabEngine != null ? slabEngine : e).close(); // not yet a resource of the caller's try
                    throw x;
                }
            }
            e.setStepListener(st -> {
                if (totals.add(st) && stats != null) {
                    stats.add(st);
                }
            });
            lsh = e;
            lshTotals = totals;
            return slabEngine != null ? slabEngine : e;
        }
        return spec.active()
            ? new ActiveSetEngine(model, g, spec.dt(), spec.kernels(), spec.threads(), spec.tau())
            : new ExactEngine(model, g, spec.dt(), spec.kernels(), spec.threads());
    }

    private static int threads(Engine e) {
        if (e instanceof LshSmileEngine || e instanceof SlabLshEngine) {
            return 1;
        }
        return e instanceof ActiveSetEngine a ? a.threads() : ((ExactEngine) e).threads();
    }

    /** Dense steps of this run: the active engine counts them (replays included), the exact one sweeps every step. */
    private static long denseSteps(Engine e, long stepsRun) {
        if (e instanceof LshSmileEngine || e instanceof SlabLshEngine) {
            return 0;
        }
        return e instanceof ActiveSetEngine a ? a.denseSteps() : stepsRun;
    }

    private static long sparseSteps(Engine e) {
        return e instanceof ActiveSetEngine a ? a.sparseSteps() : 0;
    }

    /** The comparison with the exact twin so far, or null without one. */
    private Compare compare() {
        if (twin == null || twin.last() == null) {
            return null;
        }
        return new Compare(twin.last().max(), twin.last().mean(), twin.worstMax(), twin.stepSeconds());
    }

    /** The next step after {@code done} where the run must stop: a snapshot, a checkpoint or the end. */
    private long nextStop(long done) {
        long stop = Math.min(spec.steps(), (done / spec.every() + 1) * spec.every());
        if (spec.checkpointEvery() > 0) {
            stop = Math.min(stop, (done / spec.checkpointEvery() + 1) * spec.checkpointEvery());
        }
        return stop;
    }

    private void finalOutputs(long step) {
        gather();
        if (!root) {
            return;
        }
        grid.copyTo(buffer);
        dir.writeNpy("final.npy", shape, buffer);
        RunSpec.Naming n = spec.naming();
        if (n.vti()) {
            dir.writeVti("final.vti", grid, names, step * spec.dt());
        }
        if (n.png() && !grains()) {
            for (int f = 0; f < names.length; f++) {
                writePng("final_" + names[f] + ".png", f);
            }
        }
    }

    private CliException blewUp(NonFiniteStateException e, long goodSteps, long wall0, long stepNanos, Engine engine,
                                double f0, int grains0) {
        gatheredAt = -1; // the guard put the last good state back
        gather();
        if (!root) {
            return new CliException(CliException.NON_FINITE, CliException.oneLine(e.getMessage()),
                "rank 0 writes the last good state (step " + goodSteps + ")", e);
        }
        grid.copyTo(buffer);
        dir.writeNpy("last_good.npy", shape, buffer);
        double f = model.freeEnergy(grid);
        if (lastRecorded != goodSteps) {
            record(goodSteps, f);
        }
        writeCsv();
        Result r = new Result(spec.start().step(), goodSteps, (System.nanoTime() - wall0) * 1e-9, stepNanos * 1e-9,
            threads(engine), f0, f, grains0, grains() ? Diagnostics.countGrains(grid) : -1, frames, lastCheckpoint,
            List.of(), denseSteps(engine, goodSteps - spec.start().step()), sparseSteps(engine), compare());
        writeReport("non-finite", CliException.oneLine(e.getMessage()), r);
        Path p = dir.resolve("last_good.npy");
        return new CliException(CliException.NON_FINITE, CliException.oneLine(e.getMessage()),
            "the last good state (step " + goodSteps + ") is in " + p, e);
    }

    private void record(long step, double freeEnergy) {
        if (!root) {
            return;
        }
        if (twin != null) {
            ExactTwin.Error e = twin.compareAt(step, grid);
            csv.add(step, step * spec.dt(), freeEnergy, Diagnostics.fieldTotals(grid), e.max(), e.mean());
        } else {
            csv.add(step, step * spec.dt(), freeEnergy, Diagnostics.fieldTotals(grid));
        }
        lastRecorded = step;
        long now = System.nanoTime();
        if (step > 0 && now - lastCsvWrite > CSV_REWRITE_NANOS) {
            writeCsv();
        }
    }

    private void writeCsv() {
        if (!root) {
            return;
        }
        byte[] bytes = csv.bytes();
        dir.write("diagnostics.csv", out -> out.write(bytes));
        lastCsvWrite = System.nanoTime();
    }

    /** diagnostics.csv first, so it holds every row up to any checkpoint a resume may pick. */
    private void checkpoint(long step) {
        gather();
        checkpointStep = step;
        if (!root) {
            return;
        }
        writeCsv();
        grid.copyTo(buffer);
        // a 3-D state is stored as (m, nz * ny, nx), the same C order, with nz in the meta
        RunSpec.InitialState s = spec.init();
        lastCheckpoint = checkpoints.write(CheckpointMeta.of(spec), step, s.fields(), s.nz() * s.ny(), s.nx(), buffer);
        checkpointStep = step;
    }

    private void snapshot(long step) {
        RunSpec.Naming n = spec.naming();
        if (!n.npy() && !n.png() && !n.vti()) {
            return;
        }
        gather();
        if (!root) {
            frames++;
            return;
        }
        String stem = String.format(Locale.ROOT, n.stem(), n.byFrame() ? frames : step);
        grid.copyTo(buffer);
        if (n.npy()) {
            dir.writeNpy(stem + ".npy", shape, buffer);
        }
        if (n.png()) {
            if (grains()) {
                var img = Png.render(pngState(), spec.init().fields(), spec.init().ny(), spec.init().nx());
                dir.write(stem + ".png", out -> Png.write(img, out));
            } else {
                for (int f = 0; f < names.length; f++) {
                    writePng(stem + "_" + names[f] + ".png", f);
                }
            }
        }
        if (n.vti()) {
            dir.writeVti(stem + ".vti", grid, names, step * spec.dt());
        }
        frames++;
    }

    /** One field of the state in {@code buffer} as a colour-mapped PNG. */
    private void writePng(String name, int field) {
        var img = Png.renderField(pngState(), field, spec.init().ny(), spec.init().nx());
        dir.write(name, out -> Png.write(img, out));
    }

    private void writeReport(String status, String error, Result r) {
        if (!root) {
            return;
        }
        byte[] bytes = Json.write(report(status, error, r)).getBytes(StandardCharsets.UTF_8);
        dir.write("run.json", out -> out.write(bytes));
    }

    private Map<String, Object> report(String status, String error, Result r) {
        RunSpec.InitialState s = spec.init();
        long elements = (long) s.nz() * s.ny() * s.nx() * s.fields(); // one element = one value of one field, as in bench/
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
        m.putAll(spec.switches().report(model.name()));
        m.put("fields", s.fields());
        m.put("field_names", List.of(names));
        m.put("initial_state", s.description());
        if (spec.start().resumed()) {
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("step", spec.start().step());
            from.put("checkpoint", spec.start().checkpoint());
            m.put("resumed_from", from);
        }
        m.put("seed", spec.seed());
        m.put("dx", spec.dx());
        m.put("dt", spec.dt());
        m.put("stable_dt", model.stableDt(spec.dx(), s.is3d() ? 3 : 2));
        m.put("unsafe_dt", spec.unsafeDt());
        m.put("size", s.is3d() ? new int[] {s.nz(), s.ny(), s.nx()} : new int[] {s.ny(), s.nx()});
        if (s.is3d()) {
            m.put("png_slice", spec.naming().sliceOf(s.nz()));
        }
        m.put("bc", spec.bc().label());
        m.put("steps", spec.steps());
        m.put("start_step", r.startStep());
        m.put("steps_done", r.stepsDone());
        m.put("every", spec.every());
        m.put("formats", spec.naming().formats());
        m.put("checkpoint_every", spec.checkpointEvery());
        if (r.checkpoint() != null) {
            m.put("checkpoint", r.checkpoint());
        }
        m.put("engine", spec.engine());
        if (comm != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("ranks", comm.size());
            d.put("slabs_along", s.is3d() ? "z" : "y");
            d.put("writer", "rank 0 (gathers the slabs at every output)");
            if (slab != null) {
                d.put("halo_exchanges_rank0", slab.exchanges());
                d.put("halo_seconds_rank0", slab.exchangeSeconds());
                d.put("halo_us_per_exchange_rank0", slab.exchanges() > 0 ? slab.exchangeSeconds() * 1e6 / slab.exchanges()
                    : Double.NaN);
            }
            m.put("distributed", d);
        }
        if (spec.active()) {
            m.put("tau", spec.tau());
            m.put("dense_fraction", ActiveSetEngine.DENSE_FRACTION);
        }
        if (lsh != null) {
            RunSpec.LshSettings l = spec.lsh();
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("mode", l.mode().name().toLowerCase(Locale.ROOT));
            x.put("r", l.r());
            x.put("r0", l.r0());
            x.put("K", l.k());
            x.put("L", l.l());
            x.put("seed", l.seed());
            x.put("projections", lsh.projectionsName());
            x.put("buckets", lsh.buckets());
            LshSmileEngine.StepStats st = lsh.lastStep();
            x.put("last_step_active_elements", st.activeElements());
            x.put("last_step_evals", st.evals());
            x.put("last_step_merges", st.merges());
            lshTotals.report(x);
            if (spec.stats() != null) {
                x.put("stats_file", spec.stats().toString());
            }
            m.put("lsh", x);
        }
        if (twin != null) {
            m.put("compare_exact", twin.report());
        }
        m.put("dense_steps", r.denseSteps());
        m.put("sparse_steps", r.sparseSteps());
        m.put("kernels", spec.kernels().name());
        m.put("kernels_description", spec.kernels().description());
        m.put("kernels_requested", spec.kernelsRequested());
        m.put("native_library", KernelChoice.nativeStatus());
        m.put("threads", r.threads());
        m.put("wall_seconds", r.wallSeconds());
        m.put("step_seconds", r.stepSeconds());
        m.put("steps_per_second", r.stepsPerSecond());
        m.put("ns_per_element_step", r.stepsRun() > 0 ? r.stepSeconds() * 1e9 / (r.stepsRun() * (double) elements)
            : Double.NaN);
        m.put("free_energy_start", r.freeEnergyStart());
        m.put("free_energy_end", r.freeEnergyEnd());
        if (grains()) {
            m.put("grains_start", r.grainsStart());
            m.put("grains_end", r.grainsEnd());
        }
        m.put("snapshots", r.snapshots());
        m.put("java_version", System.getProperty("java.version"));
        m.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put("os_arch", System.getProperty("os.arch"));
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        return m;
    }
}
