package org.lshsmile.core.dist;

import java.lang.foreign.MemorySegment;

/**
 * What a distributed run needs from its transport: MPI through java-bindings' {@code Mpi} in production,
 * threads standing in for ranks in tests. Every call is collective: all ranks
 * make the same calls in the same order.
 */
public interface Communicator {

    /** This rank, 0-based. */
    int rank();

    /** Number of ranks. */
    int size();

    /**
     * Exchanges {@code count} doubles with both neighbours along the line of ranks: {@code sendLower} goes
     * to rank - 1, whose {@code recvUpper} receives it; {@code sendUpper} goes to rank + 1, into its
     * {@code recvLower}. Without {@code periodic} the ends have no neighbour there and that receive buffer
     * is left as it is; with it, the first and last ranks are neighbours (one rank: itself).
     */
    void haloExchange(MemorySegment sendLower, MemorySegment recvLower, MemorySegment sendUpper,
                      MemorySegment recvUpper, long count, boolean periodic);

    /** Element-wise sum over ranks, in place; returns {@code data}. */
    double[] allreduceSum(double[] data);

    /** The maximum of {@code x} over ranks. */
    double allreduceMax(double x);

    /**
     * The concatenation, in rank order, of every rank's {@code send} on {@code root}; an empty array on
     * the other ranks.
     */
    double[] gatherv(double[] send, int root);
}
