package org.lshsmile.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MPI facade in this JVM, without starting MPI (that is once per process and belongs to the ranks of
 * {@link MpiRunTest}): finding the library and the reasons when it is not there, the shim's state errors
 * before init, and the argument checks done in Java before any call.
 */
class MpiTest {

    @TempDir
    Path tmp;

    private static Mpi mpi() {
        Mpi.Loaded loaded = Mpi.load();
        assumeTrue(loaded.mpi().isPresent(), loaded.description());
        return loaded.mpi().get();
    }

    private static void assertAbsent(Mpi.Loaded r, String... phrases) {
        assertTrue(r.mpi().isEmpty(), "expected no library, got " + r.description());
        assertFalse(r.description().contains("\n"), "one line: " + r.description());
        for (String p : phrases) {
            assertTrue(r.description().contains(p), "reason '" + r.description() + "' should mention '" + p + "'");
        }
    }

    @Test
    void aPropertyNamingNoFileIsReportedWithTheFix() {
        Path missing = tmp.resolve("nope/liblshsmile_mpi.so");
        assertAbsent(Mpi.find(missing.toString(), List.of(tmp)), "-Dlshsmile.mpi.lib=" + missing, "names no file",
            "native/target/liblshsmile_mpi.so", "openmpi-bin libopenmpi-dev");
        assertAbsent(Mpi.find(tmp.toString(), List.of(tmp)), "(it is a directory)");
    }

    @Test
    void aFileThatIsNoLibraryIsReported() throws IOException {
        Path text = Files.writeString(tmp.resolve("liblshsmile_mpi.so"), "not an ELF file\n");
        assertAbsent(Mpi.loadFrom(text), "cannot load " + text);
        assertAbsent(Mpi.find(text.toString(), List.of(tmp)), "-Dlshsmile.mpi.lib=" + text, "cannot load");
    }

    @Test
    void theKernelLibraryIsRefusedForLackingTheShim() {
        // liblshsmile.so is a real library without the shim's symbols: refused with the missing symbol named
        NativeLibrary.Result k = NativeLibrary.load();
        assumeTrue(k.kernels().isPresent(), k.description());
        Path kernels = Path.of(k.description().replaceFirst("^loaded (\\S+) .*$", "$1"));
        assumeTrue(Files.isRegularFile(kernels), "kernel library not loaded from a file: " + k.description());
        assertAbsent(Mpi.loadFrom(kernels), "cannot load", "lshsmile_mpi_abi_version");
    }

    @Test
    void noLibraryAnywhereNamesTheSearchAndTheFix() {
        Mpi.Loaded r = Mpi.find(null, List.of(tmp));
        assumeTrue(r.mpi().isEmpty(), "a liblshsmile_mpi.so is on the system library path: " + r.description());
        assertAbsent(r, "MPI shim not found", "native/target/liblshsmile_mpi.so", tmp.toString(), "-Dlshsmile.mpi.lib=");
    }

    @Test
    void theBuiltLibraryLoadsAndNamesItsMpi() {
        Mpi mpi = mpi();
        assertEquals(Mpi.ABI_VERSION, mpi.bindings().lshsmile_mpi_abi_version());
        assertFalse(mpi.libraryVersion().isBlank());
        assertFalse(mpi.libraryVersion().contains("\n"), mpi.libraryVersion());
        assertTrue(Mpi.load().description().contains(mpi.libraryVersion()), Mpi.load().description());
        if (mpi.libraryVersion().contains("Open MPI")) {
            assertTrue(mpi.libraryVersion().matches("Open MPI v\\d+\\.\\d+.*"), mpi.libraryVersion());
        }
    }

