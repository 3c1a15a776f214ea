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
 * The bench report's chart: ms per step of each kernel set, grouped by model, at the largest size measured
 * on 2 threads, log scale, with the roofline as a black tick. Labels need a font; where the JVM has none
 * the bars are drawn without them (report.md has the numbers).
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
