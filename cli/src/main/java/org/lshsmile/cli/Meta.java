package org.lshsmile.cli;

import java.util.Map;

/**
 * Typed reads of checkpoint meta entries. Every getter throws {@link IllegalArgumentException} naming the
 * entry when it is missing or malformed, so a resume can report the first bad entry in one line.
 */
final class Meta {

    private final Map<String, String> entries;

    Meta(Map<String, String> entries) {
        this.entries = entries;
    }

    /** The entries. */
    Map<String, String> entries() {
        return entries;
    }

    /** Whether the entry is present. */
    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A present entry. */
    String text(String key) {
        String v = entries.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "' entry");
        }
        return v;
    }

    /** {@code true} or {@code false}. */
    boolean bool(String key) {
        String v = text(key);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, v, "true or false");
        };
    }

    /** A finite double written by {@link Double#toString}. */
    double number(String key) {
        String v = text(key);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, v, "a finite number");
    }

    /** A long. */
    long longValue(String key) {
        String v = text(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "an integer");
        }
    }

    /** An int in [lo, hi]. */
    int intValue(String key, int lo, int hi) {
        long v = longValue(key);
        if (v < lo || v > hi) {
            throw bad(key, entries.get(key), "an integer in [" + lo + ", " + hi + "]");
        }
        return (int) v;
    }

    private static IllegalArgumentException bad(String key, String value, String expected) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return new IllegalArgumentException("'" + key + "' is '" + shown + "', not " + expected);
    }
}
