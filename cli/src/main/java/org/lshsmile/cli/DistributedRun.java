package org.lshsmile.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import org.lshsmile.core.dist.Communicator;
import org.lshsmile.bindings.Mpi;
import org.lshsmile.core.dist.MpiCommunicator;
import org.lshsmile.core.dist.Slab;

/**
 * {@code simulate --distributed} and {@code learn --distributed}: this process is one rank of an MPI job
 * ({@code mpirun -np N ./lshsmile simulate ... --distributed}; without mpirun it is a job of one rank). Every
 * rank checks the same options; then {@link Runner} steps this rank's slab, or the trainer computes this
 * rank's share of every batch, and rank 0 writes every file.
 *
 * <p>Failures: an error every rank meets alike (bad options, before anything is shared; a blow-up, found
 * by a collective check) is printed by rank 0 and every rank exits with its code. An error one rank meets
 * alone once the run is under way (an I/O failure on rank 0, a crash) ends every rank through
 * {@code MPI_Abort}, so no rank waits forever in a collective; mpirun then exits non-zero.
 */
final class DistributedRun {

    private DistributedRun() {
    }

    /** A command's work as one rank: checks, then {@code checked.run()} (collective), then the shared work. */
    @FunctionalInterface
    interface Body {
        /** Returns the exit code. */
        int run(Communicator comm, Runnable checked);
    }

    /** Runs {@code plan}'s simulation as this rank; returns the exit code. */
    static int call(Supplier<RunSpec> plan, PrintWriter out, PrintWriter err) {
        return call(err, (comm, checked) -> {
            RunSpec run = plan.get();
            check(run, comm);
            checked.run();
            Runner.Result r = Runner.run(run, err, comm);
            if (comm.rank() == 0) {
                Summary.print(out, run, r);
            }
            return 0;
        });
    }

    /** Runs {@code body} as this rank of the MPI job; returns the exit code. */
    static int call(PrintWriter err, Body body) {
        Mpi.Loaded loaded = Mpi.load();
        Mpi mpi = loaded.mpi().orElseThrow(() -> CliException.usage("--distributed needs the MPI shim: "
            + loaded.description(), "install Open MPI (apt-get install openmpi-bin libopenmpi-dev), rebuild with"
            + " ./jmvn -B -ntp verify, and start the ranks with mpirun -np N ./lshsmile simulate ... --distributed"));
        mpi.init();
        MpiCommunicator comm = new MpiCommunicator(mpi);
        boolean[] underWay = {false};
        try {
            return body.run(comm, () -> {
                comm.allreduceMax(0); // every rank has checked --out before rank 0 creates it
                underWay[0] = true;
            });
        } catch (CliException e) {
            if (underWay[0] && e.exitCode() != CliException.NON_FINITE) {
                mpi.abort(e.exitCode(), "lshsmile: error: " + CliException.oneLine(e.getMessage()));
            }
            // rank 0 says it once, before any rank exits: mpirun ends the whole job at the first non-zero exit
            if (comm.rank() == 0) {
                err.println("lshsmile: error: " + CliException.oneLine(e.getMessage()));
                err.flush();
            }
            comm.allreduceMax(0);
            return e.exitCode();
        } catch (RuntimeException | Error e) {
            if (underWay[0]) {
                mpi.abort(CliException.FAILURE, "lshsmile: internal error: " + e);
            }
            throw e;
        } finally {
            mpi.close();
        }
    }

    /** What a distributed run cannot do (yet), and slabs too thin for the halo, refused alike on every rank. */
    private static void check(RunSpec run, Communicator comm) {
        if (run.lshEngine() && run.lsh().mode() != org.lshsmile.core.lsh.LshSmileEngine.Mode.VERIFIED) {
            throw CliException.usage("--engine lsh runs distributed in the verified mode only (its ghost layers are"
                + " checked like any changed neighbour; the paper's mode has no such check)", "drop --lsh-mode paper,"
                + " or run it on one process");
        }
        if (run.stats() != null) {
            throw CliException.usage("--stats writes one engine's per-step counters, and a distributed run has one"
                + " engine per rank", "drop --stats, or run on one process");
        }
        RunSpec.InitialState s = run.init();
        try {
            Slab.of(s.is3d() ? s.nz() : s.ny(), comm.size(), comm.rank());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("the grid's " + (s.is3d() ? "nz" : "ny") + " = " + (s.is3d() ? s.nz() : s.ny())
                + " cannot be cut into " + comm.size() + " slabs of at least " + Slab.MIN_LAYERS + " layers",
                "run on at most " + Math.max(1, (s.is3d() ? s.nz() : s.ny()) / Slab.MIN_LAYERS)
                    + " ranks, or use a larger grid");
        }
    }
}
