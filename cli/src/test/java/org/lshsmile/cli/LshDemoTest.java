package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LshDemoTest {

    private static String printed(double maxError, Path dir) {
        StringWriter s = new StringWriter();
        LshDemo.print(new PrintWriter(s), new LshDemo.Result(200, 128, 128, 5000, 16384, maxError, 1e-6, 0.2, 3.0,
            0.05), OutputDir.create(dir));
        return s.toString();
    }

    @Test
    void anErrorAboveRIsSaidToBeAboveR(@TempDir Path dir) {
        String above = printed(1.93e-3, dir);
        assertTrue(above.contains("max |error| vs exact 1.93e-03"), above);
        assertTrue(above.contains("max |error| > r"), above);
        String within = printed(4e-4, dir);
        assertTrue(within.contains("max |error| vs exact 4.00e-04"), within);
        assertFalse(within.contains("> r"), within);
    }
}
