package org.lshsmile.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for {@code native/include/lshsmile_mpi.h} (the MPI shim, {@code liblshsmile_mpi.so}) in the
 * shape jextract generates: the C layouts, and per function a holder class (descriptor, address,
 * downcall handle), the accessors {@code fn$descriptor()}, {@code fn$address()}, {@code fn$handle()},
 * and a typed wrapper calling {@code invokeExact}. Written by hand, like {@link lshsmile_h} (whose class
 * comment explains the per-instance holders), and checked against the header by
 * {@code LshsmileHeaderTest}; see {@code java-bindings/regenerate.sh}.
 *
 * <p>The wrappers do no argument checks and return the shim's status codes; other modules call
 * {@link Mpi}, which checks sizes before the call and turns a failed status into an {@link MpiException}.
 */
@SuppressWarnings("checkstyle:TypeName")
public final class lshsmile_mpi_h {

    /** C {@code int32_t}. */
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    /** C {@code int64_t} (LP64 {@code long}). */
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    /** C pointer. */
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private final lshsmile_mpi_abi_version abiVersion;
    private final lshsmile_mpi_library_version libraryVersion;
    private final lshsmile_mpi_last_error lastError;
    private final lshsmile_mpi_init init;
    private final lshsmile_mpi_initialized initialized;
    private final lshsmile_mpi_finalized finalized;
    private final lshsmile_mpi_rank rank;
    private final lshsmile_mpi_size size;
    private final lshsmile_mpi_barrier barrier;
    private final lshsmile_mpi_abort abort;
    private final lshsmile_mpi_finalize finalize;
    private final lshsmile_mpi_allreduce_double allreduceDouble;
    private final lshsmile_mpi_allreduce_sum_int64 allreduceSumInt64;
    private final lshsmile_mpi_bcast_bytes bcastBytes;
    private final lshsmile_mpi_gather_double gatherDouble;
    private final lshsmile_mpi_gatherv_double gathervDouble;
    private final lshsmile_mpi_neighbors neighbors;
    private final lshsmile_mpi_halo_exchange haloExchange;
    private final lshsmile_mpi_halo_start haloStart;
    private final lshsmile_mpi_halo_wait haloWait;

    /** Binds every function of the header; throws {@link UnsatisfiedLinkError} naming a missing symbol. */
    lshsmile_mpi_h(SymbolLookup lookup) {
        Linker linker = Linker.nativeLinker();
        this.abiVersion = new lshsmile_mpi_abi_version(linker, lookup);
        this.libraryVersion = new lshsmile_mpi_library_version(linker, lookup);
        this.lastError = new lshsmile_mpi_last_error(linker, lookup);
        this.init = new lshsmile_mpi_init(linker, lookup);
        this.initialized = new lshsmile_mpi_initialized(linker, lookup);
        this.finalized = new lshsmile_mpi_finalized(linker, lookup);
        this.rank = new lshsmile_mpi_rank(linker, lookup);
        this.size = new lshsmile_mpi_size(linker, lookup);
        this.barrier = new lshsmile_mpi_barrier(linker, lookup);
        this.abort = new lshsmile_mpi_abort(linker, lookup);
        this.finalize = new lshsmile_mpi_finalize(linker, lookup);
        this.allreduceDouble = new lshsmile_mpi_allreduce_double(linker, lookup);
        this.allreduceSumInt64 = new lshsmile_mpi_allreduce_sum_int64(linker, lookup);
        this.bcastBytes = new lshsmile_mpi_bcast_bytes(linker, lookup);
        this.gatherDouble = new lshsmile_mpi_gather_double(linker, lookup);
        this.gathervDouble = new lshsmile_mpi_gatherv_double(linker, lookup);
        this.neighbors = new lshsmile_mpi_neighbors(linker, lookup);
        this.haloExchange = new lshsmile_mpi_halo_exchange(linker, lookup);
        this.haloStart = new lshsmile_mpi_halo_start(linker, lookup);
        this.haloWait = new lshsmile_mpi_halo_wait(linker, lookup);
    }

    /**
     * The ABI version of the library behind {@code lookup}, binding nothing else, so that a library of
     * another version (which may lack symbols) is refused by version rather than by a missing symbol.
     */
    static int abiVersionOf(SymbolLookup lookup) {
        return new lshsmile_mpi_abi_version(Linker.nativeLinker(), lookup).handleCall();
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("symbol " + name + " not found"));
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("should not reach here", t);
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_abi_version(void)

