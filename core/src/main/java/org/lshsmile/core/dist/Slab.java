package org.lshsmile.core.dist;

/**
 * One rank's share of a grid cut into slabs along its slowest axis (z in 3-D, y in 2-D): rank r of P
 * holds layers {@code [n r / P, n (r + 1) / P)}, so shares differ by at most one layer.
 *
 * @param layers the global number of layers along the cut axis
 * @param ranks  number of ranks
 * @param rank   this rank
 * @param start  first layer of this rank
 * @param count  layers of this rank
 */
public record Slab(int layers, int ranks, int rank, int start, int count) {

    /** Fewest layers a rank may hold: the halo is two layers deep and comes from one neighbour. */
    public static final int MIN_LAYERS = 2;

    /**
     * The slab of {@code rank}.
     *
     * @throws IllegalArgumentException when a rank would get fewer than {@link #MIN_LAYERS} layers, naming
     *                                  the largest rank count that works
     */
    public static Slab of(int layers, int ranks, int rank) {
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank " + rank + " of " + ranks + " is not a rank");
        }
        if (layers < MIN_LAYERS * (long) ranks) {
            throw new IllegalArgumentException(layers + " layers cannot be cut into " + ranks + " slabs of at least "
                + MIN_LAYERS + "; run on at most " + Math.max(1, layers / MIN_LAYERS) + " ranks or use a larger grid");
        }
        int start = (int) ((long) layers * rank / ranks);
        int end = (int) ((long) layers * (rank + 1) / ranks);
        return new Slab(layers, ranks, rank, start, end - start);
    }
}
