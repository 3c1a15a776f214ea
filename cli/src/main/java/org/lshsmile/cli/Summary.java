package org.lshsmile.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.model.GrainGrowth;

/** The few lines a finished run prints on stdout. */
final class Summary {

    private Summary() {
    }

    /**
     * Prints what ran, the error against the exact engine (with {@code --compare-exact}), how fast, F (and
     * for grain growth the grains) at start and end, the newest checkpoint and what was written.
     */
    static void print(PrintWriter out, RunSpec s, Runner.Result r) {
        RunSpec.InitialState init = s.init();
        boolean grains = s.model() instanceof GrainGrowth;
        List<String> names = new ArrayList<>();
        for (int f = 0; f < init.fields(); f++) {
            names.add(s.model().fieldName(f));
        }
        String fields = grains ? "Q = " + init.fields() : "fields " + String.join(", ", names);
        String shape = (init.is3d() ? init.nz() + " x " : "") + init.ny() + " x " + init.nx();
        out.printf(Locale.ROOT, "%s: %s on %s, %s, %s, dx = %s, dt = %s: %d steps in %.2f s%n",
            s.command(), s.model().name(), shape, fields, s.bc().label(), Checks.fmt(s.dx()),
            Checks.fmt(s.dt()), r.stepsRun(), r.wallSeconds());
        if (s.start().resumed()) {
            out.printf(Locale.ROOT, "  resumed from step %d (%s), now at step %d of %d%n", r.startStep(),
                s.start().checkpoint(), r.stepsDone(), s.steps());
        }
        if (s.active()) {
            out.printf(Locale.ROOT, "  engine: active, tau = %s: %d sparse and %d dense steps%n", Checks.fmt(s.tau()),
                r.sparseSteps(), r.denseSteps());
        }
        if (r.compare() != null) {
            Runner.Compare c = r.compare();
            out.printf(Locale.ROOT, "  vs exact at step %d: max |error| %s, mean %s; worst max %s (exact engine"
                + " %.2f s)%n", r.stepsDone(), Checks.fmt(c.finalMax()), Checks.fmt(c.finalMean()),
                Checks.fmt(c.worstMax()), c.exactSeconds());
        }
        if (r.stepsRun() > 0) {
            // one element = one value of one field, as in the JMH benchmarks
            double ns = r.stepSeconds() * 1e9 / (r.stepsRun() * (double) init.ny() * init.nx() * init.fields());
            out.printf(Locale.ROOT, "  %.1f steps per second, %.2f ns per element-step (%s, %s, %d thread%s)%n",
                r.stepsPerSecond(), ns, s.active() ? "active" : s.lshEngine() ? "lsh" : "exact", s.kernels().name(), r.threads(),
                r.threads() == 1 ? "" : "s");
        }
        double drop = r.freeEnergyStart() - r.freeEnergyEnd();
        out.printf(Locale.ROOT, "  free energy: %.6g -> %.6g (drop %.6g)%n", r.freeEnergyStart(), r.freeEnergyEnd(),
            drop);
        if (grains) {
            out.printf(Locale.ROOT, "  grains: %d -> %d%n", r.grainsStart(), r.grainsEnd());
        }
        if (s.checkpointEvery() > 0 && r.checkpoint() != null) {
            out.printf(Locale.ROOT, "  checkpoints every %d steps, newest %s/%s%n", s.checkpointEvery(), s.out(),
                r.checkpoint());
        }
        List<String> plain = new ArrayList<>();
        List<String> snaps = new ArrayList<>();
        for (String n : r.written()) {
            (n.startsWith("snap_") || n.startsWith("frame_") ? snaps : plain).add(n);
        }
        plain.sort(Comparator.comparingInt(Summary::rank)); // stable: final files in the order written
        String what = String.join(", ", plain);
        if (!snaps.isEmpty()) {
            what += ", " + snaps.size() + " snapshot file" + (snaps.size() == 1 ? "" : "s") + " ("
                + snaps.get(0) + (snaps.size() > 1 ? " ... " + snaps.get(snaps.size() - 1) : "") + ")";
        }
        out.println("  wrote " + s.out() + "/: " + what);
        out.flush();
    }

    /** Order of the non-snapshot files in the summary: final state files, diagnostics, report, others. */
    private static int rank(String name) {
        if (name.startsWith("final")) {
            return 0;
        }
        return switch (name) {
            case "diagnostics.csv" -> 1;
            case "run.json" -> 2;
            default -> 3;
        };
    }
}
