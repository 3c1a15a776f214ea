package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.cli.PeerRunner.Detection;
import org.lshsmile.cli.PeerRunner.Peer;
import org.lshsmile.cli.PeerRunner.PeerException;
import org.lshsmile.cli.PeerRunner.Result;
import org.lshsmile.core.engine.ExactEngine;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.ic.GrainStates;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.simd.Kernels;

/**
 * The bench/peers scripts through {@link PeerRunner}: NumPy and PyTorch agree with the exact engine, bad
 * arguments and missing pieces give one-line reasons. Tests that need Python, NumPy or PyTorch are skipped
 * with detect()'s reason when they are absent (install: {@value PeerRunner#INSTALL}).
 */
class PeerRunnerTest {

    private static final int Q = 3;
    private static final int N = 32;
    private static final int STEPS = 50;
    // distinct values, so that a peer mixing up its arguments cannot agree; dt below the stable bound (~0.08)
    private static final double DT = 0.05;
    private static final double DX = 0.5;
    private static final double L = 4.0;
    private static final double KAPPA = 0.12;
    private static final double A = 1.0;
    private static final double B = 1.1;
    /** float64 peers vs the scalar kernels (measured: 0 for NumPy, same operation order; 2.2e-16 for torch). */
    private static final double FLOAT64_BOUND = 1e-12;
    /**
     * Torch float32 vs the float64 engine after 50 steps: 8.8e-8 measured (float32 rounds at 6e-8 relative
     * on values of order 1, and the Allen-Cahn relaxation damps what accumulates); 1e-6 leaves 11x.
     */
    private static final double FLOAT32_BOUND = 1e-6;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static PeerRunner runner;
    private static Detection found;

    @TempDir
    Path tmp;

    @BeforeAll
    static void detect() {
        runner = PeerRunner.fromEnvironment();
        found = runner.detect();
    }

    private static void assumePeer(Peer p) {
        assumeTrue(found.available(p), () -> p.id() + " peer unavailable: " + found.reason(p));
    }

    private double[] voronoi() {
        return GrainStates.voronoi(N, N, Q, Q, 11, true).values();
    }

    private Path init() throws IOException {
        Path p = tmp.resolve("init.npy");
        Npy.write(p, new int[] {Q, N, N}, voronoi());
        return p;
    }

    private static double[] exact(double[] init, double kappa) {
        try (Grid g = new Grid(Q, N, N, DX, Boundary.PERIODIC)) {
            g.copyFrom(init);
            ExactEngine e = new ExactEngine(GrainGrowth.uniform(Q, L, kappa, A, B, false), g, DT, Kernels.scalar(), 1);
            e.step(STEPS);
            double[] out = new double[Q * N * N];
            g.copyTo(out);
            return out;
        }
    }

