package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written JSON and the PNG colouring. */
class OutputFormatsTest {

    @Test
    void jsonEscapesStringsAndWritesNonFiniteAsNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\nd\u0001");
        m.put("nan", Double.NaN);
        m.put("x", 0.1);
        m.put("shape", new int[] {2, 3});
        m.put("list", List.of(1, "two"));
        m.put("empty", Map.of());
        assertEquals("{\n  \"s\": \"a\\\"b\\\\c\\nd\\u0001\",\n  \"nan\": null,\n  \"x\": 0.1,\n  \"shape\": [2, 3],\n"
            + "  \"list\": [1, \"two\"],\n  \"empty\": {}\n}\n", Json.write(m));
    }

    @Test
    void jsonWritesAListOfMapsOneMapPerLine() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("file", "f0.npy");
        a.put("step", 0L);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("file", "f1.npy");
        b.put("shape", new int[] {1, 2});
        b.put("tags", List.of("x", Map.of("y", true)));
        assertEquals("{\n  \"frames\": [\n    {\"file\": \"f0.npy\", \"step\": 0},\n"
            + "    {\"file\": \"f1.npy\", \"shape\": [1, 2], \"tags\": [\"x\", {\"y\": true}]}\n  ]\n}\n",
            Json.write(Map.of("frames", List.of(a, b))));
    }

    @Test
    void paletteHasAtLeastTwelveDistinctColours() {
        assertTrue(Png.PALETTE.length >= 12);
        assertEquals(Png.PALETTE.length, Arrays.stream(Png.PALETTE).distinct().count());
    }

    @Test
    void grainsTakeTheirOrderParametersColourAndBoundariesAreDark() {
        // 1 x 3 cells, 2 fields: grain 1, a boundary (0.5, 0.5), grain 2
        double[] v = {1, 0.5, 0, 0, 0.5, 1};
        BufferedImage img = Png.render(v, 2, 1, 3);
        assertEquals(Png.PALETTE[0], img.getRGB(0, 0) & 0xffffff);
        assertEquals(Png.PALETTE[1], img.getRGB(2, 0) & 0xffffff);
        int mid = img.getRGB(1, 0);
        int sum = (mid >> 16 & 0xff) + (mid >> 8 & 0xff) + (mid & 0xff);
        int bright = (Png.PALETTE[0] >> 16 & 0xff) + (Png.PALETTE[0] >> 8 & 0xff) + (Png.PALETTE[0] & 0xff);
        assertTrue(sum < bright / 2, "boundary not dark: " + Integer.toHexString(mid));
    }

    @Test
    void oneFieldUsesTheColourMapOverItsRange() {
        BufferedImage img = Png.render(new double[] {-2, 0, 2}, 1, 1, 3);
        assertEquals(Png.viridis(0), img.getRGB(0, 0) & 0xffffff);
        assertEquals(Png.viridis(0.5), img.getRGB(1, 0) & 0xffffff);
        assertEquals(Png.viridis(1), img.getRGB(2, 0) & 0xffffff);
        assertEquals(0x440154, Png.viridis(0));
        assertEquals(0xfde725, Png.viridis(1));
    }

    @Test
    void eachFieldIsScaledToItsOwnRangeAndAFlatFieldIsMidScale() {
        // 2 fields of 1 x 3 cells: field 0 spans [10, 30], field 1 is flat
        double[] v = {10, 20, 30, 7, 7, 7};
        BufferedImage a = Png.renderField(v, 0, 1, 3);
        assertEquals(Png.viridis(0), a.getRGB(0, 0) & 0xffffff);
        assertEquals(Png.viridis(0.5), a.getRGB(1, 0) & 0xffffff);
        assertEquals(Png.viridis(1), a.getRGB(2, 0) & 0xffffff);
        BufferedImage b = Png.renderField(v, 1, 1, 3);
        for (int x = 0; x < 3; x++) {
            assertEquals(Png.viridis(0.5), b.getRGB(x, 0) & 0xffffff);
        }
        int mid = Png.viridis(0.0625);
        int lo = Png.viridis(0);
        int hi = Png.viridis(0.125);
        assertEquals((lo >> 8 & 0xff) + (hi >> 8 & 0xff), 2 * (mid >> 8 & 0xff), 1, "linear between control points");
    }
}
