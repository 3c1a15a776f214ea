package org.lshsmile.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lshsmile.core.io.Checkpoint;
import org.lshsmile.simd.StencilKernels;

/**
 * {@code simulate --resume DIR}: the run of an earlier {@code simulate --checkpoint-every K}, rebuilt from
 * its newest valid checkpoint ({@link Checkpoint#latestValid} skips corrupt ones), continuing its
 * diagnostics.csv. Every problem is a one-line usage error (exit code 2).
 */
final class Resume {

    private Resume() {
    }

    /**
     * The run that continues the one in {@code dir}.
     *
     * @param steps    a new total step count ({@code --steps}), or null to keep the run's
     * @param progress whether a progress bar may be drawn
     * @param err      where warnings go
     */
    static RunSpec plan(Path dir, Integer steps, boolean progress, PrintWriter err) {
        if (!Files.isDirectory(dir)) {
            throw CliException.usage("--resume " + dir + (Files.exists(dir) ? " is not a directory"
                : ": no such directory"), "give the --out directory of an earlier 'lshsmile simulate' run");
        }
        Checkpoints ckpts = new Checkpoints(dir);
        boolean hasReport = madeByLshsmile(dir.resolve("run.json"));
        if (!hasReport && !Files.isDirectory(ckpts.dir())) {
            throw CliException.usage("--resume " + dir + " was not made by lshsmile (it has no run.json and no "
                + Checkpoints.DIR + "/)", "give the --out directory of a 'lshsmile simulate --checkpoint-every K'"
                + " run");
        }
        requireWritable(dir);
        requireWritable(ckpts.dir());
        Path file = latest(ckpts);
        Checkpoint c;
        try {
            c = Checkpoint.read(file);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read checkpoint " + file + ": "
                + CliException.oneLine(e.getMessage()), null, e);
        }
        warnSkipped(ckpts, c.step(), err);
        CheckpointMeta.Settings set;
        try {
            set = CheckpointMeta.read(c.meta(), c.fields());
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "checkpoint " + file + " has settings this lshsmile cannot"
                + " read (" + CliException.oneLine(e.getMessage()) + ")", "resume it with the lshsmile version that"
                + " wrote it, or start the run again", e);
        }
        if (!set.version().equals(VersionProvider.version())) {
            err.println("[WARN] checkpoint written by lshsmile " + set.version() + ", resuming with "
                + VersionProvider.version() + ": the result may differ from an uninterrupted run");
        }
        int total = steps != null ? steps : set.stepsTotal();
        if (total < c.step()) {
            throw CliException.usage("--steps " + total + " is below step " + c.step() + " of the newest checkpoint",
                "give --steps " + c.step() + " or more (the total from the start of the run)");
        }
        int nz = slices(c, file);
        Checks.memory(c.fields(), nz, c.ny() / nz, c.nx());
        StencilKernels kernels = KernelChoice.resolve(set.kernels());
        List<String> rows = csvRows(dir.resolve("diagnostics.csv"), DiagnosticsCsv.header(set.model()), c.step(),
            set.every());
        boolean npy = set.formats().contains("npy");
        boolean png = set.formats().contains("png");
        boolean vti = set.formats().contains("vti");
        String name = dir.relativize(file).toString().replace('\\', '/');
        return new RunSpec("simulate", set.model(), set.switches(), set.preset(),
            new RunSpec.InitialState(c.data(), c.fields(), nz, c.ny() / nz, c.nx(), set.initialState()), set.dx(),
            set.dt(), set.unsafeDt(), set.bc(), total, set.every(), kernels, set.kernels(), set.threads(), set.seed(),
            dir, RunSpec.Naming.snapshots(npy, png, vti).withSlice(nz > 1 ? pngSlice(c, file) : -1),
            set.checkpointEvery(), new RunSpec.Start(c.step(), name, rows),
            progress, set.engine(), set.tau(), null, null, false);
    }

    /** Slices of a checkpointed state: its {@code nz} meta entry (3-D runs store (m, nz * ny, nx)), else 1. */
    private static int slices(Checkpoint c, Path file) {
        String v = c.meta().get("nz");
        if (v == null) {
            return 1;
        }
        try {
            int nz = Integer.parseInt(v);
            if (nz >= 2 && c.ny() % nz == 0 && c.ny() / nz >= 2) {
                return nz;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw CliException.usage(file + ": nz = '" + v + "' does not fit its " + c.ny() + " rows",
            "resume from another checkpoint, or start the run again");
    }

    /** The PNG slice a 3-D run chose (its middle slice when the entry is missing or out of range). */
    private static int pngSlice(Checkpoint c, Path file) {
        int nz = slices(c, file);
        try {
            int z = Integer.parseInt(c.meta().getOrDefault("png_slice", "-1"));
            return z >= 0 && z < nz ? z : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Refuses before anything is written: a resumed run replaces files in the directory and its checkpoints/. */
    private static void requireWritable(Path dir) {
        if (Files.isDirectory(dir) && !Files.isWritable(dir)) {
            throw CliException.usage("cannot resume in " + dir + ": it is not writable (permissions or a read-only"
                + " file system)", "make it writable, or copy the run directory to a writable place and resume there");
        }
    }

    private static boolean madeByLshsmile(Path report) {
        try {
            return Files.readString(report, StandardCharsets.UTF_8).contains("\"lshsmile_version\"");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Path latest(Checkpoints ckpts) {
        Optional<Path> found;
        try {
            found = Checkpoint.latestValid(ckpts.dir(), Checkpoints.PREFIX);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot list " + ckpts.dir() + " (" + OutputDir.reason(e)
                + ")", "check its permissions", e);
        }
        if (found.isPresent()) {
            return found.get();
        }
        if (ckpts.list().isEmpty()) {
            throw CliException.usage("no checkpoint in " + ckpts.dir(), "the run was started without"
                + " --checkpoint-every K or stopped before its first one: start it again with --checkpoint-every K");
        }
        throw CliException.usage("no valid checkpoint in " + ckpts.dir() + " (every one is truncated or corrupt)",
            "start the run again");
    }

    private static void warnSkipped(Checkpoints ckpts, long step, PrintWriter err) {
        List<String> skipped = new ArrayList<>();
        for (Checkpoints.File f : ckpts.list()) {
            if (f.step() > step) {
                skipped.add(f.path().getFileName().toString());
            }
        }
        if (!skipped.isEmpty()) {
            err.println("[WARN] skipped unreadable or corrupt checkpoint" + (skipped.size() == 1 ? " " : "s ")
                + String.join(", ", skipped) + "; resuming from step " + step);
        }
    }

    /**
     * The rows of an earlier diagnostics.csv that an uninterrupted run would also have up to {@code step}:
     * step 0 and multiples of {@code every}; rows after the checkpoint, and the end row of a shorter earlier
     * run, are dropped. Null when there is no file.
     */
    private static List<String> csvRows(Path file, String header, long step, int every) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read " + file + " (" + OutputDir.reason(e) + ")",
                "move it away to resume without the earlier diagnostics rows", e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw CliException.usage(file + " does not have this run's columns (" + header + ")",
                "move it away to resume without the earlier diagnostics rows");
        }
        List<String> kept = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i);
            int comma = l.indexOf(',');
            long s = -1;
            try {
                s = comma > 0 ? Long.parseLong(l.substring(0, comma)) : -1;
            } catch (NumberFormatException e) {
                // reported below
            }
            if (s < 0) {
                throw CliException.usage(file + " line " + (i + 1) + " is not a diagnostics row",
                    "move the file away to resume without the earlier diagnostics rows");
            }
            if (s <= step && (s == 0 || s % every == 0)) {
                kept.add(l);
            }
        }
        return kept;
    }
}
