package org.lshsmile.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The few lines a finished run prints on stdout. */
final class Summary {

    private Summary() {
    }

    /** Prints what ran, how fast, F and grains at start and end, and what was written. */
    static void print(PrintWriter out, RunSpec s, Runner.Result r) {
        RunSpec.InitialState init = s.init();
        out.printf(Locale.ROOT, "%s: %s on %d x %d, Q = %d, %s, dx = %s, dt = %s: %d steps in %.2f s%n",
            s.command(), s.model().name(), init.ny(), init.nx(), init.fields(), s.bc().label(), Checks.fmt(s.dx()),
            Checks.fmt(s.dt()), r.stepsDone(), r.wallSeconds());
        if (r.stepsDone() > 0) {
            // one element = one value of one field, as in the JMH benchmarks
            double ns = r.stepSeconds() * 1e9 / (r.stepsDone() * (double) init.ny() * init.nx() * init.fields());
            out.printf(Locale.ROOT, "  %.1f steps per second, %.2f ns per element-step (exact, %s, %d thread%s)%n",
                r.stepsPerSecond(), ns, s.kernels().name(), r.threads(), r.threads() == 1 ? "" : "s");
        }
        double drop = r.freeEnergyStart() - r.freeEnergyEnd();
        out.printf(Locale.ROOT, "  free energy: %.6g -> %.6g (drop %.6g)%n", r.freeEnergyStart(), r.freeEnergyEnd(),
            drop);
        out.printf(Locale.ROOT, "  grains: %d -> %d%n", r.grainsStart(), r.grainsEnd());
        List<String> plain = new ArrayList<>();
        List<String> snaps = new ArrayList<>();
        for (String n : r.written()) {
            (n.startsWith("snap_") || n.startsWith("frame_") ? snaps : plain).add(n);
        }
        String what = String.join(", ", plain);
        if (!snaps.isEmpty()) {
            what += ", " + snaps.size() + " snapshot file" + (snaps.size() == 1 ? "" : "s") + " ("
                + snaps.get(0) + (snaps.size() > 1 ? " ... " + snaps.get(snaps.size() - 1) : "") + ")";
        }
        out.println("  wrote " + s.out() + "/: " + what);
        out.flush();
    }
}
