package org.lshsmile.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One rank of the MPI self-check that {@code MpiRunTest} starts with {@code mpirun -np N}: rank and size,
 * allreduce (scalars, vectors, int64, a segment prefix), broadcast, gather and gatherv to root, and the
 * halo exchange (blocking and nonblocking, periodic and not) with rank-tagged rows, each checked against
 * the values the other ranks must have sent. A failed check on any rank aborts every rank with the
 * reason, so the run fails instead of hanging.
 *
 * <p>Arguments: {@code --expect-size N} (required), {@code --fail-rank R} (rank R throws after start-up,
 * the others wait in a collective: tests the abort path), {@code --exit-rank R} (rank R halts with status
 * 4 without MPI_Abort: tests that mpirun ends the others), {@code --hang-rank R} (rank R sleeps while
 * the others wait in a collective: tests the caller's timeout). Prints {@code rank r/N ok} per rank and, at
 * rank 0, {@code MPI SELF-CHECK PASSED np=N}.
 */
public final class MpiSelfCheck {

    /** The value a receive buffer holds until a halo lands in it (never sent by any rank). */
    static final double UNTOUCHED = -7.5;
    /** Doubles per halo row. */
    static final int ROW = 5;

    private MpiSelfCheck() {
    }

    /**
     * Runs the checks on this rank.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        int expectSize = -1;
        int failRank = -1;
        int exitRank = -1;
        int hangRank = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--expect-size" -> expectSize = Integer.parseInt(args[++i]);
                case "--fail-rank" -> failRank = Integer.parseInt(args[++i]);
                case "--exit-rank" -> exitRank = Integer.parseInt(args[++i]);
                case "--hang-rank" -> hangRank = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                    + "; expected --expect-size N [--fail-rank R] [--exit-rank R] [--hang-rank R]");
            }
        }
        Mpi.Loaded loaded = Mpi.load();
        if (loaded.mpi().isEmpty()) {
            System.err.println("MpiSelfCheck: " + loaded.description());
            System.exit(2);
        }
        Mpi mpi = loaded.mpi().get();
        try {
            Mpi.ThreadLevel level = mpi.init();
            int rank = mpi.rank();
            if (rank == exitRank) {
                System.err.println("MpiSelfCheck: rank " + rank + " exiting with status 4 without MPI_Abort (as asked)");
                System.err.flush();
                Runtime.getRuntime().halt(4);
            }
            if (rank == hangRank) {
                System.err.println("MpiSelfCheck: rank " + rank + " hanging (as asked)");
                System.err.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            if (rank == failRank) {
                throw new IllegalStateException("deliberate failure on rank " + rank + " (as asked by --fail-rank)");
            }
            run(mpi, expectSize);
            if (rank == 0) {
                System.out.println("MPI SELF-CHECK PASSED np=" + mpi.size() + " (" + mpi.libraryVersion()
                    + ", thread level " + level + ")");
            }
            System.out.flush();
            mpi.close();
            check(mpi.isFinalized() && !mpi.isInitialized(), "finalised after close()");
            MpiException after = expect(MpiException.class, mpi::rank, "rank() after close()");
            check(after.getMessage().contains("already finalised"), "message after close: " + after.getMessage());
            mpi.close(); // a second close does nothing
        } catch (Throwable t) {
            mpi.abort(3, "MpiSelfCheck failed: " + t);
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("check failed: " + what);
        }
    }

    static <T extends Throwable> T expect(Class<T> type, Runnable call, String what) {
        try {
            call.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            throw new IllegalStateException("check failed: " + what + " threw " + t + ", expected " + type.getSimpleName(), t);
        }
        throw new IllegalStateException("check failed: " + what + " did not throw " + type.getSimpleName());
    }

    static void checkEquals(double expected, double actual, String what) {
        // exact: every value here is a small integer or a sum of them, exactly representable
        if (Double.compare(expected, actual) != 0) {
            throw new IllegalStateException("check failed: " + what + ": expected " + expected + ", got " + actual);
        }
    }

    private static void run(Mpi mpi, int expectSize) {
        int rank = mpi.rank();
        int n = mpi.size();
        check(n == expectSize, "size " + n + " == -np " + expectSize);
        check(rank >= 0 && rank < n, "rank " + rank + " in 0 .. " + (n - 1));
        check(mpi.isInitialized(), "initialised");
        mpi.barrier();

        // errors: a second init (the shim's state error), a root that is no rank (checked in Java, and by the
        // shim when the raw binding is called), each with a one-line message
        MpiException twice = expect(MpiException.class, mpi::init, "second init");
        check(twice.code() == MpiException.ERR_STATE && twice.getMessage().contains("already initialised"),
            "second init: " + twice.getMessage());
        IllegalArgumentException badRoot = expect(IllegalArgumentException.class, () -> mpi.bcast(new byte[1], n),
            "bcast from root " + n);
        check(badRoot.getMessage().equals("root " + n + " is not a rank (0 .. " + (n - 1) + ")"), badRoot.getMessage());
        try (Arena a = Arena.ofConfined()) {
            int rc = mpi.bindings().lshsmile_mpi_bcast_bytes(a.allocate(1), 1, n);
            String msg = mpi.bindings().lshsmile_mpi_last_error().reinterpret(512).getString(0);
            check(rc == MpiException.ERR_ARG && msg.equals("bcast: root " + n + " outside 0 .. " + (n - 1)),
                "raw bcast with a bad root: " + rc + " " + msg);
        }

        // allreduce: scalars, a vector per op, int64 beyond 2^53, and a segment of which only a prefix is reduced
        checkEquals(n * (n + 1) / 2.0, mpi.allreduceSum(rank + 1.0), "sum of rank+1");
        checkEquals(n - 1, mpi.allreduceMax((double) rank), "max of rank");
        checkEquals(0, mpi.allreduceMin((double) rank), "min of rank");
        double[] v = mpi.allreduceSum(new double[] {rank, 2.0 * rank + 1, -rank, 0.5});
        checkEquals(n * (n - 1) / 2.0, v[0], "vector sum [0]");
        checkEquals((double) n * n, v[1], "vector sum [1]");
        checkEquals(-n * (n - 1) / 2.0, v[2], "vector sum [2]");
        checkEquals(n / 2.0, v[3], "vector sum [3]");
        double[] mx = mpi.allreduce(new double[] {rank, -rank}, Mpi.Op.MAX);
        checkEquals(n - 1, mx[0], "vector max [0]");
        checkEquals(0, mx[1], "vector max [1]");
        double[] mn = mpi.allreduce(new double[] {rank, -rank}, Mpi.Op.MIN);
        checkEquals(0, mn[0], "vector min [0]");
        checkEquals(-(n - 1), mn[1], "vector min [1]");
        long big = (1L << 60) / 8 + rank; // sums above 2^53: a double allreduce would round them
        check(mpi.allreduceSum(big) == n * ((1L << 60) / 8) + n * (n - 1L) / 2, "int64 sum exact");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0 + rank, 10.0, 99.0);
            mpi.allreduceSum(s, 2);
            checkEquals(n * (n + 1) / 2.0, s.getAtIndex(ValueLayout.JAVA_DOUBLE, 0), "segment sum [0]");
            checkEquals(10.0 * n, s.getAtIndex(ValueLayout.JAVA_DOUBLE, 1), "segment sum [1]");
            checkEquals(99.0, s.getAtIndex(ValueLayout.JAVA_DOUBLE, 2), "element past count untouched");
        }

        // broadcast from the first and the last rank
        for (int root : new int[] {0, n - 1}) {
            byte[] expected = ("hello from rank " + root).getBytes(StandardCharsets.US_ASCII);
            byte[] b = rank == root ? expected.clone() : new byte[expected.length];
            mpi.bcast(b, root);
            check(Arrays.equals(expected, b), "bcast from " + root + ": got '" + new String(b, StandardCharsets.US_ASCII) + "'");
        }

        // gather (same length) and gatherv (rank r sends r + 1 values) to the last rank, then to rank 0
        for (int root : new int[] {n - 1, 0}) {
            double[] g = mpi.gather(new double[] {rank, rank * 10.0}, root);
            if (rank == root) {
                check(g.length == 2 * n, "gather length " + g.length);
                for (int r = 0; r < n; r++) {
                    checkEquals(r, g[2 * r], "gather block " + r + " [0]");
                    checkEquals(r * 10.0, g[2 * r + 1], "gather block " + r + " [1]");
                }
            } else {
                check(g.length == 0, "gather off root returns nothing");
            }
            double[] mine = new double[rank + 1];
            for (int i = 0; i <= rank; i++) {
                mine[i] = 100.0 * rank + i;
            }
            double[] gv = mpi.gatherv(mine, root);
            if (rank == root) {
                check(gv.length == n * (n + 1) / 2, "gatherv length " + gv.length);
                int k = 0;
                for (int r = 0; r < n; r++) {
                    for (int i = 0; i <= r; i++) {
                        checkEquals(100.0 * r + i, gv[k++], "gatherv rank " + r + " element " + i);
                    }
                }
            } else {
                check(gv.length == 0, "gatherv off root returns nothing");
            }
        }

        // neighbours
        check(mpi.lowerNeighbor(false) == (rank > 0 ? rank - 1 : Mpi.PROC_NULL), "lower neighbour");
        check(mpi.upperNeighbor(false) == (rank < n - 1 ? rank + 1 : Mpi.PROC_NULL), "upper neighbour");
        check(mpi.lowerNeighbor(true) == (rank + n - 1) % n, "periodic lower neighbour");
        check(mpi.upperNeighbor(true) == (rank + 1) % n, "periodic upper neighbour");

        // halo exchange: blocking, then two nonblocking exchanges in flight at once, awaited in reverse order
        try (Arena a = Arena.ofConfined()) {
            Halo blocking = new Halo(a, rank, 0.0);
            mpi.haloExchange(blocking.sendLower, blocking.recvLower, blocking.sendUpper, blocking.recvUpper, ROW, false);
            blocking.verify(rank, n, false);
            Halo blockingP = new Halo(a, rank, 0.125);
            mpi.haloExchange(blockingP.sendLower, blockingP.recvLower, blockingP.sendUpper, blockingP.recvUpper, ROW, true);
            blockingP.verify(rank, n, true);

            Halo open = new Halo(a, rank, 0.25);
            Halo wrap = new Halo(a, rank, 0.5);
            Mpi.HaloRequest r1 = mpi.haloStart(open.sendLower, open.recvLower, open.sendUpper, open.recvUpper, ROW, false);
            Mpi.HaloRequest r2 = mpi.haloStart(wrap.sendLower, wrap.recvLower, wrap.sendUpper, wrap.recvUpper, ROW, true);
            r2.await();
            r1.close();
            check(r1.isDone() && r2.isDone(), "requests done");
            open.verify(rank, n, false);
            wrap.verify(rank, n, true);
        }
        mpi.barrier();
        System.out.println("rank " + rank + "/" + n + " ok");
    }

    /** The four buffers of one exchange: rows tagged with the sender's rank, direction and {@code salt}. */
    private static final class Halo {
        final MemorySegment sendLower;
        final MemorySegment recvLower;
        final MemorySegment sendUpper;
        final MemorySegment recvUpper;
        final double salt;

        Halo(Arena a, int rank, double salt) {
            this.salt = salt;
            sendLower = a.allocate(ValueLayout.JAVA_DOUBLE, ROW);
            sendUpper = a.allocate(ValueLayout.JAVA_DOUBLE, ROW);
            recvLower = a.allocate(ValueLayout.JAVA_DOUBLE, ROW);
            recvUpper = a.allocate(ValueLayout.JAVA_DOUBLE, ROW);
            for (int i = 0; i < ROW; i++) {
                sendLower.setAtIndex(ValueLayout.JAVA_DOUBLE, i, lowerRow(rank, i));
                sendUpper.setAtIndex(ValueLayout.JAVA_DOUBLE, i, upperRow(rank, i));
                recvLower.setAtIndex(ValueLayout.JAVA_DOUBLE, i, UNTOUCHED);
                recvUpper.setAtIndex(ValueLayout.JAVA_DOUBLE, i, UNTOUCHED);
            }
        }

        /** Element i of the row rank r sends down (its first owned row). */
        double lowerRow(int r, int i) {
            return 1000.0 * r + i + salt;
        }

        /** Element i of the row rank r sends up (its last owned row). */
        double upperRow(int r, int i) {
            return 1000.0 * r + 500 + i + salt;
        }

        void verify(int rank, int n, boolean periodic) {
            String kind = (periodic ? "periodic" : "open") + " halo (salt " + salt + ")";
            int lower = rank > 0 ? rank - 1 : periodic ? n - 1 : -1;
            int upper = rank < n - 1 ? rank + 1 : periodic ? 0 : -1;
            for (int i = 0; i < ROW; i++) {
                double lo = recvLower.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                double up = recvUpper.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                checkEquals(lower < 0 ? UNTOUCHED : upperRow(lower, i), lo, kind + " recvLower[" + i + "] from " + lower);
                checkEquals(upper < 0 ? UNTOUCHED : lowerRow(upper, i), up, kind + " recvUpper[" + i + "] from " + upper);
                // the send rows are never written
                checkEquals(lowerRow(rank, i), sendLower.getAtIndex(ValueLayout.JAVA_DOUBLE, i), kind + " sendLower intact");
                checkEquals(upperRow(rank, i), sendUpper.getAtIndex(ValueLayout.JAVA_DOUBLE, i), kind + " sendUpper intact");
            }
        }
    }
}
