package org.lshsmile.validation;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Objects;

/**
 * One compared quantity of a validation case: a reference value, ours, how they must compare, and the
 * outcome.
 *
 * <p>The comparison is one of {@link Comparison}: a two-sided tolerance, absolute or relative, or a
 * one-sided bound where the reference is the bound (and the tolerance is 0). A NaN on either side fails
 * every comparison. The canonical constructor refuses a status that contradicts the numbers, so a
 * {@link Status#PASS} always means the comparison holds; build checks with {@link #of} and
 * {@link #skipped}.
 *
 * @param caseName   name of the case that made the check, e.g. {@code pfhub-1a}
 * @param quantity   what was compared, e.g. {@code F(t=10)}
 * @param reference  the reference value, or the bound for one-sided comparisons (NaN when skipped)
 * @param ours       our value (NaN when skipped or not computed)
 * @param tolerance  for {@link Comparison#ABSOLUTE} an absolute and for {@link Comparison#RELATIVE} a
 *                   relative (to |reference|) tolerance; 0 for the one-sided bounds
 * @param comparison how {@code ours} must relate to {@code reference}
 * @param status     the outcome
 * @param source     where the reference comes from, e.g. {@code MEMPHIS 1a csv},
 *                   {@code physics.md 1.7 sharp-interface law}, {@code conservation}
 * @param note       why a check was skipped or failed, or extra detail; empty when none
 */
public record Check(String caseName, String quantity, double reference, double ours, double tolerance,
                    Comparison comparison, Status status, String source, String note) {

    /** Significant digits {@link #format} keeps in scientific notation. */
    public static final int SCIENTIFIC_DIGITS = 4;

    /** Outcome of a check. */
    public enum Status {
        /** The comparison holds. */
        PASS,
        /** The comparison does not hold (or ours could not be computed). */
        FAIL,
        /** Not run, for the reason in {@link Check#note()}. */
        SKIPPED
    }

    /** How ours must relate to the reference. */
    public enum Comparison {
        /** {@code |ours - reference| <= tolerance}. */
        ABSOLUTE,
        /** {@code |ours - reference| <= tolerance * |reference|}. */
        RELATIVE,
        /** {@code ours <= reference}. */
        AT_MOST,
        /** {@code ours < reference}. */
        BELOW,
        /** {@code ours >= reference}. */
        AT_LEAST,
        /** {@code ours > reference}. */
        ABOVE;

        /** Whether {@code ours} satisfies this comparison against {@code reference}; false for any NaN. */
        public boolean holds(double reference, double ours, double tolerance) {
            return switch (this) {
                case ABSOLUTE -> Math.abs(ours - reference) <= tolerance;
                case RELATIVE -> Math.abs(ours - reference) <= tolerance * Math.abs(reference);
                case AT_MOST -> ours <= reference;
                case BELOW -> ours < reference;
                case AT_LEAST -> ours >= reference;
                case ABOVE -> ours > reference;
            };
        }

        /** Whether this is a one-sided bound (the reference is the bound; no tolerance). */
        public boolean oneSided() {
            return this != ABSOLUTE && this != RELATIVE;
        }
    }

    /** Validates the fields and that the status agrees with the comparison. */
    public Check {
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        note = note == null ? "" : note;
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, got " + tolerance);
        }
        if (comparison.oneSided() && tolerance != 0) {
            throw new IllegalArgumentException(comparison + " is a bound: put the slack into the reference, got"
                + " tolerance " + tolerance);
        }
        if (status != Status.SKIPPED) {
            Status actual = comparison.holds(reference, ours, tolerance) ? Status.PASS : Status.FAIL;
            if (status != actual) {
                throw new IllegalArgumentException("status " + status + " contradicts " + quantity + ": reference "
                    + reference + ", ours " + ours + ", " + comparison + " " + tolerance);
            }
        }
    }

    /** A check whose status follows from the comparison. */
    public static Check of(String caseName, String quantity, double reference, double ours, double tolerance,
                           Comparison comparison, String source, String note) {
        Status s = comparison.holds(reference, ours, tolerance) ? Status.PASS : Status.FAIL;
        return new Check(caseName, quantity, reference, ours, tolerance, comparison, s, source, note);
    }

    /** The same without a note. */
    public static Check of(String caseName, String quantity, double reference, double ours, double tolerance,
                           Comparison comparison, String source) {
        return of(caseName, quantity, reference, ours, tolerance, comparison, source, "");
    }

    /** A check that was not run, and why. */
    public static Check skipped(String caseName, String quantity, String source, String reason) {
        return new Check(caseName, quantity, Double.NaN, Double.NaN, 0, Comparison.ABSOLUTE, Status.SKIPPED, source,
            reason);
    }

    /** Whether the status is {@link Status#PASS}. */
    public boolean passed() {
        return status == Status.PASS;
    }

    /** Whether the status is {@link Status#FAIL}. */
    public boolean failed() {
        return status == Status.FAIL;
    }

    /**
     * The tolerance as the table shows it: {@code rel 1e-6}, {@code abs 0.01}, {@code exact} (absolute 0),
     * or the bound ({@code <= ref}, {@code < ref}, {@code >= ref}, {@code > ref}); {@code -} when skipped.
     */
    public String toleranceText() {
        if (status == Status.SKIPPED) {
            return "-";
        }
        return switch (comparison) {
            case ABSOLUTE -> tolerance == 0 ? "exact" : "abs " + format(tolerance, 3);
            case RELATIVE -> "rel " + format(tolerance, 3);
            case AT_MOST -> "<= ref";
            case BELOW -> "< ref";
            case AT_LEAST -> ">= ref";
            case ABOVE -> "> ref";
        };
    }

    /** {@link #reference()} formatted with 12 significant digits ({@code -} for NaN). */
    public String referenceText() {
        return format(reference, 12);
    }

    /** {@link #ours()} formatted with 12 significant digits ({@code -} for NaN). */
    public String oursText() {
        return format(ours, 12);
    }

    /**
     * {@code v} rounded to {@code digits} significant digits without trailing zeros, plain for magnitudes in
     * [1e-3, 1e12); outside that range in {@code 1.5e-12} style with at most {@link #SCIENTIFIC_DIGITS}
     * significant digits (such values are drifts and bounds, not matched digits); {@code -} for NaN,
     * {@code inf}/{@code -inf} for infinities.
     */
    public static String format(double v, int digits) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e12) {
            return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(Math.min(digits, SCIENTIFIC_DIGITS)))
            .stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
        return mantissa.toPlainString() + "e" + String.format(Locale.ROOT, "%d", exponent);
    }
}
