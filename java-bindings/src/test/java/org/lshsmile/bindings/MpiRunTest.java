package org.lshsmile.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MPI facade under {@code mpirun}: {@link MpiSelfCheck} on 1, 2 and 4 ranks (oversubscribed on this
 * 2-core machine), and the failure paths: a rank that throws aborts every rank with its message, a rank
 * that exits without MPI_Abort ends the run, a rank that hangs is killed by the timeout with its whole
 * process tree. Every run has a hard timeout; none may hang the build.
 *
 * <p>Skipped, with the reason, when mpirun or {@code liblshsmile_mpi.so} is absent; and in the suite's
 * forced-scalar run (MPI does not depend on the kernel set: one run is enough).
 */
class MpiRunTest {

    /** Per run; a healthy 4-rank run takes ~2 s here. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The hang test's own timeout: what it tests is the kill; long enough for two JVMs to start on a loaded machine. */
    private static final Duration HANG_TIMEOUT = Duration.ofSeconds(12);

    private static Path mpirun;
    private static String library;

    @BeforeAll
    static void findMpi() {
        assumeFalse("scalar".equals(System.getProperty("lshsmile.kernels")),
            "MPI tests run once, in the default surefire execution (they do not depend on the kernel set)");
        mpirun = MpiRun.mpirun().orElse(null);
        assumeTrue(mpirun != null, "mpirun not on PATH; install openmpi-bin and libopenmpi-dev to run the MPI tests");
        Mpi.Loaded loaded = Mpi.load();
        assumeTrue(loaded.mpi().isPresent(), loaded.description());
        library = loaded.mpi().get().source();
    }

    private static MpiRun.Outcome run(int np, Duration timeout, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--expect-size", Integer.toString(np)));
        args.addAll(List.of(extra));
        return MpiRun.run(MpiRun.command(mpirun, np, library, MpiSelfCheck.class, args), timeout);
    }

    private static String describe(MpiRun.Outcome o) {
        return "exit " + o.exitCode() + " after " + o.elapsed().toMillis() + " ms" + (o.timedOut() ? " (TIMED OUT)" : "")
            + ", output:\n" + o.output();
    }

    @ParameterizedTest(name = "np={0}")
    @ValueSource(ints = {1, 2, 4})
    void selfCheckPassesOnEveryRank(int np) throws Exception {
        MpiRun.Outcome o = run(np, TIMEOUT);
        assertFalse(o.timedOut(), "mpirun -np " + np + " did not finish in " + TIMEOUT.toSeconds() + " s; killed: "
            + describe(o));
        assertEquals(0, o.exitCode(), describe(o));
        assertTrue(o.output().contains("MPI SELF-CHECK PASSED np=" + np), describe(o));
        for (int r = 0; r < np; r++) {
            assertTrue(o.output().contains("rank " + r + "/" + np + " ok"), "rank " + r + " did not report: " + describe(o));
        }
    }

    @Test
    void aRankThatThrowsAbortsTheRunWithItsMessage() throws Exception {
        MpiRun.Outcome o = run(2, TIMEOUT, "--fail-rank", "1");
        assertFalse(o.timedOut(), "the abort did not end the run: " + describe(o));
        assertNotEquals(0, o.exitCode(), describe(o));
        assertEquals(3, o.exitCode(), "mpirun passes on the MPI_Abort code: " + describe(o));
        assertTrue(o.output().contains("[lshsmile mpi] rank 1 of 2: MpiSelfCheck failed: java.lang.IllegalStateException: "
            + "deliberate failure on rank 1"), describe(o));
        assertTrue(o.output().contains("aborting all ranks (exit code 3)"), describe(o));
        assertFalse(o.output().contains("SELF-CHECK PASSED"), describe(o));
        assertTrue(o.elapsed().compareTo(Duration.ofSeconds(30)) < 0, "abort took too long: " + describe(o));
    }

    @Test
    void aRankThatExitsWithoutAbortEndsTheRun() throws Exception {
        MpiRun.Outcome o = run(2, TIMEOUT, "--exit-rank", "0");
        assertFalse(o.timedOut(), "mpirun did not end the run after a rank exited: " + describe(o));
        assertEquals(4, o.exitCode(), "mpirun passes on the rank's exit status: " + describe(o));
        assertTrue(o.output().contains("rank 0 exiting with status 4"), describe(o));
        assertFalse(o.output().contains("SELF-CHECK PASSED"), describe(o));
    }

    @Test
    void aHangingRankIsKilledByTheTimeoutWithTheWholeTree() throws Exception {
        MpiRun.Outcome o = run(2, HANG_TIMEOUT, "--hang-rank", "1");
        assertTrue(o.timedOut(), "a hanging rank should have hit the timeout: " + describe(o));
        assertTrue(o.output().contains("rank 1 hanging (as asked)"), "the rank never got to the hang: " + describe(o));
        assertEquals(0, o.survivors(), "processes of the run survived the kill: " + describe(o));
        assertTrue(o.elapsed().compareTo(HANG_TIMEOUT.plusSeconds(10)) < 0, "the kill took too long: " + describe(o));
    }
}