    static final class lshsmile_mpi_abi_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_abi_version(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_abi_version");
            // critical: returns a constant or a static pointer, no thread-state transition needed
            handle = linker.downcallHandle(addr, DESC, Linker.Option.critical(false));
        }

        int handleCall() {
            try {
                return (int) handle.invokeExact();
            } catch (Error | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }
    }

    /** Descriptor of {@code lshsmile_mpi_abi_version}. */
    public static FunctionDescriptor lshsmile_mpi_abi_version$descriptor() {
        return lshsmile_mpi_abi_version.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_abi_version}. */
    public MethodHandle lshsmile_mpi_abi_version$handle() {
        return abiVersion.handle;
    }

    /** Address of {@code lshsmile_mpi_abi_version}. */
    public MemorySegment lshsmile_mpi_abi_version$address() {
        return abiVersion.addr;
    }

    /** {@code int32_t lshsmile_mpi_abi_version(void)}. */
    public int lshsmile_mpi_abi_version() {
        try {
            return (int) abiVersion.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- const char *lshsmile_mpi_library_version(void)

    static final class lshsmile_mpi_library_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_library_version(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_library_version");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_library_version}. */
    public static FunctionDescriptor lshsmile_mpi_library_version$descriptor() {
        return lshsmile_mpi_library_version.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_library_version}. */
    public MethodHandle lshsmile_mpi_library_version$handle() {
        return libraryVersion.handle;
    }

    /** Address of {@code lshsmile_mpi_library_version}. */
    public MemorySegment lshsmile_mpi_library_version$address() {
        return libraryVersion.addr;
    }

    /** {@code const char *lshsmile_mpi_library_version(void)}: a zero-length segment at the static string. */
    public MemorySegment lshsmile_mpi_library_version() {
        try {
            return (MemorySegment) libraryVersion.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- const char *lshsmile_mpi_last_error(void)

    static final class lshsmile_mpi_last_error {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_last_error(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_last_error");
            // critical: returns a constant or a static pointer, no thread-state transition needed
            handle = linker.downcallHandle(addr, DESC, Linker.Option.critical(false));
        }
    }

    /** Descriptor of {@code lshsmile_mpi_last_error}. */
    public static FunctionDescriptor lshsmile_mpi_last_error$descriptor() {
        return lshsmile_mpi_last_error.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_last_error}. */
    public MethodHandle lshsmile_mpi_last_error$handle() {
        return lastError.handle;
    }

    /** Address of {@code lshsmile_mpi_last_error}. */
    public MemorySegment lshsmile_mpi_last_error$address() {
        return lastError.addr;
    }

    /** {@code const char *lshsmile_mpi_last_error(void)}: a zero-length segment at the static string. */
    public MemorySegment lshsmile_mpi_last_error() {
        try {
            return (MemorySegment) lastError.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_init(int32_t required, int32_t *provided)

    static final class lshsmile_mpi_init {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_init(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_init");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_init}. */
    public static FunctionDescriptor lshsmile_mpi_init$descriptor() {
        return lshsmile_mpi_init.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_init}. */
    public MethodHandle lshsmile_mpi_init$handle() {
        return init.handle;
    }

    /** Address of {@code lshsmile_mpi_init}. */
    public MemorySegment lshsmile_mpi_init$address() {
        return init.addr;
    }

    /** {@code int32_t lshsmile_mpi_init(int32_t required, int32_t *provided)}. */
    public int lshsmile_mpi_init(int required, MemorySegment provided) {
        try {
            return (int) init.handle.invokeExact(required, provided);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_initialized(void)

    static final class lshsmile_mpi_initialized {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_initialized(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_initialized");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_initialized}. */
    public static FunctionDescriptor lshsmile_mpi_initialized$descriptor() {
        return lshsmile_mpi_initialized.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_initialized}. */
    public MethodHandle lshsmile_mpi_initialized$handle() {
        return initialized.handle;
    }

    /** Address of {@code lshsmile_mpi_initialized}. */
    public MemorySegment lshsmile_mpi_initialized$address() {
        return initialized.addr;
    }

    /** {@code int32_t lshsmile_mpi_initialized(void)}. */
    public int lshsmile_mpi_initialized() {
        try {
            return (int) initialized.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_finalized(void)

    static final class lshsmile_mpi_finalized {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_finalized(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_finalized");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_finalized}. */
    public static FunctionDescriptor lshsmile_mpi_finalized$descriptor() {
        return lshsmile_mpi_finalized.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_finalized}. */
    public MethodHandle lshsmile_mpi_finalized$handle() {
        return finalized.handle;
    }

    /** Address of {@code lshsmile_mpi_finalized}. */
    public MemorySegment lshsmile_mpi_finalized$address() {
        return finalized.addr;
    }

    /** {@code int32_t lshsmile_mpi_finalized(void)}. */
    public int lshsmile_mpi_finalized() {
        try {
            return (int) finalized.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_rank(int32_t *rank)

    static final class lshsmile_mpi_rank {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_rank(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_rank");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_rank}. */
    public static FunctionDescriptor lshsmile_mpi_rank$descriptor() {
        return lshsmile_mpi_rank.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_rank}. */
    public MethodHandle lshsmile_mpi_rank$handle() {
        return rank.handle;
    }

    /** Address of {@code lshsmile_mpi_rank}. */
    public MemorySegment lshsmile_mpi_rank$address() {
        return rank.addr;
    }

    /** {@code int32_t lshsmile_mpi_rank(int32_t *rank)}. */
    public int lshsmile_mpi_rank(MemorySegment rank) {
        try {
            return (int) this.rank.handle.invokeExact(rank);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_size(int32_t *size)

    static final class lshsmile_mpi_size {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_size(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_size");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_size}. */
    public static FunctionDescriptor lshsmile_mpi_size$descriptor() {
        return lshsmile_mpi_size.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_size}. */
    public MethodHandle lshsmile_mpi_size$handle() {
        return size.handle;
    }

    /** Address of {@code lshsmile_mpi_size}. */
    public MemorySegment lshsmile_mpi_size$address() {
        return size.addr;
    }

    /** {@code int32_t lshsmile_mpi_size(int32_t *size)}. */
    public int lshsmile_mpi_size(MemorySegment size) {
        try {
            return (int) this.size.handle.invokeExact(size);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_barrier(void)

    static final class lshsmile_mpi_barrier {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_barrier(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_barrier");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_barrier}. */
    public static FunctionDescriptor lshsmile_mpi_barrier$descriptor() {
        return lshsmile_mpi_barrier.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_barrier}. */
    public MethodHandle lshsmile_mpi_barrier$handle() {
        return barrier.handle;
    }

    /** Address of {@code lshsmile_mpi_barrier}. */
    public MemorySegment lshsmile_mpi_barrier$address() {
        return barrier.addr;
    }

    /** {@code int32_t lshsmile_mpi_barrier(void)}. */
    public int lshsmile_mpi_barrier() {
        try {
            return (int) barrier.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_abort(int32_t code)

    static final class lshsmile_mpi_abort {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_abort(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_abort");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_abort}. */
    public static FunctionDescriptor lshsmile_mpi_abort$descriptor() {
        return lshsmile_mpi_abort.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_abort}. */
    public MethodHandle lshsmile_mpi_abort$handle() {
        return abort.handle;
    }

    /** Address of {@code lshsmile_mpi_abort}. */
    public MemorySegment lshsmile_mpi_abort$address() {
        return abort.addr;
    }

    /** {@code int32_t lshsmile_mpi_abort(int32_t code)}. */
    public int lshsmile_mpi_abort(int code) {
        try {
            return (int) abort.handle.invokeExact(code);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_finalize(void)

    static final class lshsmile_mpi_finalize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_finalize(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_finalize");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_finalize}. */
    public static FunctionDescriptor lshsmile_mpi_finalize$descriptor() {
        return lshsmile_mpi_finalize.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_finalize}. */
    public MethodHandle lshsmile_mpi_finalize$handle() {
        return finalize.handle;
    }

    /** Address of {@code lshsmile_mpi_finalize}. */
    public MemorySegment lshsmile_mpi_finalize$address() {
        return finalize.addr;
    }

    /** {@code int32_t lshsmile_mpi_finalize(void)}. */
    public int lshsmile_mpi_finalize() {
        try {
            return (int) finalize.handle.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_allreduce_double(double *data, int64_t count, int32_t op)

    static final class lshsmile_mpi_allreduce_double {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_allreduce_double(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_allreduce_double");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_allreduce_double}. */
    public static FunctionDescriptor lshsmile_mpi_allreduce_double$descriptor() {
        return lshsmile_mpi_allreduce_double.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_allreduce_double}. */
    public MethodHandle lshsmile_mpi_allreduce_double$handle() {
        return allreduceDouble.handle;
    }

    /** Address of {@code lshsmile_mpi_allreduce_double}. */
    public MemorySegment lshsmile_mpi_allreduce_double$address() {
        return allreduceDouble.addr;
    }

    /** {@code int32_t lshsmile_mpi_allreduce_double(double *data, int64_t count, int32_t op)}. */
    public int lshsmile_mpi_allreduce_double(MemorySegment data, long count, int op) {
        try {
            return (int) allreduceDouble.handle.invokeExact(data, count, op);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_allreduce_sum_int64(int64_t *data, int64_t count)

    static final class lshsmile_mpi_allreduce_sum_int64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_allreduce_sum_int64(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_allreduce_sum_int64");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_allreduce_sum_int64}. */
    public static FunctionDescriptor lshsmile_mpi_allreduce_sum_int64$descriptor() {
        return lshsmile_mpi_allreduce_sum_int64.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_allreduce_sum_int64}. */
    public MethodHandle lshsmile_mpi_allreduce_sum_int64$handle() {
        return allreduceSumInt64.handle;
    }

    /** Address of {@code lshsmile_mpi_allreduce_sum_int64}. */
    public MemorySegment lshsmile_mpi_allreduce_sum_int64$address() {
        return allreduceSumInt64.addr;
    }

    /** {@code int32_t lshsmile_mpi_allreduce_sum_int64(int64_t *data, int64_t count)}. */
    public int lshsmile_mpi_allreduce_sum_int64(MemorySegment data, long count) {
        try {
            return (int) allreduceSumInt64.handle.invokeExact(data, count);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_bcast_bytes(void *data, int64_t count, int32_t root)

    static final class lshsmile_mpi_bcast_bytes {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_bcast_bytes(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_bcast_bytes");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_bcast_bytes}. */
    public static FunctionDescriptor lshsmile_mpi_bcast_bytes$descriptor() {
        return lshsmile_mpi_bcast_bytes.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_bcast_bytes}. */
    public MethodHandle lshsmile_mpi_bcast_bytes$handle() {
        return bcastBytes.handle;
    }

    /** Address of {@code lshsmile_mpi_bcast_bytes}. */
    public MemorySegment lshsmile_mpi_bcast_bytes$address() {
        return bcastBytes.addr;
    }

    /** {@code int32_t lshsmile_mpi_bcast_bytes(void *data, int64_t count, int32_t root)}. */
    public int lshsmile_mpi_bcast_bytes(MemorySegment data, long count, int root) {
        try {
            return (int) bcastBytes.handle.invokeExact(data, count, root);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_gather_double(const double *send, int64_t count, double *recv, int32_t root)

    static final class lshsmile_mpi_gather_double {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_gather_double(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_gather_double");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_gather_double}. */
    public static FunctionDescriptor lshsmile_mpi_gather_double$descriptor() {
        return lshsmile_mpi_gather_double.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_gather_double}. */
    public MethodHandle lshsmile_mpi_gather_double$handle() {
        return gatherDouble.handle;
    }

    /** Address of {@code lshsmile_mpi_gather_double}. */
    public MemorySegment lshsmile_mpi_gather_double$address() {
        return gatherDouble.addr;
    }

    /** {@code int32_t lshsmile_mpi_gather_double(const double *send, int64_t count, double *recv, int32_t root)}. */
    public int lshsmile_mpi_gather_double(MemorySegment send, long count, MemorySegment recv, int root) {
        try {
            return (int) gatherDouble.handle.invokeExact(send, count, recv, root);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_gatherv_double(const double *send, int64_t count, double *recv, const int32_t *counts, int32_t root)

    static final class lshsmile_mpi_gatherv_double {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER, C_POINTER, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_gatherv_double(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_gatherv_double");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_gatherv_double}. */
    public static FunctionDescriptor lshsmile_mpi_gatherv_double$descriptor() {
        return lshsmile_mpi_gatherv_double.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_gatherv_double}. */
    public MethodHandle lshsmile_mpi_gatherv_double$handle() {
        return gathervDouble.handle;
    }

    /** Address of {@code lshsmile_mpi_gatherv_double}. */
    public MemorySegment lshsmile_mpi_gatherv_double$address() {
        return gathervDouble.addr;
    }

    /** {@code int32_t lshsmile_mpi_gatherv_double(const double *send, int64_t count, double *recv, const int32_t *counts, int32_t root)}. */
    public int lshsmile_mpi_gatherv_double(MemorySegment send, long count, MemorySegment recv, MemorySegment counts, int root) {
        try {
            return (int) gathervDouble.handle.invokeExact(send, count, recv, counts, root);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_neighbors(int32_t periodic, int32_t *lower, int32_t *upper)

    static final class lshsmile_mpi_neighbors {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_neighbors(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_neighbors");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_neighbors}. */
    public static FunctionDescriptor lshsmile_mpi_neighbors$descriptor() {
        return lshsmile_mpi_neighbors.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_neighbors}. */
    public MethodHandle lshsmile_mpi_neighbors$handle() {
        return neighbors.handle;
    }

    /** Address of {@code lshsmile_mpi_neighbors}. */
    public MemorySegment lshsmile_mpi_neighbors$address() {
        return neighbors.addr;
    }

    /** {@code int32_t lshsmile_mpi_neighbors(int32_t periodic, int32_t *lower, int32_t *upper)}. */
    public int lshsmile_mpi_neighbors(int periodic, MemorySegment lower, MemorySegment upper) {
        try {
            return (int) neighbors.handle.invokeExact(periodic, lower, upper);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_halo_exchange(const double *send_lower, double *recv_lower, const double *send_upper, double *recv_upper, int64_t count, int32_t periodic)

    static final class lshsmile_mpi_halo_exchange {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_LONG, C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_halo_exchange(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_halo_exchange");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_halo_exchange}. */
    public static FunctionDescriptor lshsmile_mpi_halo_exchange$descriptor() {
        return lshsmile_mpi_halo_exchange.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_halo_exchange}. */
    public MethodHandle lshsmile_mpi_halo_exchange$handle() {
        return haloExchange.handle;
    }

    /** Address of {@code lshsmile_mpi_halo_exchange}. */
    public MemorySegment lshsmile_mpi_halo_exchange$address() {
        return haloExchange.addr;
    }

    /** {@code int32_t lshsmile_mpi_halo_exchange(const double *send_lower, double *recv_lower, const double *send_upper, double *recv_upper, int64_t count, int32_t periodic)}. */
    public int lshsmile_mpi_halo_exchange(MemorySegment send_lower, MemorySegment recv_lower, MemorySegment send_upper, MemorySegment recv_upper, long count, int periodic) {
        try {
            return (int) haloExchange.handle.invokeExact(send_lower, recv_lower, send_upper, recv_upper, count, periodic);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_halo_start(const double *send_lower, double *recv_lower, const double *send_upper, double *recv_upper, int64_t count, int32_t periodic, void *request)

    static final class lshsmile_mpi_halo_start {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_LONG, C_INT, C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_halo_start(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_halo_start");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_halo_start}. */
    public static FunctionDescriptor lshsmile_mpi_halo_start$descriptor() {
        return lshsmile_mpi_halo_start.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_halo_start}. */
    public MethodHandle lshsmile_mpi_halo_start$handle() {
        return haloStart.handle;
    }

    /** Address of {@code lshsmile_mpi_halo_start}. */
    public MemorySegment lshsmile_mpi_halo_start$address() {
        return haloStart.addr;
    }

    /** {@code int32_t lshsmile_mpi_halo_start(const double *send_lower, double *recv_lower, const double *send_upper, double *recv_upper, int64_t count, int32_t periodic, void *request)}. */
    public int lshsmile_mpi_halo_start(MemorySegment send_lower, MemorySegment recv_lower, MemorySegment send_upper, MemorySegment recv_upper, long count, int periodic, MemorySegment request) {
        try {
            return (int) haloStart.handle.invokeExact(send_lower, recv_lower, send_upper, recv_upper, count, periodic, request);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---------------------------------------------------------------- int32_t lshsmile_mpi_halo_wait(void *request)

    static final class lshsmile_mpi_halo_wait {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_mpi_halo_wait(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_mpi_halo_wait");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** Descriptor of {@code lshsmile_mpi_halo_wait}. */
    public static FunctionDescriptor lshsmile_mpi_halo_wait$descriptor() {
        return lshsmile_mpi_halo_wait.DESC;
    }

    /** Downcall handle of {@code lshsmile_mpi_halo_wait}. */
    public MethodHandle lshsmile_mpi_halo_wait$handle() {
        return haloWait.handle;
    }

    /** Address of {@code lshsmile_mpi_halo_wait}. */
    public MemorySegment lshsmile_mpi_halo_wait$address() {
        return haloWait.addr;
    }

    /** {@code int32_t lshsmile_mpi_halo_wait(void *request)}. */
    public int lshsmile_mpi_halo_wait(MemorySegment request) {
        try {
            return (int) haloWait.handle.invokeExact(request);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
