package org.lshsmile.core.dist;

import java.lang.foreign.MemorySegment;
import org.lshsmile.bindings.Mpi;

/**
 * {@link Communicator} over MPI_COMM_WORLD through java-bindings' {@link Mpi} (the C shim built with
 * mpicc): one JVM per rank, started by {@code mpirun}. MPI must have been initialised ({@link Mpi#init()}).
 */
public final class MpiCommunicator implements Communicator {

    private final Mpi mpi;
    private final int rank;
    private final int size;

    /**
     * @param mpi an initialised MPI
     * @throws org.lshsmile.bindings.MpiException if MPI is not running
     */
    public MpiCommunicator(Mpi mpi) {
        if (mpi == null) {
            throw new IllegalArgumentException("mpi must not be null");
        }
        this.mpi = mpi;
        this.rank = mpi.rank();
        this.size = mpi.size();
    }

    /** The MPI facade (for abort and finalize). */
    public Mpi mpi() {
        return mpi;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void haloExchange(MemorySegment sendLower, MemorySegment recvLower, MemorySegment sendUpper,
                             MemorySegment recvUpper, long count, boolean periodic) {
        mpi.haloExchange(sendLower, recvLower, sendUpper, recvUpper, count, periodic);
    }

    @Override
    public double[] allreduceSum(double[] data) {
        return mpi.allreduceSum(data);
    }

    @Override
    public double allreduceMax(double x) {
        return mpi.allreduceMax(x);
    }

    @Override
    public double[] gatherv(double[] send, int root) {
        return mpi.gatherv(send, root);
    }
}
