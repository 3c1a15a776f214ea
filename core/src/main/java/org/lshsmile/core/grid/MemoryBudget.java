package org.lshsmile.core.grid;

import java.lang.management.ManagementFactory;

/**
 * Refuses requests that cannot fit before anything is allocated: off-heap memory against the machine's
 * physical memory (optionally capped by {@value #OFF_HEAP_PROPERTY}), heap arrays against the JVM's
 * {@code -Xmx} ({@link Runtime#maxMemory()}). Every refusal is an {@link IllegalStateException} whose one
 * line names what was asked for, the estimate, the limit and the fix.
 */
public final class MemoryBudget {

    /**
     * System property capping off-heap use in bytes below the default of 80% of physical memory, for a
     * machine shared with other jobs (e.g. {@code -Dlshsmile.memory.offheap.max=8g}; suffixes k, m, g, t).
     */
    public static final String OFF_HEAP_PROPERTY = "lshsmile.memory.offheap.max";
    /** Fraction of physical memory off-heap requests may take. */
    public static final double OFF_HEAP_FRACTION = 0.8;
    /** Fraction of {@link Runtime#maxMemory()} one heap request may take. */
    public static final double HEAP_FRACTION = 0.9;

    private MemoryBudget() {
    }

    /** Physical memory of the machine in bytes, or {@code Long.MAX_VALUE} if unknown. */
    public static long physicalBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getTotalMemorySize();
            return t > 0 ? t : Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    /**
     * Bytes one off-heap request may take: {@value #OFF_HEAP_FRACTION} of physical memory, or the value of
     * {@value #OFF_HEAP_PROPERTY} when that is set and smaller.
     *
     * @throws IllegalArgumentException when the property is set but not a byte count
     */
    public static long offHeapLimit() {
        long limit = (long) (physicalBytes() * OFF_HEAP_FRACTION);
        String cap = System.getProperty(OFF_HEAP_PROPERTY);
        if (cap != null && !cap.isBlank()) {
            limit = Math.min(limit, parseBytes(cap.trim()));
        }
        return limit;
    }

    /** Bytes one heap request may take: {@value #HEAP_FRACTION} of {@link Runtime#maxMemory()}. */
    public static long heapLimit() {
        return (long) (Runtime.getRuntime().maxMemory() * HEAP_FRACTION);
    }

    /**
     * Throws if {@code bytes} of off-heap memory exceed {@link #offHeapLimit()}.
     *
     * @throws IllegalStateException naming the estimate and the limit
     */
    public static void check(long bytes, String what) {
        check(bytes, what, "use a smaller size or fewer fields");
    }

    /**
     * Throws if {@code bytes} of off-heap memory (negative: an estimate that overflowed) exceed
     * {@link #offHeapLimit()}.
     *
     * @param what names the request, e.g. "a grid of 3 x 4096 x 4096"
     * @param fix  what the caller can change, e.g. "use a smaller grid"
     * @throws IllegalStateException naming the request, the estimate, the limit and the fix
     */
    public static void check(long bytes, String what, String fix) {
        long limit = offHeapLimit();
        if (bytes < 0 || bytes > limit) {
            throw new IllegalStateException(what + " needs about " + human(bytes) + " off-heap, more than the "
                + human(limit) + " this machine can give (" + limitSource() + "); " + fix);
        }
    }

    /**
     * Throws if {@code bytes} of heap (negative: an estimate that overflowed) exceed {@link #heapLimit()}.
     *
     * @param what names the request
     * @param fix  what the caller can change
     * @throws IllegalStateException naming the request, the estimate, the limit and the fix
     */
    public static void checkHeap(long bytes, String what, String fix) {
        long limit = heapLimit();
        if (bytes < 0 || bytes > limit) {
            throw new IllegalStateException(what + " needs about " + human(bytes) + " of heap, more than the "
                + human(limit) + " this JVM may use (" + (int) (HEAP_FRACTION * 100) + "% of -Xmx " + human(
                Runtime.getRuntime().maxMemory()) + "); " + fix + ", or raise -Xmx");
        }
    }

    /** Longest Java array the JVM allocates (a few header words below {@code Integer.MAX_VALUE}). */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Checks, before allocating, that an array of {@code fields x ny x nx} doubles (a state in C order) fits
     * in one Java array and in the heap.
     *
     * @param what names the array, e.g. "the voronoi initial state"
     * @return the element count
     * @throws IllegalArgumentException for a size below 1, or a count above {@link #MAX_ARRAY}
     * @throws IllegalStateException    when the array would exceed {@link #heapLimit()}
     */
    public static int heapDoubles(long fields, long ny, long nx, String what) {
        if (fields < 1 || ny < 1 || nx < 1) {
            throw new IllegalArgumentException(what + " needs sizes >= 1, got " + fields + " x " + ny + " x " + nx);
        }
        long count = times(times(fields, ny), nx);
        if (count < 0 || count > MAX_ARRAY) {
            throw new IllegalArgumentException(what + " of " + fields + " x " + ny + " x " + nx + " values is more than "
                + "a Java array holds (" + MAX_ARRAY + "); use a smaller grid");
        }
        checkHeap(count * Double.BYTES, what + " of " + fields + " x " + ny + " x " + nx, "use a smaller grid");
        return (int) count;
    }

    /** {@code a * b}, or -1 (which every check refuses) when it overflows or either is negative. */
    public static long times(long a, long b) {
        if (a < 0 || b < 0) {
            return -1;
        }
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** {@code a + b}, or -1 when it overflows or either is negative. */
    public static long plus(long a, long b) {
        if (a < 0 || b < 0) {
            return -1;
        }
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static String limitSource() {
        String cap = System.getProperty(OFF_HEAP_PROPERTY);
        if (cap != null && !cap.isBlank() && parseBytes(cap.trim()) < (long) (physicalBytes() * OFF_HEAP_FRACTION)) {
            return "-D" + OFF_HEAP_PROPERTY + "=" + cap.trim();
        }
        return (int) (OFF_HEAP_FRACTION * 100) + "% of " + human(physicalBytes()) + " physical";
    }

    private static long parseBytes(String s) {
        long unit = 1;
        String digits = s;
        char last = Character.toLowerCase(s.charAt(s.length() - 1));
        int shift = switch (last) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        if (shift > 0) {
            unit = 1L << shift;
            digits = s.substring(0, s.length() - 1);
        }
        try {
            long v = Long.parseLong(digits.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("-D" + OFF_HEAP_PROPERTY + " must be a byte count like 512m or 8g, got '"
                + s + "'");
        }
    }

    /** "1.5 GiB" style. */
    public static String human(long bytes) {
        if (bytes < 0) {
            return "more than 8 EiB";
        }
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, i == 0 ? "%.0f %s" : "%.1f %s", v, u[i]);
    }
}
