package org.lshsmile.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.lshsmile.core.model.Model;

/**
 * diagnostics.csv: {@code step,time,free_energy,total_<field>...}, one row per recorded step, and with
 * {@code --compare-exact} two more columns, {@code max_abs_error,mean_abs_error} (the run against an exact
 * twin). Values use {@code %.17g} so they read back to the same doubles.
 *
 * <p>The rows are kept in memory and the whole file is rewritten atomically ({@link OutputDir#write}: temp
 * file, fsync, rename), never appended to: at most once a second, before every checkpoint and at the end
 * ({@link Runner}). So the file on disk is always complete and parseable, and after a kill it holds every
 * row up to at least the newest checkpoint.
 */
final class DiagnosticsCsv {

    /** The columns {@link #withErrors} adds. */
    static final String ERROR_COLUMNS = ",max_abs_error,mean_abs_error";

    private final StringBuilder text = new StringBuilder();
    private long rows;

    DiagnosticsCsv(Model model) {
        this(header(model));
    }

    private DiagnosticsCsv(String header) {
        text.append(header).append('\n');
    }

    /** A new file whose rows also carry the error against the exact engine. */
    static DiagnosticsCsv withErrors(Model model) {
        return new DiagnosticsCsv(header(model) + ERROR_COLUMNS);
    }

    /** A file that continues {@code rows} (data lines without the header, kept verbatim). */
    DiagnosticsCsv(Model model, List<String> rows) {
        this(model);
        for (String r : rows) {
            text.append(r).append('\n');
        }
        this.rows = rows.size();
    }

    /** The header line (without newline). */
    static String header(Model model) {
        StringBuilder sb = new StringBuilder("step,time,free_energy");
        for (int f = 0; f < model.fields(); f++) {
            sb.append(",total_").append(model.fieldName(f));
        }
        return sb.toString();
    }

    /**
     * Adds a row.
     *
     * @param totals the sum over cells of each field
     */
    void add(long step, double time, double freeEnergy, double[] totals) {
        values(step, time, freeEnergy, totals);
        text.append('\n');
        rows++;
    }

    /**
     * Adds a row of a file made by {@link #withErrors}.
     *
     * @param totals   the sum over cells of each field
     * @param maxError max |run - exact| over all cells and fields
     * @param meanError mean |run - exact| over all cells and fields
     */
    void add(long step, double time, double freeEnergy, double[] totals, double maxError, double meanError) {
        values(step, time, freeEnergy, totals);
        text.append(',').append(num(maxError)).append(',').append(num(meanError)).append('\n');
        rows++;
    }

    private void values(long step, double time, double freeEnergy, double[] totals) {
        text.append(step).append(',').append(num(time)).append(',').append(num(freeEnergy));
        for (double t : totals) {
            text.append(',').append(num(t));
        }
    }

    /** Rows added. */
    long rows() {
        return rows;
    }

    /** The file content. */
    byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }
}