    private static double maxAbs(double[] x, double[] y) {
        assertEquals(x.length, y.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    private Result run(Peer p, String dtype, int threads, Path init) throws PeerException {
        Path out = tmp.resolve(p.id() + "-" + dtype + "-" + threads + ".npy");
        return runner.run(p, dtype, threads, init, STEPS, DT, DX, L, KAPPA, A, B, out, TIMEOUT);
    }

    private static double[] state(Result r) throws IOException {
        var a = Npy.read(r.finalState());
        assertEquals(Q, a.shape()[0]);
        assertEquals(N, a.shape()[1]);
        assertEquals(N, a.shape()[2]);
        return a.data();
    }

    @Test
    void numpyAndTorchAgreeWithTheExactEngine() throws Exception {
        assumePeer(Peer.NUMPY);
        assumePeer(Peer.TORCH);
        Path init = init();
        double[] start = voronoi();
        double[] ours = exact(start, KAPPA);
        assertTrue(maxAbs(ours, start) > 0.1, "the interfaces must move for the comparison to mean anything");
        assertTrue(maxAbs(ours, exact(start, KAPPA * 1.01)) > 1e-4, "kappa 1% off must show far above the bounds");

        Result np = run(Peer.NUMPY, "float64", 1, init);
        Result t1 = run(Peer.TORCH, "float64", 1, init);
        Result t2 = run(Peer.TORCH, "float64", 2, init);
        Result t32 = run(Peer.TORCH, "float32", 1, init);

        assertTrue(maxAbs(state(np), ours) <= FLOAT64_BOUND, () -> "numpy: " + maxAbsOf(np, ours));
        assertTrue(maxAbs(state(t1), ours) <= FLOAT64_BOUND, () -> "torch 1 thread: " + maxAbsOf(t1, ours));
        assertTrue(maxAbs(state(t2), ours) <= FLOAT64_BOUND, () -> "torch 2 threads: " + maxAbsOf(t2, ours));
        double d32 = maxAbs(state(t32), ours);
        assertTrue(d32 <= FLOAT32_BOUND, "torch float32: " + d32);
        assertTrue(d32 > 1e-9, "float32 must really round in single precision, got " + d32);

        for (Result r : new Result[] {np, t1, t2, t32}) {
            assertEquals(STEPS, r.steps());
            assertEquals(1, r.warmupSteps());
            assertTrue(r.msPerStep() > 0 && r.msPerStep() < r.wall().toNanos() / 1e6 / STEPS,
                r.peer() + " " + r.msPerStep() + " ms/step vs wall " + r.wall());
            assertEquals(found.versions().get("numpy"), r.versions().get("numpy"), r.versions().toString());
            assertEquals(found.versions().get("python"), r.versions().get("python"), r.versions().toString());
        }
        assertEquals("numpy", np.peer().id());
        assertEquals(1, np.threads());
        assertEquals(2, t2.threads());
        assertEquals("float32", t32.dtype());
        assertEquals(found.versions().get("torch"), t1.versions().get("torch"));
        assertFalse(np.versions().containsKey("torch"), np.versions().toString());
    }

    private static String maxAbsOf(Result r, double[] ours) {
        try {
            return "max |peer - exact| = " + maxAbs(state(r), ours);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void badArgumentsGiveTheScriptsOneLineErrors() throws Exception {
        assumePeer(Peer.NUMPY); // the file checks read .npy with NumPy
        Path init = init();
        Path out = tmp.resolve("out.npy");
        Duration t = Duration.ofSeconds(60);
        String negativeDt = assertThrows(PeerException.class, () -> runner.run(Peer.NUMPY, "float64", 1, init, 5,
            -0.05, DX, L, KAPPA, A, B, out, t)).getMessage();
        assertEquals("numpy peer failed (exit 2): grain_growth_numpy.py: error: argument dt: must be a positive "
            + "finite number, got '-0.05' (see --help)", negativeDt);

        String dtype = assertThrows(PeerException.class, () -> runner.run(Peer.TORCH, "float16", 1, init, 5, DT, DX,
            L, KAPPA, A, B, out, t)).getMessage();
        assertTrue(dtype.startsWith("torch peer failed (exit 2): grain_growth_torch.py: error: argument --dtype: "
            + "invalid choice: 'float16'"), dtype);

        String threads = assertThrows(PeerException.class, () -> runner.run(Peer.NUMPY, "float64", 2, init, 5, DT,
            DX, L, KAPPA, A, B, out, t)).getMessage();
        assertTrue(threads.contains("single-threaded: --threads must be 1, got 2"), threads);

        String steps = assertThrows(PeerException.class, () -> runner.run(Peer.NUMPY, "float64", 1, init, 0, DT,
            DX, L, KAPPA, A, B, out, t)).getMessage();
        assertTrue(steps.contains("argument steps: must be >= 1, got '0'"), steps);

        Path missing = tmp.resolve("missing.npy");
        String noFile = assertThrows(PeerException.class, () -> runner.run(Peer.NUMPY, "float64", 1, missing, 5,
            DT, DX, L, KAPPA, A, B, out, t)).getMessage();
        assertTrue(noFile.contains("initial state '" + missing + "' does not exist"), noFile);

        Path flat = tmp.resolve("flat.npy");
        Npy.write(flat, new int[] {N, N}, new double[N * N]);
        String shape = assertThrows(PeerException.class, () -> runner.run(Peer.NUMPY, "float64", 1, flat, 5, DT, DX,
            L, KAPPA, A, B, out, t)).getMessage();
        assertTrue(shape.contains("must have shape (Q, ny, nx), got (32, 32)"), shape);

        for (String m : new String[] {negativeDt, dtype, threads, steps, noFile, shape}) {
            assertFalse(m.contains("\n") || m.contains("Traceback"), m);
        }
        assertFalse(Files.exists(out), "a refused run writes nothing");
    }

    @Test
    void anUnstableTimeStepIsReportedNotWritten() throws Exception {
        assumePeer(Peer.NUMPY);
        Path out = tmp.resolve("out.npy");
        String m = assertThrows(PeerException.class, () -> runner.run(Peer.NUMPY, "float64", 1, init(), 400, 1.0,
            DX, L, KAPPA, A, B, out, TIMEOUT)).getMessage();
        assertTrue(m.startsWith("numpy peer failed (exit 1): ") && m.contains("NaN or infinity after 400 steps"), m);
        assertFalse(Files.exists(out));
    }

    @Test
    void aPeerPastItsTimeoutIsKilled() throws Exception {
        assumePeer(Peer.NUMPY);
        Path init = init();
        long start = System.nanoTime();
        String m = assertThrows(PeerException.class, () -> runner.run(Peer.NUMPY, "float64", 1, init, 100_000_000,
            DT, DX, L, KAPPA, A, B, tmp.resolve("out.npy"), Duration.ofSeconds(2))).getMessage();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(m.startsWith("grain_growth_numpy.py timed out after 2.00 s and was killed"), m);
        assertTrue(seconds < 15, "took " + seconds + " s");
    }

    @Test
    void detectNamesAnInterpreterThatDoesNotExist() {
        Path scripts = runner.scripts().orElse(tmp);
        PeerRunner bogus = new PeerRunner("/nonexistent/bin/python3", scripts);
        Detection d = bogus.detect();
        assertFalse(d.pythonAvailable());
        assertFalse(d.numpyAvailable());
        assertFalse(d.torchAvailable());
        for (Peer p : Peer.values()) {
            assertFalse(d.available(p));
            String why = d.reason(p);
            assertTrue(why.contains("/nonexistent/bin/python3") || why.contains("peer script"), why);
            assertFalse(why.contains("\n"), why);
        }
        assertTrue(d.problems().get("python").startsWith("cannot start /nonexistent/bin/python3: "),
            d.problems().toString());
        assertEquals("PyTorch needs python, which is unusable", d.problems().get("torch"));
        PeerException e = assertThrows(PeerException.class, () -> new PeerRunner("/nonexistent/bin/python3",
            scripts).run(Peer.NUMPY, "float64", 1, tmp.resolve("i.npy"), 5, DT, DX, L, KAPPA, A, B,
            tmp.resolve("o.npy"), TIMEOUT));
        assertTrue(e.getMessage().contains("/nonexistent/bin/python3"), e.getMessage());
    }

    /** A python3 whose torch import fails, as on a machine with python3-numpy but without python3-torch. */
    @Test
    void withoutTorchTheTorchPeerSaysSoAndNumpyStillRuns() throws Exception {
        assumePeer(Peer.NUMPY);
        Path fake = Files.createDirectories(tmp.resolve("fake").resolve("torch"));
        Files.writeString(fake.resolve("__init__.py"), "raise ImportError('simulated: no torch here')\n");
        Path wrapper = tmp.resolve("python3-without-torch");
        Files.writeString(wrapper, "#!/bin/sh\nPYTHONPATH='" + fake.getParent() + "' exec '" + runner.python()
            + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));

        PeerRunner noTorch = new PeerRunner(wrapper.toString(), runner.scripts().orElseThrow());
        Detection d = noTorch.detect();
        assertTrue(d.available(Peer.NUMPY), d.summary());
        assertFalse(d.available(Peer.TORCH), d.summary());
        assertEquals("PyTorch is not importable by " + wrapper + " (ImportError: simulated: no torch here); install: "
            + PeerRunner.INSTALL, d.reason(Peer.TORCH));

        Path init = init();
        String m = assertThrows(PeerException.class, () -> noTorch.run(Peer.TORCH, "float64", 1, init, 5, DT, DX, L,
            KAPPA, A, B, tmp.resolve("t.npy"), TIMEOUT)).getMessage();
        assertEquals("torch peer failed (exit 3): grain_growth_torch.py: error: PyTorch is not available "
            + "(simulated: no torch here); install it with: " + PeerRunner.INSTALL, m);
        Result r = noTorch.run(Peer.NUMPY, "float64", 1, init, 5, DT, DX, L, KAPPA, A, B, tmp.resolve("n.npy"),
            TIMEOUT);
        assertEquals(5, r.steps());
        assertTrue(Files.isRegularFile(r.finalState()));
    }

    @Test
    void missingScriptsAreReportedByDetectAndRun() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        PeerRunner r = new PeerRunner(runner.python(), empty);
        Detection d = r.detect();
        for (Peer p : Peer.values()) {
            assertFalse(d.available(p));
            assertTrue(d.reason(p).startsWith("peer script grain_growth_torch.py not found in " + empty), d.reason(p));
        }
        String m = assertThrows(PeerException.class, () -> r.run(Peer.NUMPY, "float64", 1, tmp.resolve("i.npy"), 5,
            DT, DX, L, KAPPA, A, B, tmp.resolve("o.npy"), TIMEOUT)).getMessage();
        assertTrue(m.startsWith("numpy peer cannot run: peer script"), m);
    }

    @Test
    void scriptsAreFoundByPropertyThenWorkingDirectoryThenNearTheCode() throws IOException {
        Path root = tmp.resolve("repo");
        Path peers = Files.createDirectories(root.resolve("bench").resolve("peers"));
        for (Peer p : Peer.values()) {
            Files.writeString(peers.resolve(p.script()), "# stub\n");
        }
        Path jar = Files.createDirectories(root.resolve("cli").resolve("target")).resolve("lshsmile.jar");
        Files.writeString(jar, "stub");
        Path classes = Files.createDirectories(root.resolve("cli").resolve("target").resolve("classes"));
        Path deep = Files.createDirectories(root.resolve("a").resolve("b").resolve("c").resolve("d"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));

        assertEquals(Optional.of(peers), PeerRunner.locateScripts(peers.toString(), elsewhere, null));
        assertEquals(Optional.empty(), PeerRunner.locateScripts(elsewhere.toString(), root, jar),
            "a property that names the wrong directory is not second-guessed");
        assertEquals(Optional.of(peers), PeerRunner.locateScripts(null, root, null));
        assertEquals(Optional.of(peers), PeerRunner.locateScripts("", elsewhere, jar));
        assertEquals(Optional.of(peers), PeerRunner.locateScripts(null, elsewhere, classes));
        assertEquals(Optional.of(peers), PeerRunner.locateScripts(null, null, deep.getParent()));
        assertEquals(Optional.empty(), PeerRunner.locateScripts(null, elsewhere, deep), "four parents up is too far");
        Files.delete(peers.resolve(Peer.NUMPY.script()));
        assertEquals(Optional.empty(), PeerRunner.locateScripts(null, root, jar), "both scripts are needed");
    }

    @Test
    void fromEnvironmentFindsTheRepositorysPeers() {
        Path scripts = runner.scripts().orElseThrow(() -> new AssertionError(found.summary()));
        assertTrue(Files.isRegularFile(scripts.resolve("grain_growth_torch.py")));
        assertEquals("peers", scripts.getFileName().toString());
        assertEquals(scripts, found.scripts());
    }
}
