package org.lshsmile.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings for {@code native/include/lshsmile.h} in the shape jextract generates: C layouts, and one
 * holder class per function with its descriptor, address and downcall handle, plus a typed static
 * wrapper calling {@code invokeExact}. Written by hand (jextract is not installable here); see
 * {@code java-bindings/regenerate.sh}. Only {@link NativeLibrary} constructs it.
 */
@SuppressWarnings("checkstyle:TypeName")
public final class lshsmile_h {

    /** C {@code int32_t}. */
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    /** C pointer to char. */
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private final lshsmile_abi_version abiVersion;
    private final lshsmile_build_info buildInfo;

    lshsmile_h(SymbolLookup lookup) {
        Linker linker = Linker.nativeLinker();
        this.abiVersion = new lshsmile_abi_version(linker, lookup);
        this.buildInfo = new lshsmile_build_info(linker, lookup);
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("symbol " + name + " not found"));
    }

    /** Holder of {@code int32_t lshsmile_abi_version(void)}. */
    static final class lshsmile_abi_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_abi_version(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_abi_version");
            handle = linker.downcallHandle(addr, DESC, Linker.Option.critical(false));
        }
    }

    /** Holder of {@code const char *lshsmile_build_info(void)}. */
    static final class lshsmile_build_info {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        final MemorySegment addr;
        final MethodHandle handle;

        lshsmile_build_info(Linker linker, SymbolLookup lookup) {
            addr = find(lookup, "lshsmile_build_info");
            handle = linker.downcallHandle(addr, DESC);
        }
    }

    /** {@code int32_t lshsmile_abi_version(void)}. */
    public int lshsmile_abi_version() {
        try {
            return (int) abiVersion.handle.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("lshsmile_abi_version failed", t);
        }
    }

    /** {@code const char *lshsmile_build_info(void)}, read as a Java string. */
    public String lshsmile_build_info() {
        try {
            MemorySegment p = (MemorySegment) buildInfo.handle.invokeExact();
            return p.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw new AssertionError("lshsmile_build_info failed", t);
        }
    }
}
