package org.lshsmile.core.grid;

import java.lang.management.ManagementFactory;

/** Refuses off-heap requests that cannot fit before anything is allocated. */
public final class MemoryBudget {

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
     * Throws if {@code bytes} exceeds 80% of physical memory.
     *
     * @throws IllegalStateException naming the estimate and the limit
     */
    public static void check(long bytes, String what) {
        long limit = (long) (physicalBytes() * 0.8);
        if (bytes < 0 || bytes > limit) {
            throw new IllegalStateException(what + " needs about " + human(bytes) + " off-heap, more than the "
                + human(limit) + " this machine can give; use a smaller size or fewer fields");
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
