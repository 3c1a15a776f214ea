package org.lshsmile.cli;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;

/**
 * Renders a state (m, ny, nx) as an RGB image, one pixel per cell, row 0 at the top.
 *
 * <p>Several fields (grain growth): the dominant field picks the colour from a fixed palette (cycling
 * when there are more fields than colours) and the brightness is {@code (sum_q eta_q^2)^2} clamped to
 * [0, 1], which is 1 inside a grain and drops on boundaries, so they show dark. One field (and
 * {@link #renderField}, one field of several): a viridis-like colour map, a table of control points with
 * linear interpolation between them, of the value scaled to that field's [min, max] (mid-scale when
 * max = min). Non-finite values are magenta. Bucket maps ({@link #renderBuckets}): each bucket id hashed
 * to a colour, so a bucket shows as one colour and neighbouring buckets almost always differ.
 */
final class Png {

    static {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        // Streams are written in memory; the default disk cache would put temp files in java.io.tmpdir.
        ImageIO.setUseCache(false);
    }

    /** 16 distinct colours (Tableau 10 and lighter companions). */
    static final int[] PALETTE = {
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
        0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94};

    private static final int BAD = 0xff00ff;

    /** Viridis sampled at 0, 1/8, ..., 1. */
    private static final int[] VIRIDIS = {
        0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xfde725};

    private Png() {
    }

    /** The image of {@code state} in (field, y, x) C order. */
    static BufferedImage render(double[] state, int fields, int ny, int nx) {
        BufferedImage img = new BufferedImage(nx, ny, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        if (fields == 1) {
            scalar(state, 0, px);
        } else {
            grains(state, fields, ny * nx, px);
        }
        return img;
    }

    /** The image of field {@code field} alone of {@code state} in (field, y, x) C order, in the colour map. */
    static BufferedImage renderField(double[] state, int field, int ny, int nx) {
        BufferedImage img = new BufferedImage(nx, ny, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        scalar(state, field * px.length, px);
        return img;
    }

    /**
     * The image of LSH buckets: {@code ids} holds each cell's bucket id in row-major (y, x) order; equal
     * ids get equal colours.
     */
    static BufferedImage renderBuckets(int[] ids, int ny, int nx) {
        BufferedImage img = new BufferedImage(nx, ny, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            px[i] = bucketColour(ids[i]);
        }
        return img;
    }

    /** A colour for a bucket id: the id's bits mixed (murmur3's finaliser), each channel kept in [64, 255]. */
    static int bucketColour(int id) {
        int h = id;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        // 64 + 3/4 of a byte: no near-black colours, so small buckets on dark screens stay visible
        int r = 64 + ((h >>> 16 & 0xff) * 3 >> 2);
        int g = 64 + ((h >>> 8 & 0xff) * 3 >> 2);
        int b = 64 + ((h & 0xff) * 3 >> 2);
        return r << 16 | g << 8 | b;
    }

    /** Writes {@code img} as PNG. */
    static void write(BufferedImage img, OutputStream out) throws IOException {
        if (!ImageIO.write(img, "png", out)) {
            throw new IOException("this JVM has no PNG image writer");
        }
    }

    private static void grains(double[] v, int fields, int plane, int[] px) {
        for (int i = 0; i < plane; i++) {
            double best = Double.NEGATIVE_INFINITY;
            int arg = 0;
            double sumSq = 0;
            boolean finite = true;
            for (int f = 0; f < fields; f++) {
                double e = v[f * plane + i];
                finite &= Double.isFinite(e);
                sumSq += e * e;
                if (e > best) {
                    best = e;
                    arg = f;
                }
            }
            if (!finite) {
                px[i] = BAD;
                continue;
            }
            double b = Math.min(1.0, sumSq);
            px[i] = scale(PALETTE[arg % PALETTE.length], b * b);
        }
    }

    /** Colours the plane of {@code px.length} values starting at {@code from}. */
    private static void scalar(double[] v, int from, int[] px) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < px.length; i++) {
            double x = v[from + i];
            if (Double.isFinite(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        double span = hi - lo;
        for (int i = 0; i < px.length; i++) {
            double x = v[from + i];
            if (!Double.isFinite(x)) {
                px[i] = BAD;
            } else {
                px[i] = viridis(span > 0 ? (x - lo) / span : 0.5);
            }
        }
    }

    /** The colour map at t in [0, 1], linear between the samples. */
    static int viridis(double t) {
        double u = Math.max(0.0, Math.min(1.0, t)) * (VIRIDIS.length - 1);
        int k = Math.min((int) u, VIRIDIS.length - 2);
        double w = u - k;
        int a = VIRIDIS[k];
        int b = VIRIDIS[k + 1];
        return mix(a >> 16 & 0xff, b >> 16 & 0xff, w) << 16 | mix(a >> 8 & 0xff, b >> 8 & 0xff, w) << 8
            | mix(a & 0xff, b & 0xff, w);
    }

    private static int mix(int a, int b, double w) {
        return (int) Math.round(a + (b - a) * w);
    }

    private static int scale(int rgb, double f) {
        int r = (int) Math.round((rgb >> 16 & 0xff) * f);
        int g = (int) Math.round((rgb >> 8 & 0xff) * f);
        int b = (int) Math.round((rgb & 0xff) * f);
        return r << 16 | g << 8 | b;
    }
}
