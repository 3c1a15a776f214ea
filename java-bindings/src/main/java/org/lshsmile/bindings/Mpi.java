package org.lshsmile.bindings;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * MPI for distributed runs, through FFM on the shim {@code liblshsmile_mpi.so} ({@code native/include/lshsmile_mpi.h},
 * built with mpicc): one JVM per rank, started by {@code mpirun}, all on {@code MPI_COMM_WORLD}.
 *
 * <p>Finding the library: the system property {@value #PROPERTY} (when set, the only place looked at), then
 * {@code native/target/liblshsmile_mpi.so} from the working directory or this class's location and up to three
 * parents, then the system library path; {@link #load()} says why when nothing loads. Loading does not start
 * MPI: {@link #init()} does, once per process, and {@link #close()} finalises it.
 *
 * <p>Every method checks its arguments in Java before the downcall (the shim trusts its pointers): segments
 * are native, 8-byte aligned where they hold numbers, large enough for the count, writable where written, and
 * receive buffers overlap no other buffer of the call; counts fit MPI's {@code int}; roots are ranks. A
 * violation throws {@link IllegalArgumentException}; a failed MPI call throws {@link MpiException} with MPI's
 * message (the shim installs {@code MPI_ERRORS_RETURN}, so MPI never aborts on its own). Calls are
 * serialised on this object, which is what {@code MPI_THREAD_SERIALIZED} (the level {@link #init()} asks
 * for) requires.
 *
 * <p>A rank that fails must not leave the others waiting in a collective: catch the failure and call
 * {@link #abort(int, String)}, which prints the reason and ends every rank; {@code mpirun} then exits with
 * the code.
 *
 * <p>No other module touches {@code Linker} or {@code SymbolLookup} for MPI: they use this class.
 */
public final class Mpi implements AutoCloseable {

    /** System property naming the library file. */
    public static final String PROPERTY = "lshsmile.mpi.lib";
    /** ABI version this code was written for: {@code LSHSMILE_MPI_ABI_VERSION} of {@code lshsmile_mpi.h}. */
    public static final int ABI_VERSION = 1;
    /** {@code LSHSMILE_MPI_HALO_REQUEST_BYTES}: the storage of one nonblocking halo exchange. */
    public static final int HALO_REQUEST_BYTES = 64;
    /** The neighbour of a non-periodic end ({@code LSHSMILE_MPI_PROC_NULL}): nothing is sent or received. */
    public static final int PROC_NULL = -1;
    private static final String FILE = "liblshsmile_mpi.so";
    private static final String BUILD_HINT = "build it with ./jmvn -B -ntp -pl native package (needs mpicc: "
        + "apt-get install openmpi-bin libopenmpi-dev)";
    private static final long DOUBLE_BYTES = Double.BYTES;

    /** MPI thread support levels; the ordinal is {@code LSHSMILE_MPI_THREAD_*}. */
    public enum ThreadLevel {
        /** {@code MPI_THREAD_SINGLE}. */
        SINGLE,
        /** {@code MPI_THREAD_FUNNELED}: MPI calls only from the thread that called {@link #init}. */
        FUNNELED,
        /** {@code MPI_THREAD_SERIALIZED}: from any thread, one at a time. */
        SERIALIZED,
        /** {@code MPI_THREAD_MULTIPLE}. */
        MULTIPLE
    }

    /** Reduction operations; the ordinal is {@code LSHSMILE_MPI_OP_*}. */
    public enum Op {
        /** Sum. */
        SUM,
        /** Maximum. */
        MAX,
        /** Minimum. */
        MIN
    }

    /**
     * The outcome of a load: MPI, or why there is none.
     *
     * @param mpi         the facade, empty when the library could not be loaded
     * @param description one line: what was loaded (path and MPI library version), or why nothing was
     */
    public record Loaded(Optional<Mpi> mpi, String description) {
    }

    private record Cached(String property, Loaded result) {
    }

    private static volatile Cached cached;

    private final lshsmile_mpi_h h;
    private final String what;
    private final String libraryVersion;
    private volatile int rank = -1;
    private volatile int size = -1;

    private Mpi(lshsmile_mpi_h h, String what) {
        this.h = h;
        this.what = what;
        this.libraryVersion = h.lshsmile_mpi_library_version().reinterpret(Long.MAX_VALUE).getString(0);
    }

    // ---------------------------------------------------------------- loading

    /**
     * The library the search order finds, searched once per value of {@value #PROPERTY} (a library once
     * loaded stays loaded for the JVM's life).
     */
    public static Loaded load() {
        String property = System.getProperty(PROPERTY);
        Cached c = cached;
        if (c == null || !Objects.equals(c.property(), property)) {
            synchronized (Mpi.class) {
                c = cached;
                if (c == null || !Objects.equals(c.property(), property)) {
                    c = new Cached(property, find(property, NativeLibrary.startDirs()));
                    cached = c;
                }
            }
        }
        return c.result();
    }

    /** Loads a specific file; empty with the reason when it cannot be used. Does not cache. */
    public static Loaded loadFrom(Path file) {
        if (!Files.isRegularFile(file)) {
            return absent("no MPI shim at " + file + "; " + BUILD_HINT);
        }
        return bind(file.toString(), () -> SymbolLookup.libraryLookup(file, Arena.global()));
    }

    /** The search of {@link #load()}. */
    static Loaded find(String property, List<Path> startDirs) {
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property.trim());
            if (!Files.isRegularFile(p)) {
                return absent("-D" + PROPERTY + "=" + property + " names no file" + (Files.isDirectory(p)
                    ? " (it is a directory)" : "") + "; point it at a built " + FILE + " (" + BUILD_HINT
                    + ": native/target/" + FILE + ") or remove it to search the defaults");
            }
            Loaded r = loadFrom(p);
            return r.mpi().isPresent() ? r : absent("-D" + PROPERTY + "=" + property + ": " + r.description());
        }
        for (Path start : startDirs) {
            Path dir = start;
            for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
                Path p = dir.resolve("native").resolve("target").resolve(FILE);
                if (Files.isRegularFile(p)) {
                    return loadFrom(p);
                }
            }
        }
        String name = System.mapLibraryName("lshsmile_mpi");
        Loaded r = bind(name + " (system library path)", () -> SymbolLookup.libraryLookup(name, Arena.global()));
        return r.mpi().isPresent() ? r
            : absent("MPI shim not found (looked for native/target/" + FILE + " from " + startDirs + " up, and "
                + name + " on the system library path); " + BUILD_HINT + " or set -D" + PROPERTY + "=/path/to/" + FILE);
    }

    private interface Opener {
        SymbolLookup open();
    }

    private static Loaded bind(String what, Opener opener) {
        try {
            SymbolLookup lookup = opener.open();
            int v = lshsmile_mpi_h.abiVersionOf(lookup);
            if (v != ABI_VERSION) {
                return absent(what + " has ABI version " + v + ", this code needs " + ABI_VERSION + "; rebuild it ("
                    + BUILD_HINT + ")");
            }
            Mpi mpi = new Mpi(new lshsmile_mpi_h(lookup), what);
            return new Loaded(Optional.of(mpi), "loaded " + what + " (" + mpi.libraryVersion() + ")");
        } catch (IllegalCallerException e) {
            return absent("cannot load " + what + ": native access is disabled; start the JVM with "
                + "--enable-native-access=ALL-UNNAMED");
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            // a missing libmpi.so.40 lands here too: the shim is linked against it
            return absent("cannot load " + what + ": " + oneLine(e.getMessage()) + "; " + BUILD_HINT);
        }
    }

    private static Loaded absent(String reason) {
        return new Loaded(Optional.empty(), reason);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    // ---------------------------------------------------------------- state

    /** The raw bindings: no checks, status codes instead of exceptions. */
    public lshsmile_mpi_h bindings() {
        return h;
    }

    /** Where the library was loaded from (a path, or the system library name). */
    public String source() {
        return what;
    }

    /** The first line of {@code MPI_Get_library_version}, e.g. "Open MPI v4.1.4, ...". */
    public String libraryVersion() {
        return libraryVersion;
    }

    /** {@link #init(ThreadLevel)} asking for {@link ThreadLevel#SERIALIZED}. */
    public ThreadLevel init() {
        return init(ThreadLevel.SERIALIZED);
    }

    /**
     * Starts MPI ({@code MPI_Init_thread}), once per process. With less than {@code SERIALIZED} granted, call
     * MPI only from the thread that called this.
     *
     * @param required the thread support to ask for
     * @return the level MPI granted (may be lower than asked)
     * @throws MpiException if MPI was already initialised or finalised, or MPI failed
     */
    public synchronized ThreadLevel init(ThreadLevel required) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment provided = a.allocate(ValueLayout.JAVA_INT);
            check(h.lshsmile_mpi_init(required.ordinal(), provided));
            requireActive("init");
            return ThreadLevel.values()[provided.get(ValueLayout.JAVA_INT, 0)];
        }
    }

    /** Whether MPI is initialised and not yet finalised. */
    public synchronized boolean isInitialized() {
        return h.lshsmile_mpi_initialized() != 0;
    }

    /** Whether MPI has been finalised (it cannot be started again in this process). */
    public synchronized boolean isFinalized() {
        return h.lshsmile_mpi_finalized() != 0;
    }

    /**
     * This process's rank in {@code MPI_COMM_WORLD}.
     *
     * @throws MpiException if MPI is not initialised
     */
    public synchronized int rank() {
        requireActive("rank()");
        return rank;
    }

    /**
     * The number of ranks in {@code MPI_COMM_WORLD}.
     *
     * @throws MpiException if MPI is not initialised
     */
    public synchronized int size() {
        requireActive("size()");
        return size;
    }

    /** {@code MPI_Barrier}. */
    public synchronized void barrier() {
        check(h.lshsmile_mpi_barrier());
    }

    /**
     * Prints {@code message} with this rank to standard error and ends every rank ({@code MPI_Abort});
     * {@code mpirun} exits non-zero. Without MPI running it halts this JVM with {@code code}. Does not return.
     *
     * @param code    the exit code for {@code mpirun} (1 .. 255 to be seen as a failure)
     * @param message one line: what failed
     */
    public void abort(int code, String message) {
        // not synchronized: another thread may hold the lock in a blocking collective that this abort ends
        PrintStream err = System.err;
        String who = rank >= 0 ? "rank " + rank + " of " + size : "rank ?";
        err.println("[lshsmile mpi] " + who + ": " + oneLine(message) + "; aborting all ranks (exit code " + code + ")");
        err.flush();
        System.out.flush();
        if (h.lshsmile_mpi_initialized() != 0) {
            int rc = h.lshsmile_mpi_abort(code);
            err.println("[lshsmile mpi] " + who + ": MPI_Abort returned " + rc + " (" + lastError() + "); halting");
        }
        Runtime.getRuntime().halt(code);
    }

    /** Finalises MPI ({@code MPI_Finalize}) if it is running; does nothing otherwise. */
    @Override
    public synchronized void close() {
        if (h.lshsmile_mpi_initialized() != 0) {
            check(h.lshsmile_mpi_finalize());
        }
    }

    /** This rank's lower neighbour in the 1-D decomposition: rank - 1, or at rank 0 size - 1 if periodic, else {@link #PROC_NULL}. */
    public int lowerNeighbor(boolean periodic) {
        return neighbors(periodic)[0];
    }

    /** This rank's upper neighbour: rank + 1, or at the last rank 0 if periodic, else {@link #PROC_NULL}. */
    public int upperNeighbor(boolean periodic) {
        return neighbors(periodic)[1];
    }

    private synchronized int[] neighbors(boolean periodic) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment lo = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment up = a.allocate(ValueLayout.JAVA_INT);
            check(h.lshsmile_mpi_neighbors(periodic ? 1 : 0, lo, up));
            return new int[] {lo.get(ValueLayout.JAVA_INT, 0), up.get(ValueLayout.JAVA_INT, 0)};
        }
    }

    // ---------------------------------------------------------------- collectives

    /**
     * In-place {@code MPI_Allreduce} of {@code count} doubles.
     *
     * @throws IllegalArgumentException if the segment does not fit (see the class comment)
     */
    public synchronized void allreduce(MemorySegment data, long count, Op op) {
        checkCount(count);
        checkSegment("data", data, count * DOUBLE_BYTES, DOUBLE_BYTES, true);
        check(h.lshsmile_mpi_allreduce_double(data, count, op.ordinal()));
    }

    /** In-place sum over ranks of {@code count} doubles. */
    public void allreduceSum(MemorySegment data, long count) {
        allreduce(data, count, Op.SUM);
    }

    /** In-place reduction over ranks of every element of {@code data}; returns {@code data}. */
    public double[] allreduce(double[] data, Op op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_DOUBLE, data);
            allreduce(s, data.length, op);
            MemorySegment.copy(s, ValueLayout.JAVA_DOUBLE, 0, data, 0, data.length);
        }
        return data;
    }

    /** In-place sum over ranks of every element of {@code data}; returns {@code data}. */
    public double[] allreduceSum(double[] data) {
        return allreduce(data, Op.SUM);
    }

    /** The sum over ranks of {@code x}. */
    public double allreduceSum(double x) {
        return allreduce(new double[] {x}, Op.SUM)[0];
    }

    /** The maximum over ranks of {@code x}. */
    public double allreduceMax(double x) {
        return allreduce(new double[] {x}, Op.MAX)[0];
    }

    /** The minimum over ranks of {@code x}. */
    public double allreduceMin(double x) {
        return allreduce(new double[] {x}, Op.MIN)[0];
    }

    /**
     * In-place sum over ranks of {@code count} {@code long}s (int64, exact).
     *
     * @throws IllegalArgumentException if the segment does not fit
     */
    public synchronized void allreduceSumLongs(MemorySegment data, long count) {
        checkCount(count);
        checkSegment("data", data, count * Long.BYTES, Long.BYTES, true);
        check(h.lshsmile_mpi_allreduce_sum_int64(data, count));
    }

    /** In-place exact sum over ranks of every element of {@code data}; returns {@code data}. */
    public long[] allreduceSum(long[] data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_LONG, data);
            allreduceSumLongs(s, data.length);
            MemorySegment.copy(s, ValueLayout.JAVA_LONG, 0, data, 0, data.length);
        }
        return data;
    }

    /** The exact sum over ranks of {@code x}. */
    public long allreduceSum(long x) {
        return allreduceSum(new long[] {x})[0];
    }

    /**
     * {@code MPI_Bcast} of {@code bytes} bytes from {@code root}.
     *
     * @throws IllegalArgumentException if the segment does not fit or root is not a rank
     */
    public synchronized void bcast(MemorySegment data, long bytes, int root) {
        checkCount(bytes);
        checkRoot(root);
        checkSegment("data", data, bytes, 1, true);
        check(h.lshsmile_mpi_bcast_bytes(data, bytes, root));
    }

    /** {@code MPI_Bcast} of {@code data} from {@code root} into {@code data} on every rank; returns {@code data}. */
    public byte[] bcast(byte[] data, int root) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_BYTE, data);
            bcast(s, data.length, root);
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
        }
        return data;
    }

    /**
     * {@code MPI_Gather} of {@code count} doubles per rank to {@code root}, rank r's block at double index
     * {@code r * count} of {@code recv}; {@code recv} is significant at root only (elsewhere it may be
     * {@link MemorySegment#NULL}).
     *
     * @throws IllegalArgumentException if a segment does not fit or root is not a rank
     */
    public synchronized void gather(MemorySegment send, long count, MemorySegment recv, int root) {
        checkCount(count);
        checkRoot(root);
        checkSegment("send", send, count * DOUBLE_BYTES, DOUBLE_BYTES, false);
        if (rank == root) {
            long total = count * size;
            checkCount(total);
            checkSegment("recv", recv, total * DOUBLE_BYTES, DOUBLE_BYTES, true);
            checkDisjoint("recv", recv, total * DOUBLE_BYTES, "send", send, count * DOUBLE_BYTES);
        }
        check(h.lshsmile_mpi_gather_double(send, count, rank == root ? recv : MemorySegment.NULL, root));
    }

    /**
     * {@code MPI_Gather} of {@code send} (the same length on every rank) to {@code root}: there the blocks of
     * ranks 0, 1, ... one after the other; elsewhere an empty array.
     */
    public double[] gather(double[] send, int root) {
        requireActive("gather");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_DOUBLE, send);
            boolean atRoot = rank == root;
            int total = atRoot ? Math.multiplyExact(send.length, size) : 0;
            MemorySegment r = atRoot ? a.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, total)) : MemorySegment.NULL;
            gather(s, send.length, r, root);
            return atRoot ? r.asSlice(0, total * DOUBLE_BYTES).toArray(ValueLayout.JAVA_DOUBLE) : new double[0];
        }
    }

    /**
     * {@code MPI_Gatherv} of {@code count} doubles from this rank to {@code root}; at root {@code counts[r]} is
     * rank r's count (so {@code counts[root] == count}) and the blocks land one after the other in
     * {@code recv}. {@code recv} and {@code counts} are significant at root only (elsewhere they may be
     * {@link MemorySegment#NULL} and null).
     *
     * @throws IllegalArgumentException if a segment or count does not fit or root is not a rank
     */
    public synchronized void gatherv(MemorySegment send, long count, MemorySegment recv, int[] counts, int root) {
        checkCount(count);
        checkRoot(root);
        checkSegment("send", send, count * DOUBLE_BYTES, DOUBLE_BYTES, false);
        if (rank != root) {
            check(h.lshsmile_mpi_gatherv_double(send, count, MemorySegment.NULL, MemorySegment.NULL, root));
            return;
        }
        if (counts == null || counts.length != size) {
            throw new IllegalArgumentException("gatherv: counts must have one entry per rank (" + size + "), got "
                + (counts == null ? "null" : counts.length));
        }
        long total = 0;
        for (int r = 0; r < size; r++) {
            if (counts[r] < 0) {
                throw new IllegalArgumentException("gatherv: counts[" + r + "] = " + counts[r] + " is negative");
            }
            total += counts[r];
        }
        if (counts[root] != count) {
            throw new IllegalArgumentException("gatherv: counts[root=" + root + "] = " + counts[root]
                + " differs from this rank's count " + count);
        }
        checkCount(total);
        checkSegment("recv", recv, total * DOUBLE_BYTES, DOUBLE_BYTES, true);
        checkDisjoint("recv", recv, total * DOUBLE_BYTES, "send", send, count * DOUBLE_BYTES);
        try (Arena a = Arena.ofConfined()) {
            check(h.lshsmile_mpi_gatherv_double(send, count, recv, a.allocateFrom(ValueLayout.JAVA_INT, counts), root));
        }
    }

    /**
     * {@code MPI_Gatherv} of {@code send} (any length per rank) to {@code root}: there the blocks of ranks
     * 0, 1, ... one after the other; elsewhere an empty array. Gathers the lengths first.
     */
    public double[] gatherv(double[] send, int root) {
        requireActive("gatherv");
        double[] lengths = gather(new double[] {send.length}, root);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_DOUBLE, send);
            if (rank != root) {
                gatherv(s, send.length, MemorySegment.NULL, null, root);
                return new double[0];
            }
            int[] counts = new int[size];
            long total = 0;
            for (int r = 0; r < size; r++) {
                counts[r] = (int) lengths[r];
                total += counts[r];
            }
            checkCount(total);
            MemorySegment r = a.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, total));
            gatherv(s, send.length, r, counts, root);
            return r.asSlice(0, total * DOUBLE_BYTES).toArray(ValueLayout.JAVA_DOUBLE);
        }
    }

    // ---------------------------------------------------------------- halo exchange

    /**
     * Blocking halo exchange of {@code count} doubles per direction along the 1-D decomposition of ranks:
     * {@code sendLower} goes to the lower neighbour, which receives it in its {@code recvUpper};
     * {@code sendUpper} goes to the upper neighbour, into its {@code recvLower}. At a non-periodic end the
     * neighbour is {@link #PROC_NULL} and that receive buffer is left untouched; with {@code periodic} rank 0
     * and the last rank are neighbours (one rank: itself).
     *
     * @throws IllegalArgumentException if a buffer is too small, not native, misaligned or read-only where
     *                                  written, or a receive buffer overlaps another buffer
     */
    public synchronized void haloExchange(MemorySegment sendLower, MemorySegment recvLower, MemorySegment sendUpper,
                                          MemorySegment recvUpper, long count, boolean periodic) {
        checkHalo(sendLower, recvLower, sendUpper, recvUpper, count);
        check(h.lshsmile_mpi_halo_exchange(sendLower, recvLower, sendUpper, recvUpper, count, periodic ? 1 : 0));
    }

    /**
     * Starts the exchange of {@link #haloExchange} without waiting, so interior work can overlap it; the
     * buffers must be neither touched nor freed (their arenas kept open) until {@link HaloRequest#await()}.
     * Exchanges started in the same order on every rank match.
     *
     * @throws IllegalArgumentException as {@link #haloExchange}
     */
    public synchronized HaloRequest haloStart(MemorySegment sendLower, MemorySegment recvLower,
                                              MemorySegment sendUpper, MemorySegment recvUpper, long count,
                                              boolean periodic) {
        checkHalo(sendLower, recvLower, sendUpper, recvUpper, count);
        // an automatic arena: the request may be awaited on another thread; the request keeps it reachable
        MemorySegment request = Arena.ofAuto().allocate(HALO_REQUEST_BYTES, Long.BYTES);
        check(h.lshsmile_mpi_halo_start(sendLower, recvLower, sendUpper, recvUpper, count, periodic ? 1 : 0,
            request));
        return new HaloRequest(request, new MemorySegment[] {sendLower, recvLower, sendUpper, recvUpper});
    }

    /** An exchange begun by {@link #haloStart}; {@link #await()} (or {@link #close()}) completes it. */
    public final class HaloRequest implements AutoCloseable {
        private final MemorySegment request;
        /** Keeps the caller's buffers (maybe in automatic arenas) reachable while MPI uses them. */
        @SuppressWarnings({"unused", "FieldCanBeLocal"})
        private MemorySegment[] buffers;
        private boolean done;

        private HaloRequest(MemorySegment request, MemorySegment[] buffers) {
            this.request = request;
            this.buffers = buffers;
        }

        /**
         * Waits until both halos have arrived and both sends have left.
         *
         * @throws IllegalStateException if already awaited
         */
        public void await() {
            synchronized (Mpi.this) {
                if (done) {
                    throw new IllegalStateException("halo exchange already awaited; start a new one with haloStart");
                }
                done = true;
                buffers = null;
                check(h.lshsmile_mpi_halo_wait(request));
            }
        }

        /** Whether {@link #await()} has been called. */
        public boolean isDone() {
            synchronized (Mpi.this) {
                return done;
            }
        }

        /** Awaits the exchange if that has not been done. */
        @Override
        public void close() {
            synchronized (Mpi.this) {
                if (!done) {
                    await();
                }
            }
        }
    }

    // ---------------------------------------------------------------- checks

    private void checkHalo(MemorySegment sendLower, MemorySegment recvLower, MemorySegment sendUpper,
                           MemorySegment recvUpper, long count) {
        checkCount(count);
        long bytes = count * DOUBLE_BYTES;
        checkSegment("sendLower", sendLower, bytes, DOUBLE_BYTES, false);
        checkSegment("recvLower", recvLower, bytes, DOUBLE_BYTES, true);
        checkSegment("sendUpper", sendUpper, bytes, DOUBLE_BYTES, false);
        checkSegment("recvUpper", recvUpper, bytes, DOUBLE_BYTES, true);
        checkDisjoint("recvLower", recvLower, bytes, "recvUpper", recvUpper, bytes);
        checkDisjoint("recvLower", recvLower, bytes, "sendLower", sendLower, bytes);
        checkDisjoint("recvLower", recvLower, bytes, "sendUpper", sendUpper, bytes);
        checkDisjoint("recvUpper", recvUpper, bytes, "sendLower", sendLower, bytes);
        checkDisjoint("recvUpper", recvUpper, bytes, "sendUpper", sendUpper, bytes);
    }

    private static void checkCount(long count) {
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count " + count + " outside 0 .. " + Integer.MAX_VALUE
                + " (MPI counts are int); split the transfer");
        }
    }

    private void checkRoot(int root) {
        requireActive("root check");
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("root " + root + " is not a rank (0 .. " + (size - 1) + ")");
        }
    }

    private static void checkSegment(String name, MemorySegment s, long bytes, long align, boolean written) {
        if (s == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (!s.isNative()) {
            throw new IllegalArgumentException(name + " is a heap segment; MPI needs native memory (allocate it from an Arena)");
        }
        if (s.byteSize() < bytes) {
            throw new IllegalArgumentException(name + " holds " + s.byteSize() + " bytes, the call needs " + bytes);
        }
        if (s.address() % align != 0) {
            throw new IllegalArgumentException(name + " at address " + s.address() + " is not " + align
                + "-byte aligned");
        }
        if (written && s.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only but receives data");
        }
    }

    private static void checkDisjoint(String na, MemorySegment a, long abytes, String nb, MemorySegment b, long bbytes) {
        if (abytes == 0 || bbytes == 0) {
            return;
        }
        if (a.asSlice(0, abytes).asOverlappingSlice(b.asSlice(0, bbytes)).isPresent()) {
            throw new IllegalArgumentException(na + " overlaps " + nb + "; MPI forbids aliased send and receive "
                + "buffers: use separate memory");
        }
    }

    /** Throws unless MPI is running; fills rank and size if another instance of this class started MPI. */
    private void requireActive(String op) {
        if (h.lshsmile_mpi_initialized() == 0) {
            throw new MpiException(MpiException.ERR_STATE, op + ": MPI is not " + (h.lshsmile_mpi_finalized() != 0
                ? "running (already finalised)" : "initialised; call init() first"));
        }
        if (rank < 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
                check(h.lshsmile_mpi_rank(out));
                int r = out.get(ValueLayout.JAVA_INT, 0);
                check(h.lshsmile_mpi_size(out));
                size = out.get(ValueLayout.JAVA_INT, 0);
                rank = r;
            }
        }
    }

    private String lastError() {
        return h.lshsmile_mpi_last_error().reinterpret(Long.MAX_VALUE).getString(0);
    }

    private void check(int status) {
        if (status != 0) {
            throw new MpiException(status, lastError());
        }
    }
}
