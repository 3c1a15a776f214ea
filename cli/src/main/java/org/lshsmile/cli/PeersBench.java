package org.lshsmile.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Preset;
import org.lshsmile.simd.Kernels;
import org.lshsmile.simd.StencilKernels;

/**
 * {@code lshsmile bench --peers}: the paper's brute-force baseline (PyTorch, float32 and float64, 1 and 2
 * threads) and a NumPy version ({@link PeerRunner}, {@code bench/peers/}) against our exact engine on the
 * same grain-growth state (default preset: dx = 0.5, dt = 0.05, L = 5, kappa = 0.1, A = B = 1), in rounds
 * (ours, then every peer, then again), each figure the median over the rounds; every peer's final state
 * is compared with ours.
 */
final class PeersBench {

    /** One contender's figure on one case. */
    record Row(String caseLabel, String who, String dtype, int threads, int steps, double[] msPerStep,
               double medianMs, double maxAbsDiff, String error) {
    }

    /** The section: what was found, and the rows (empty when nothing could run). */
    record Section(String detection, String install, List<Row> rows) {
    }

    private PeersBench() {
    }

    /** The cases {size, Q, steps}: 128^2 Q=3, and 512^2 (quick) or 2048^2 Q=8. */
    static int[][] cases(boolean quick) {
        return new int[][] {{128, 3, 200}, quick ? new int[] {512, 8, 5} : new int[] {2048, 8, 3}};
    }

    /** Runs the peers that are available on the cases {size, Q, steps}. */
    static Section run(int[][] cases, int rounds, Path work) throws IOException {
        PeerRunner runner = PeerRunner.fromEnvironment();
        PeerRunner.Detection d = runner.detect();
        List<Row> rows = new ArrayList<>();
        if (!d.available(PeerRunner.Peer.NUMPY) && !d.available(PeerRunner.Peer.TORCH)) {
            return new Section(d.summary(), PeerRunner.INSTALL, rows);
        }
        StencilKernels k = Kernels.simd().isPresent() ? Kernels.byName("simd") : Kernels.scalar();
        Preset p = Preset.DEFAULT;
        for (int[] c : cases) {
            int n = c[0];
            int q = c[1];
            int steps = c[2];
            String label = n + "^2 Q=" + q;
            double[] init = GrainStates.voronoi(n, n, q, q, 42, true).values();
            Path initNpy = work.resolve("peers_init_" + n + ".npy");
            Npy.write(initNpy, new int[] {q, n, n}, init);
            GrainGrowth model = p.grainGrowth(q, false);
            List<String[]> who = new ArrayList<>();
            who.add(new String[] {"lshsmile " + k.name(), "float64", "1"});
            who.add(new String[] {"lshsmile " + k.name(), "float64", "2"});
            if (d.available(PeerRunner.Peer.NUMPY)) {
                who.add(new String[] {"numpy", "float64", "1"});
            }
            if (d.available(PeerRunner.Peer.TORCH)) {
                for (String dtype : new String[] {"float64", "float32"}) {
                    who.add(new String[] {"torch", dtype, "1"});
                    who.add(new String[] {"torch", dtype, "2"});
                }
            }
            double[][] ms = new double[who.size()][rounds];
            double[] diff = new double[who.size()];
            String[] error = new String[who.size()];
            double[] ours = new double[init.length];
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < who.size(); w++) {
                    String[] x = who.get(w);
                    if (error[w] != null) {
                        continue;
                    }
                    int threads = Integer.parseInt(x[2]);
                    if (x[0].startsWith("lshsmile")) {
                        ms[w][r] = ours(model, init, n, q, steps, k, threads, ours);
                        continue;
                    }
                    Path out = work.resolve("peers_" + x[0] + "_" + x[1] + "_" + threads + "_" + n + ".npy");
                    try {
                        PeerRunner.Result res = runner.run(PeerRunner.Peer.byName(x[0]), x[1], threads, initNpy, steps,
                            p.dt(), p.dx(), p.mobility(), p.kappa(), p.a(), p.b(), out, Duration.ofMinutes(20));
                        ms[w][r] = res.msPerStep();
                        double[] theirs = Npy.read(out).data();
                        double m = 0;
                        for (int i = 0; i < theirs.length; i++) {
                            m = Math.max(m, Math.abs(theirs[i] - ours[i]));
                        }
                        diff[w] = Math.max(diff[w], m);
                    } catch (PeerRunner.PeerException e) {
                        error[w] = CliException.oneLine(e.getMessage());
                    } finally {
                        Files.deleteIfExists(out);
                    }
                }
            }
            Files.deleteIfExists(initNpy);
            for (int w = 0; w < who.size(); w++) {
                String[] x = who.get(w);
                double[] v = ms[w].clone();
                Arrays.sort(v);
                rows.add(new Row(label, x[0], x[1], Integer.parseInt(x[2]), steps, ms[w],
                    error[w] != null ? Double.NaN : v[v.length / 2], x[0].startsWith("lshsmile") ? 0 : diff[w],
                    error[w]));
            }
        }
        return new Section(d.summary(), PeerRunner.INSTALL, rows);
    }

    /** ms per step of our exact engine over {@code steps} steps from {@code init}; the final state into out. */
    private static double ours(GrainGrowth model, double[] init, int n, int q, int steps, StencilKernels k,
                               int threads, double[] out) {
        try (Grid g = new Grid(q, n, n, Preset.DEFAULT.dx(), Boundary.PERIODIC)) {
            g.copyFrom(init);
            try (ExactEngine e = new ExactEngine(model, g, Preset.DEFAULT.dt(), k, threads, 0)) {
                long t = System.nanoTime();
                e.step(steps);
                double ms = (System.nanoTime() - t) * 1e-6 / steps;
                g.copyTo(out);
                return ms;
            }
        }
    }
}
