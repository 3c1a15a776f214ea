package org.lshsmile.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written bindings against the headers they bind: every {@code LSHSMILE_API} prototype of
 * {@code native/include/lshsmile.h} has a {@code <name>$descriptor()} in {@link lshsmile_h} with the
 * matching C types, every {@code LSHSMILE_MPI_API} prototype of {@code lshsmile_mpi.h} one in
 * {@link lshsmile_mpi_h}, and no binding lacks a prototype. Needs no library.
 */
class LshsmileHeaderTest {

    private static final String KERNELS = "lshsmile.h";
    private static final String MPI = "lshsmile_mpi.h";
    private static final Pattern DEFINE = Pattern.compile("#define\\s+(LSHSMILE_\\w+)\\s+(-?\\d+)\\s*$",
        Pattern.MULTILINE);

    /** The prototypes of a header: those marked with its export macro. */
    private static Pattern prototype(String header) {
        String api = header.equals(MPI) ? "LSHSMILE_MPI_API" : "LSHSMILE_API";
        return Pattern.compile(api + "\\s+([^;(]*?)\\b(\\w+)\\s*\\(([^)]*)\\)\\s*;");
    }

    static Path header() {
        return header(KERNELS);
    }

    static Path header(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path h = dir.resolve("native/include").resolve(name);
            if (Files.isRegularFile(h)) {
                return h;
            }
        }
        throw new AssertionError("native/include/" + name + " not found from " + Path.of("").toAbsolutePath() + " up");
    }

    /** The header without comments, so a prototype quoted in a comment is not taken for a declaration. */
    private static String source(String name) throws IOException {
        String s = Files.readString(header(name));
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    private static Map<String, Long> defines(String name) throws IOException {
        Map<String, Long> defines = new TreeMap<>();
        Matcher m = DEFINE.matcher(source(name));
        while (m.find()) {
            defines.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return defines;
    }

    /** C type (with the parameter name removed) to its FFM layout; null for void. */
    static MemoryLayout layoutOf(String declaration, boolean isParameter) {
        String t = declaration.trim().replaceAll("\\s+", " ");
        if (t.contains("*")) {
            return ValueLayout.ADDRESS;
        }
        if (isParameter) {
            t = t.replaceAll("\\s*\\b\\w+$", ""); // drop the parameter name
        }
        t = t.replace("const ", "").trim();
        return switch (t) {
            case "int32_t" -> ValueLayout.JAVA_INT;
            case "int64_t" -> ValueLayout.JAVA_LONG;
            case "double" -> ValueLayout.JAVA_DOUBLE;
            case "void" -> null;
            default -> throw new AssertionError("no FFM mapping for C type '" + t + "' in '" + declaration + "'");
        };
    }

    /** Each prototype of the header as the descriptor jextract would give it. */
    static Map<String, FunctionDescriptor> headerDescriptors() throws IOException {
        return headerDescriptors(KERNELS);
    }

    /** Each prototype of the named header as the descriptor jextract would give it. */
    static Map<String, FunctionDescriptor> headerDescriptors(String name) throws IOException {
        Map<String, FunctionDescriptor> out = new TreeMap<>();
        Matcher m = prototype(name).matcher(source(name));
        while (m.find()) {
            MemoryLayout ret = layoutOf(m.group(1), false);
            var params = new ArrayList<MemoryLayout>();
            String list = m.group(3).trim();
            if (!list.equals("void")) {
                for (String p : list.split(",")) {
                    params.add(layoutOf(p, true));
                }
            }
            MemoryLayout[] ps = params.toArray(MemoryLayout[]::new);
            out.put(m.group(2), ret == null ? FunctionDescriptor.ofVoid(ps) : FunctionDescriptor.of(ret, ps));
        }
        return out;
    }

    @Test
    void everyPrototypeHasABindingWithTheSameDescriptor() throws Exception {
        assertPrototypesBound(KERNELS, lshsmile_h.class, 8);
    }

    @Test
    void everyMpiPrototypeHasABindingWithTheSameDescriptor() throws Exception {
        assertPrototypesBound(MPI, lshsmile_mpi_h.class, 20);
    }

    private static void assertPrototypesBound(String name, Class<?> bindings, int atLeast) throws Exception {
        Map<String, FunctionDescriptor> header = headerDescriptors(name);
        assertTrue(header.size() >= atLeast, "parsed only " + header.keySet() + " from " + header(name));
        for (var e : header.entrySet()) {
            Method m;
            try {
                m = bindings.getMethod(e.getKey() + "$descriptor");
            } catch (NoSuchMethodException ex) {
                fail(bindings.getSimpleName() + " has no " + e.getKey() + "$descriptor() for the header's prototype "
                    + e.getValue());
                return;
            }
            assertTrue(Modifier.isStatic(m.getModifiers()), e.getKey() + "$descriptor() must be static");
            assertEquals(e.getValue(), m.invoke(null), e.getKey() + ": binding's descriptor differs from the header");
            // the typed wrapper and the address/handle accessors exist too
            bindings.getMethod(e.getKey() + "$handle");
            bindings.getMethod(e.getKey() + "$address");
            assertEquals(1, Arrays.stream(bindings.getMethods())
                .filter(x -> x.getName().equals(e.getKey())).count(), e.getKey() + ": one typed wrapper");
        }
    }

    @Test
    void everyBindingHasAPrototype() throws Exception {
        assertEquals(headerDescriptors(KERNELS).keySet(), bound(lshsmile_h.class),
            "functions bound vs functions in " + header(KERNELS));
        assertEquals(headerDescriptors(MPI).keySet(), bound(lshsmile_mpi_h.class),
            "functions bound vs functions in " + header(MPI));
    }

    private static TreeSet<String> bound(Class<?> bindings) {
        var bound = new TreeSet<String>();
        for (Method m : bindings.getMethods()) {
            if (m.getName().endsWith("$descriptor")) {
                bound.add(m.getName().substring(0, m.getName().length() - "$descriptor".length()));
            }
        }
        return bound;
    }

    @Test
    void mpiJavaConstantsMatchTheHeader() throws Exception {
        Map<String, Long> d = defines(MPI);
        assertEquals(Long.valueOf(Mpi.ABI_VERSION), d.get("LSHSMILE_MPI_ABI_VERSION"), "ABI version");
        assertEquals(Long.valueOf(Mpi.HALO_REQUEST_BYTES), d.get("LSHSMILE_MPI_HALO_REQUEST_BYTES"), "halo request");
        assertEquals(Long.valueOf(Mpi.PROC_NULL), d.get("LSHSMILE_MPI_PROC_NULL"), "PROC_NULL");
        assertEquals(Long.valueOf(MpiException.ERR_STATE), d.get("LSHSMILE_MPI_ERR_STATE"), "ERR_STATE");
        assertEquals(Long.valueOf(MpiException.ERR_ARG), d.get("LSHSMILE_MPI_ERR_ARG"), "ERR_ARG");
        assertEquals(0L, d.get("LSHSMILE_MPI_OK"), "OK");
        for (Mpi.Op op : Mpi.Op.values()) {
            assertEquals(Long.valueOf(op.ordinal()), d.get("LSHSMILE_MPI_OP_" + op), "op " + op);
        }
        for (Mpi.ThreadLevel t : Mpi.ThreadLevel.values()) {
            assertEquals(Long.valueOf(t.ordinal()), d.get("LSHSMILE_MPI_THREAD_" + t), "thread level " + t);
        }
    }

    @Test
    void javaConstantsMatchTheHeader() throws Exception {
        Map<String, Long> defines = defines(KERNELS);
        assertEquals(Long.valueOf(NativeLibrary.ABI_VERSION), defines.get("LSHSMILE_ABI_VERSION"), "ABI version");
        assertEquals(Long.valueOf(NativeKernels.NV_PARAM_COUNT), defines.get("LSHSMILE_NV_PARAM_COUNT"), "nanovoid parameters");
        assertEquals(Long.valueOf(NativeKernels.NV_SCRATCH_ROWS), defines.get("LSHSMILE_NV_SCRATCH_ROWS"), "nanovoid scratch");
        assertEquals(Long.valueOf(NativeKernels.CH_SCRATCH_ROWS), defines.get("LSHSMILE_CH_SCRATCH_ROWS"), "CH scratch");
    }

    @Test
    void parserMapsCTypes() {
        assertEquals(ValueLayout.ADDRESS, layoutOf("const double *cur", true));
        assertEquals(ValueLayout.ADDRESS, layoutOf("const char *", false));
        assertEquals(ValueLayout.JAVA_INT, layoutOf("int32_t q", true));
        assertEquals(ValueLayout.JAVA_LONG, layoutOf(" int64_t  plane_stride", true));
        assertEquals(ValueLayout.JAVA_DOUBLE, layoutOf("double", false));
        assertNull(layoutOf("void", false));
    }
}
