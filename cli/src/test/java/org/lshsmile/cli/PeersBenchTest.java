package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --peers} on a tiny case: every peer runs, float64 peers agree with us, the report has the rows. */
class PeersBenchTest {

    @TempDir
    Path tmp;

    @Test
    void everyAvailablePeerRunsAndFloat64AgreesWithOurEngine() throws IOException {
        PeerRunner.Detection d = PeerRunner.fromEnvironment().detect();
        assumeTrue(d.available(PeerRunner.Peer.NUMPY), () -> "peers unavailable: " + d.summary());
        PeersBench.Section s = PeersBench.run(new int[][] {{32, 3, 20}}, 1, tmp);
        int expected = 2 + 1 + (d.available(PeerRunner.Peer.TORCH) ? 4 : 0);
        assertEquals(expected, s.rows().size(), s.rows().toString());
        for (PeersBench.Row r : s.rows()) {
            assertNull(r.error(), r.toString());
            assertTrue(r.medianMs() > 0, r.toString());
            double bound = r.dtype().equals("float64") ? 1e-12 : 1e-5;
            assertTrue(r.maxAbsDiff() <= bound, r.who() + " " + r.dtype() + ": " + r.maxAbsDiff());
        }
        String report = BenchCommand.peersReport(s);
        assertTrue(report.contains("| 32^2 Q=3 | numpy | float64 | 1 | 20 |"), report);
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "the peers' scratch files are removed");
        }
    }

    @Test
    void withoutPythonTheSectionSaysHowToInstall() {
        PeersBench.Section s = new PeersBench.Section("python: cannot start /nonexistent", PeerRunner.INSTALL,
            java.util.List.of());
        String report = BenchCommand.peersReport(s);
        assertTrue(report.contains("No peer could run") && report.contains("apt-get install -y python3-torch"), report);
    }
}