    @Test
    void callsBeforeInitFailWithAStateErrorAndTheFix() {
        Mpi mpi = mpi();
        assumeTrue(!mpi.isInitialized() && !mpi.isFinalized(), "MPI already started in this JVM");
        MpiException e = assertThrows(MpiException.class, mpi::barrier);
        assertEquals(MpiException.ERR_STATE, e.code());
        assertTrue(e.getMessage().contains("barrier") && e.getMessage().contains("call init first"), e.getMessage());
        MpiException r = assertThrows(MpiException.class, mpi::rank);
        assertTrue(r.getMessage().contains("call init() first"), r.getMessage());
        // the raw binding returns the code and leaves the message for last_error
        assertEquals(MpiException.ERR_STATE, mpi.bindings().lshsmile_mpi_allreduce_double(MemorySegment.NULL, 0, 0));
        assertTrue(mpi.bindings().lshsmile_mpi_last_error().reinterpret(200).getString(0).startsWith("allreduce:"));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ValueLayout.JAVA_DOUBLE, 4);
            MpiException h = assertThrows(MpiException.class, () -> mpi.haloExchange(s.asSlice(0, 8), s.asSlice(8, 8),
                s.asSlice(16, 8), s.asSlice(24, 8), 1, true));
            assertTrue(h.getMessage().startsWith("halo exchange:"), h.getMessage());
        }
        // close() without init does nothing (it finalises only a running MPI)
        mpi.close();
        assertFalse(mpi.isFinalized());
    }

    @Test
    void haloBuffersAreCheckedInJavaBeforeTheCall() {
        Mpi mpi = mpi();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sl = a.allocate(ValueLayout.JAVA_DOUBLE, 8);
            MemorySegment rl = a.allocate(ValueLayout.JAVA_DOUBLE, 8);
            MemorySegment su = a.allocate(ValueLayout.JAVA_DOUBLE, 8);
            MemorySegment ru = a.allocate(ValueLayout.JAVA_DOUBLE, 8);
            assertHaloRefused(mpi, sl, rl, su, ru.asSlice(0, 56), 8, "recvUpper holds 56 bytes, the call needs 64");
            assertHaloRefused(mpi, sl.asSlice(0, 8), rl, su, ru, 2, "sendLower holds 8 bytes");
            assertHaloRefused(mpi, sl, MemorySegment.ofArray(new double[8]), su, ru, 8, "recvLower is a heap segment");
            assertHaloRefused(mpi, sl, rl, su, ru.asReadOnly(), 8, "recvUpper is read-only");
            assertHaloRefused(mpi, sl, rl.asSlice(4), su, ru, 1, "recvLower at address", "not 8-byte aligned");
            assertHaloRefused(mpi, sl, rl, su, rl, 8, "recvLower overlaps recvUpper");
            assertHaloRefused(mpi, sl, rl, rl.asSlice(8), ru, 4, "recvLower overlaps sendUpper");
            assertHaloRefused(mpi, sl, rl, su, ru, -1, "count -1 outside 0 .. 2147483647");
            assertHaloRefused(mpi, sl, rl, su, ru, 1L << 31, "count 2147483648 outside");
            assertHaloRefused(mpi, null, rl, su, ru, 8, "sendLower is null");
            // the send rows may share memory: only the receives are written
            MemorySegment both = a.allocate(ValueLayout.JAVA_DOUBLE, 8);
            assertThrows(MpiException.class, () -> mpi.haloExchange(both, rl, both, ru, 8, false),
                "checks pass, then the state error of the shim (MPI not started here)");
            // the nonblocking start checks the same way
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mpi.haloStart(sl, rl, su, ru.asSlice(0, 8), 2, false));
            assertTrue(e.getMessage().contains("recvUpper holds 8 bytes, the call needs 16"), e.getMessage());
        }
    }

    private static void assertHaloRefused(Mpi mpi, MemorySegment sl, MemorySegment rl, MemorySegment su, MemorySegment ru,
                                          long count, String... phrases) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> mpi.haloExchange(sl, rl, su, ru, count, false));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void collectiveArgumentsAreCheckedInJava() {
        Mpi mpi = mpi();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(ValueLayout.JAVA_DOUBLE, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mpi.allreduce(d, 5, Mpi.Op.SUM));
            assertTrue(e.getMessage().contains("data holds 32 bytes, the call needs 40"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> mpi.allreduceSumLongs(d.asSlice(0, 24), 4));
            assertTrue(e.getMessage().contains("data holds 24 bytes, the call needs 32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> mpi.allreduce(d.asReadOnly(), 4, Mpi.Op.MAX));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
        // the root is checked against the size, which needs MPI running: before init, the state error
        MpiException s = assertThrows(MpiException.class, () -> mpi.bcast(new byte[3], 0));
        assertTrue(s.getMessage().contains("call init() first"), s.getMessage());
    }
}
