package org.lshsmile.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A loss curve as a PNG image: log10(loss) against epoch, a light line per decade, no text (the numbers
 * are in loss.csv; drawing text would need fonts a headless server may lack). Non-finite and
 * non-positive losses are left out.
 */
final class LossPlot {

    static final int WIDTH = 640;
    static final int HEIGHT = 400;
    private static final int MARGIN = 30;

    static {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
    }

    private LossPlot() {
    }

    /** The curve of {@code losses[i]} at epoch i + 1. */
    static BufferedImage render(double[] losses) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : losses) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, Math.log10(v));
                    hi = Math.max(hi, Math.log10(v));
                }
            }
            g.setColor(Color.BLACK);
            g.drawRect(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN);
            if (lo > hi) {
                return img;
            }
            double top = Math.ceil(hi);
            double bottom = Math.floor(lo);
            if (top == bottom) {
                top += 1;
            }
            g.setColor(new Color(0xdddddd));
            for (double d = bottom + 1; d < top; d++) {
                int y = y(d, bottom, top);
                g.drawLine(MARGIN + 1, y, WIDTH - MARGIN - 1, y);
            }
            g.setColor(new Color(0x1f77b4));
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < losses.length; i++) {
                double v = losses[i];
                if (!(v > 0) || !Double.isFinite(v)) {
                    px = -1;
                    continue;
                }
                int x = MARGIN + (losses.length == 1 ? (WIDTH - 2 * MARGIN) / 2
                    : (int) Math.round((double) i / (losses.length - 1) * (WIDTH - 2 * MARGIN)));
                int y = y(Math.log10(v), bottom, top);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                } else {
                    g.fillOval(x - 2, y - 2, 4, 4);
                }
                px = x;
                py = y;
            }
            return img;
        } finally {
            g.dispose();
        }
    }

    private static int y(double log, double bottom, double top) {
        return HEIGHT - MARGIN - (int) Math.round((log - bottom) / (top - bottom) * (HEIGHT - 2 * MARGIN));
    }
}
