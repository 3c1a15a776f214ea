package org.lshsmile.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.lshsmile.bench.BenchSuite;

/**
 * The bench report's charts: {@link #dense} (ms per step of each kernel set, grouped by model, at the largest size
 * measured on 2 threads, log scale, with the roofline as a black tick), {@link #engines} (each engine's total
 * over exact's per case, log scale, min-max whiskers) and {@link #table1} (the Table 1 rows' hours, ours beside
 * the paper's, log scale). Labels need a font; where the JVM has none the bars are drawn without them (report.md
 * has the numbers).
 */
final class BenchChart {

    static {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
    }

    static final int WIDTH = 900;
    static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int BOTTOM = 70;
    private static final int TOP = 40;
    private static final Color[] COLOURS = {new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0xff7f0e)};

    private BenchChart() {
    }

    static BufferedImage dense(List<BenchSuite.Dense> rows) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int size = rows.stream().mapToInt(BenchSuite.Dense::size).max().orElse(0);
            List<BenchSuite.Dense> sel = new ArrayList<>();
            Set<String> models = new LinkedHashSet<>();
            Set<String> kernels = new LinkedHashSet<>();
            for (BenchSuite.Dense d : rows) {
                if (d.size() == size && d.threads() == 2) {
                    sel.add(d);
                    models.add(d.model());
                    kernels.add(d.kernels());
                }
            }
            if (sel.isEmpty()) {
                return img;
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (BenchSuite.Dense d : sel) {
                lo = Math.min(lo, Math.min(d.msPerStep().median(), d.rooflineMs()));
                hi = Math.max(hi, d.msPerStep().median());
            }
            double bottom = Math.floor(Math.log10(lo));
            double top = Math.ceil(Math.log10(hi));
            if (top <= bottom) {
                top = bottom + 1;
            }
            int plotH = HEIGHT - TOP - BOTTOM;
            int plotW = WIDTH - LEFT - 20;
            g.setColor(new Color(0xdddddd));
            for (double dd = bottom; dd <= top; dd++) {
                int y = TOP + plotH - (int) Math.round((dd - bottom) / (top - bottom) * plotH);
                g.drawLine(LEFT, y, LEFT + plotW, y);
                label(g, new java.math.BigDecimal(Math.pow(10, dd)).round(new java.math.MathContext(1))
                    .stripTrailingZeros().toPlainString() + " ms", 4, y + 4, Color.DARK_GRAY);
            }
            int groupW = plotW / models.size();
            int barW = Math.max(4, (groupW - 20) / kernels.size());
            int gi = 0;
            for (String model : models) {
                int x0 = LEFT + gi * groupW + 10;
                int ki = 0;
                double roof = Double.NaN;
                for (String k : kernels) {
                    for (BenchSuite.Dense d : sel) {
                        if (d.model().equals(model) && d.kernels().equals(k)) {
                            int h = (int) Math.round((Math.log10(d.msPerStep().median()) - bottom) / (top - bottom) * plotH);
                            g.setColor(COLOURS[ki % COLOURS.length]);
                            g.fillRect(x0 + ki * barW, TOP + plotH - h, barW - 2, h);
                            roof = d.rooflineMs();
                        }
                    }
                    ki++;
                }
                if (!Double.isNaN(roof)) {
                    int y = TOP + plotH - (int) Math.round((Math.log10(roof) - bottom) / (top - bottom) * plotH);
                    g.setColor(Color.BLACK);
                    g.fillRect(x0 - 4, y - 1, ki * barW + 6, 3);
                }
                label(g, model, x0, TOP + plotH + 18, Color.BLACK);
                gi++;
            }
            int ki = 0;
            for (String k : kernels) {
                g.setColor(COLOURS[ki % COLOURS.length]);
                g.fillRect(LEFT + ki * 120, HEIGHT - 30, 12, 12);
                label(g, k, LEFT + ki * 120 + 16, HEIGHT - 19, Color.BLACK);
                ki++;
            }
            label(g, "ms per step, " + size + "^2, 2 threads (black: roofline)", LEFT + ki * 120 + 16, HEIGHT - 19,
                Color.BLACK);
            return img;
        } finally {
            g.dispose();
        }
    }

    /** Grey, blue, orange, then green, red, purple, brown, pink: one per series. */
    private static final Color[] SERIES = {new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0xff7f0e),
        new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};

    /**
     * Bars per group and series on a log axis. {@code v[g][s]} is a bar (NaN: none), {@code lo} and {@code hi} its
     * whisker (NaN: none), {@code hollow[g][s]} draws it as an outline (a projection, not a measurement);
     * {@code ref} draws a dashed line at that value (NaN: none).
     */
    static BufferedImage logBars(String title, List<String> groups, List<String> series, double[][] v, double[][] lo,
                                 double[][] hi, boolean[][] hollow, double ref) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (int gi = 0; gi < groups.size(); gi++) {
                for (int si = 0; si < series.size(); si++) {
                    for (double x : new double[] {v[gi][si], lo[gi][si], hi[gi][si]}) {
                        if (x > 0 && Double.isFinite(x)) {
                            min = Math.min(min, x);
                            max = Math.max(max, x);
                        }
                    }
                }
            }
            if (ref > 0) {
                min = Math.min(min, ref);
                max = Math.max(max, ref);
            }
            if (!(max > 0)) {
                return img;
            }
            double bottom = Math.floor(Math.log10(min));
            double top = Math.ceil(Math.log10(max));
            if (top <= bottom) {
                top = bottom + 1;
            }
            int plotH = HEIGHT - TOP - BOTTOM;
            int plotW = WIDTH - LEFT - 20;
            final double b = bottom;
            final double t = top;
            java.util.function.DoubleToIntFunction y = x -> TOP + plotH
                - (int) Math.round((Math.log10(x) - b) / (t - b) * plotH);
            g.setColor(new Color(0xdddddd));
            for (double dd = bottom; dd <= top; dd++) {
                int yy = y.applyAsInt(Math.pow(10, dd));
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT, yy, LEFT + plotW, yy);
                label(g, new java.math.BigDecimal(Math.pow(10, dd)).round(new java.math.MathContext(1))
                    .stripTrailingZeros().toPlainString(), 4, yy + 4, Color.DARK_GRAY);
            }
            int groupW = plotW / Math.max(1, groups.size());
            int barW = Math.max(3, (groupW - 16) / Math.max(1, series.size()));
            for (int gi = 0; gi < groups.size(); gi++) {
                int x0 = LEFT + gi * groupW + 8;
                for (int si = 0; si < series.size(); si++) {
                    int x = x0 + si * barW;
                    Color c = SERIES[si % SERIES.length];
                    if (v[gi][si] > 0 && Double.isFinite(v[gi][si])) {
                        int yy = y.applyAsInt(v[gi][si]);
                        g.setColor(c);
                        if (hollow[gi][si]) {
                            // a projection: a pale fill and the series' outline, so it reads as not measured
                            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 50));
                            g.fillRect(x, yy, barW - 2, TOP + plotH - yy);
                            g.setColor(c);
                            g.drawRect(x, yy, barW - 3, TOP + plotH - yy);
                        } else {
                            g.fillRect(x, yy, barW - 2, TOP + plotH - yy);
                        }
                    }
                    if (lo[gi][si] > 0 && hi[gi][si] > 0 && hi[gi][si] > lo[gi][si]) {
                        int cx = x + (barW - 2) / 2;
                        g.setColor(Color.BLACK);
                        g.drawLine(cx, y.applyAsInt(lo[gi][si]), cx, y.applyAsInt(hi[gi][si]));
                        g.drawLine(cx - 2, y.applyAsInt(lo[gi][si]), cx + 2, y.applyAsInt(lo[gi][si]));
                        g.drawLine(cx - 2, y.applyAsInt(hi[gi][si]), cx + 2, y.applyAsInt(hi[gi][si]));
                    }
                }
                label(g, groups.get(gi), x0, TOP + plotH + 16, Color.BLACK);
            }
            if (ref > 0) {
                int yy = y.applyAsInt(ref);
                g.setColor(Color.BLACK);
                for (int x = LEFT; x < LEFT + plotW; x += 10) {
                    g.drawLine(x, yy, x + 5, yy);
                }
            }
            int lx = LEFT;
            int ly = HEIGHT - 42;
            for (int si = 0; si < series.size(); si++) {
                if (lx + 150 > WIDTH) {
                    lx = LEFT;
                    ly += 16;
                }
                g.setColor(SERIES[si % SERIES.length]);
                g.fillRect(lx, ly - 10, 12, 12);
                label(g, series.get(si), lx + 16, ly, Color.BLACK);
                lx += 150;
            }
            label(g, title, LEFT, 20, Color.BLACK);
            return img;
        } finally {
            g.dispose();
        }
    }

    /**
     * Engines: per case, each engine's total time over exact's in the same round (median bar, min-max whisker),
     * log scale, a dashed line at 1 (exact). A run stopped at the limit is a hollow bar at its projected total
     * over exact's median.
     */
    static BufferedImage engines(List<BenchSuite.EngineRun> runs) {
        List<String> cases = new ArrayList<>(runs.stream().map(BenchSuite.EngineRun::caseLabel)
            .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
        List<String> engines = new ArrayList<>(runs.stream().map(BenchSuite.EngineRun::engine)
            .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
        double[][] v = new double[cases.size()][engines.size()];
        double[][] lo = new double[cases.size()][engines.size()];
        double[][] hi = new double[cases.size()][engines.size()];
        boolean[][] hollow = new boolean[cases.size()][engines.size()];
        for (double[][] a : new double[][][] {v, lo, hi}) {
            for (double[] row : a) {
                java.util.Arrays.fill(row, Double.NaN);
            }
        }
        for (BenchSuite.EngineRun r : runs) {
            int ci = cases.indexOf(r.caseLabel());
            int ei = engines.indexOf(r.engine());
            if (r.stoppedAfter() >= 0) {
                double exact = runs.stream().filter(x -> x.caseLabel().equals(r.caseLabel())
                    && x.engine().equals("exact")).mapToDouble(x -> x.totalSeconds().median()).findFirst()
                    .orElse(Double.NaN);
                v[ci][ei] = r.projectedSeconds() / exact;
                hollow[ci][ei] = true;
            } else {
                v[ci][ei] = r.ratio().median();
                lo[ci][ei] = r.ratio().min();
                hi[ci][ei] = r.ratio().max();
            }
        }
        return logBars("Whole grain-growth runs: total time / exact's (log; whiskers min-max over runs;"
            + " hollow: stopped at the limit, projected)", cases, engines, v, lo, hi, hollow, 1.0);
    }

    /** The paper's Table 1 hours: LSH-SMILE, then baseline, per row (NaN where the paper gives none). */
    static final java.util.Map<String, double[]> PAPER_HOURS = java.util.Map.of(
        "gg-sim", new double[] {3.86, 16.84}, "nn-sim", new double[] {2.13, 53.13},
        "gg-learn-30", new double[] {4.5, Double.NaN}, "gg-learn-10", new double[] {Double.NaN, 17.29});

    /**
     * Table 1: per row, hours for the whole row of each of our engines (measured or projected from the fraction
     * that ran) beside the paper's LSH-SMILE and baseline hours, log scale.
     */
    static BufferedImage table1(List<BenchSuite.PaperRow> rows) {
        List<String> groups = new ArrayList<>(rows.stream().map(BenchSuite.PaperRow::row)
            .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
        List<String> series = new ArrayList<>(rows.stream().map(BenchSuite.PaperRow::engine)
            .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
        series.add("paper: LSH-SMILE");
        series.add("paper: baseline");
        int n = series.size();
        double[][] v = new double[groups.size()][n];
        double[][] none = new double[groups.size()][n];
        boolean[][] hollow = new boolean[groups.size()][n];
        for (int gi = 0; gi < groups.size(); gi++) {
            java.util.Arrays.fill(v[gi], Double.NaN);
            java.util.Arrays.fill(none[gi], Double.NaN);
            double[] paper = PAPER_HOURS.getOrDefault(groups.get(gi), new double[] {Double.NaN, Double.NaN});
            v[gi][n - 2] = paper[0];
            v[gi][n - 1] = paper[1];
        }
        for (BenchSuite.PaperRow p : rows) {
            int gi = groups.indexOf(p.row());
            int si = series.indexOf(p.engine());
            v[gi][si] = p.error() == null ? p.projectedS() / 3600 : Double.NaN;
            hollow[gi][si] = p.fraction() < 1; // projected from a fraction
        }
        return logBars("The paper's Table 1: hours for the whole row (log; hollow: projected from a fraction;"
            + " the paper's from another machine)", groups, series, v, none, none, hollow, Double.NaN);
    }

    /** Draws text where a font exists; a headless JVM without fonts draws no labels. */
    private static void label(Graphics2D g, String text, int x, int y, Color c) {
        try {
            g.setColor(c);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(text, x, y);
        } catch (RuntimeException | Error e) {
            // no fonts: bars only
        }
    }
}
