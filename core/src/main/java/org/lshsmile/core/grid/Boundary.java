package org.lshsmile.core.grid;

import java.util.Locale;

/** Boundary condition applied through the halo. */
public enum Boundary {
    /** Wrap-around: the halo holds the opposite edge. */
    PERIODIC,
    /** Zero flux: mirror ghosts, {@code u[-1] = u[0]}, {@code u[-2] = u[1]}. */
    NOFLUX;

    /** Parses {@code periodic} or {@code noflux} (case-insensitive). */
    public static Boundary parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return switch (n) {
            case "periodic" -> PERIODIC;
            case "noflux", "mirror", "neumann" -> NOFLUX;
            default -> throw new IllegalArgumentException("unknown boundary '" + s + "': use periodic or noflux");
        };
    }

    /** The CLI spelling. */
    public String label() {
        return this == PERIODIC ? "periodic" : "noflux";
    }
}
