package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.AtomicFiles;
import org.lshsmile.core.io.Checkpoint;

/**
 * Crash safety of long runs, with real processes: a child JVM runs {@code lshsmile simulate
 * --checkpoint-every K} and is killed with SIGKILL ({@link Process#destroyForcibly()}, exit code 137 on
 * Linux) at seeded random moments, then continued with {@code simulate --resume}, until the run completes;
 * its final.npy and diagnostics.csv must then be the bytes of an uninterrupted run (made in-process). No
 * temporary file may remain at the end.
 *
 * <p>Kill moments rotate over three kinds, each with a random delay: inside a checkpoint write (the harness
 * skips 0-3 checkpoint writes, then waits until a checkpoint's temporary file exists; should every such kill
 * miss on a loaded machine, up to 5 more are made); a random moment after
 * the child made progress (a checkpoint newer than the one it resumed from appeared: mostly stepping); and
 * shortly after the child started (JVM start, resume planning, the first writes). To widen that window the child runs with the test-only
 * property {@value AtomicFiles#PAUSE_PROPERTY}{@code =3} (every chunk written by the core writers is
 * followed by a 3 ms sleep, so the temporary file is partial for a while). Where each kill actually
 * landed is classified afterwards from the files it left (a checkpoint's temporary file: inside a
 * checkpoint write; another temporary file: inside another output's write; none: between writes) and
 * printed as one line per test.
 *
 * <p>Normal suite: 6 kills of a grain-growth run and 2 of a nanovoid run with noise and cascades (random
 * draws keyed by the step). Nightly: {@code -Dlshsmile.kill.rounds=50} sets the grain-growth kills (the run
 * grows with it), {@code -Dlshsmile.kill.seed=S} the seed of the kill moments.
 */
class KillResumeTest {

    private static final int ROUNDS = Integer.getInteger("lshsmile.kill.rounds", 6);
    private static final long SEED = Long.getLong("lshsmile.kill.seed", 20261124L);
    /** Exit code of a process killed by SIGKILL, as {@link Process#waitFor()} reports it on Linux. */
    private static final int SIGKILL_EXIT = 128 + 9;

    @TempDir
    Path tmp;

    /** How the harness picks the moment of a kill. */
    enum Aim { IN_CHECKPOINT_WRITE, AFTER_PROGRESS, EARLY }

    /** Where a kill landed, judged from the files it left. */
    enum Landed { CHECKPOINT_WRITE, OTHER_WRITE, BETWEEN_WRITES }

    @Test
    void grainGrowthKilledRepeatedlyEndsBitwiseAsAnUninterruptedRun() throws Exception {
        int steps = 400 + 200 * ROUNDS;
        String[] settings = {"--size", "64", "--grains", "12", "--order-params", "6", "--seed", "4", "--steps",
            Integer.toString(steps), "--every", "500", "--checkpoint-every", "20", "--threads", "1"};
        killAndResume("grain-growth", settings, ROUNDS, SEED);
    }

    @Test
    void nanovoidWithNoiseAndCascadesSurvivesKills() throws Exception {
        String[] settings = {"--size", "32", "--ic", "v2", "--cascades", "--noise", "--seed", "9", "--steps",
            "500", "--every", "100", "--checkpoint-every", "20", "--threads", "1"};
        killAndResume("nanovoid", settings, 2, SEED + 1);
    }

    private void killAndResume(String model, String[] settings, int rounds, long seed) throws Exception {
        long t0 = System.nanoTime();
        Path whole = tmp.resolve(model + "-whole");
        Cli.ok(Cli.simulate(model, whole, settings));
        long tRef = System.nanoTime();

        Path out = tmp.resolve(model + "-killed");
        Path ckpts = out.resolve(Checkpoints.DIR);
        Random rnd = new Random(seed);
        Map<Landed, Integer> landed = new EnumMap<>(Landed.class);
        Map<Aim, Integer> aimed = new EnumMap<>(Aim.class);
        int kills = 0;
        int launches = 0;
        List<String> log = new ArrayList<>();
        while (true) {
            Optional<Path> from = Checkpoint.latestValid(ckpts, Checkpoints.PREFIX);
            List<String> args = new ArrayList<>();
            if (from.isPresent()) {
                args.addAll(List.of("simulate", "--resume", out.toString()));
            } else {
                // killed before its first checkpoint: a user would start it again
                args.addAll(List.of(Cli.simulate(model, out, settings)));
                args.add("--force");
            }
            long fromStep = from.map(KillResumeTest::stepOf).orElse(-1L);
            Process p = launch(args, out.resolveSibling(model + "-child-" + launches + ".log"));
            launches++;
            // a targeted kill can miss its write on a loaded machine: then up to 5 more are aimed at one
            boolean missedWrite = kills >= rounds && landed.getOrDefault(Landed.CHECKPOINT_WRITE, 0) == 0
                && kills < rounds + 5;
            if (kills < rounds || missedWrite) {
                Aim aim = missedWrite ? Aim.IN_CHECKPOINT_WRITE : Aim.values()[kills % Aim.values().length];
                if (aimAndKill(p, aim, missedWrite ? 0 : rnd.nextInt(4), rnd, ckpts, fromStep)) {
                    assertEquals(SIGKILL_EXIT, p.waitFor(), "exit code of a SIGKILLed process");
                    Landed where = landed(out);
                    landed.merge(where, 1, Integer::sum);
                    aimed.merge(aim, 1, Integer::sum);
                    kills++;
                    log.add(aim + "->" + where + "@" + newestStep(ckpts));
                    continue;
                }
            }
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the last run did not end within 120 s");
            int code = p.exitValue();
            if (code != 0) {
                fail("child exited with " + code + " after " + kills + " kills:\n"
                    + Files.readString(out.resolveSibling(model + "-child-" + (launches - 1) + ".log")));
            }
            break;
        }
        long tEnd = System.nanoTime();
        System.out.printf(Locale.ROOT, "[kill-resume] %s: %d kills survived (aimed %s; landed %s), %d launches,"
                + " reference run %.1f s, killed and resumed runs %.1f s; %s%n", model, kills, aimed, landed,
            launches, (tRef - t0) * 1e-9, (tEnd - tRef) * 1e-9, String.join(" ", log));

        assertTrue(kills >= rounds, "the run finished before every planned kill; make it longer");
        assertTrue(landed.getOrDefault(Landed.CHECKPOINT_WRITE, 0) >= 1, () -> "no kill inside a checkpoint write: "
            + landed);
        assertArrayEquals(Files.readAllBytes(whole.resolve("final.npy")), Files.readAllBytes(out.resolve("final.npy")),
            "final state after " + kills + " kills");
        assertEquals(Files.readString(whole.resolve("diagnostics.csv")), Files.readString(out.resolve("diagnostics.csv")));
        assertEquals(List.of(), temporaryFiles(out), "temporary files left");
        assertEquals(List.of(), temporaryFiles(ckpts), "temporary files left");
        String json = Files.readString(out.resolve("run.json"));
        assertTrue(json.contains("\"status\": \"ok\""), json);
    }

    /**
     * Waits for the moment {@code aim} asks for (plus a random delay) and kills the child.
     *
     * @return false if the child ended on its own first
     */
    private static boolean aimAndKill(Process p, Aim aim, int skipWrites, Random rnd, Path ckpts, long fromStep)
        throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        switch (aim) {
            case EARLY -> sleepMillis(100 + rnd.nextInt(500));
            case AFTER_PROGRESS -> {
                while (p.isAlive() && newestStep(ckpts) <= fromStep && System.nanoTime() < deadline) {
                    sleepMillis(1);
                }
                sleepMillis(rnd.nextInt(200));
            }
            case IN_CHECKPOINT_WRITE -> {
                // skip some checkpoint writes, then kill inside the next one
                int skip = skipWrites;
                boolean inside = false;
                while (p.isAlive() && System.nanoTime() < deadline) {
                    boolean now = !temporaryFiles(ckpts).isEmpty();
                    if (now && !inside && skip-- == 0) {
                        break;
                    }
                    inside = now;
                    LockSupport.parkNanos(200_000); // the window is several ms wide (fsync, pauses)
                }
                sleepMillis(rnd.nextInt(2));
            }
            default -> throw new AssertionError(aim);
        }
        if (!p.isAlive()) {
            return false;
        }
        p.destroyForcibly();
        return true;
    }

    private static void sleepMillis(long ms) throws InterruptedException {
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    private static Landed landed(Path out) throws IOException {
        if (!temporaryFiles(out.resolve(Checkpoints.DIR)).isEmpty()) {
            return Landed.CHECKPOINT_WRITE;
        }
        return temporaryFiles(out).isEmpty() ? Landed.BETWEEN_WRITES : Landed.OTHER_WRITE;
    }

    /** Hidden temporary files of interrupted atomic writes in {@code dir}. */
    private static List<String> temporaryFiles(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(AtomicFiles.TMP_SUFFIX)) {
                    names.add(n);
                }
            }
        } catch (NoSuchFileException e) {
            return names;
        }
        return names;
    }

    /** The newest step among the complete checkpoint files, -1 if none. */
    private static long newestStep(Path ckpts) {
        long newest = -1;
        if (!Files.isDirectory(ckpts)) {
            return newest;
        }
        try (Stream<Path> s = Files.list(ckpts)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(Checkpoints.PREFIX) && n.endsWith(Checkpoint.SUFFIX)) {
                    newest = Math.max(newest, stepOf(p));
                }
            }
        } catch (IOException e) {
            return newest; // listed while a file was being renamed: the next poll sees it
        }
        return newest;
    }

    private static long stepOf(Path ckpt) {
        String n = ckpt.getFileName().toString();
        return Long.parseLong(n.substring(Checkpoints.PREFIX.length(), n.length() - Checkpoint.SUFFIX.length()));
    }

    /** Starts the CLI in a child JVM with this JVM's module flags, kernels and class path. */
    private static Process launch(List<String> cliArgs, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
            "java").toString()));
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        if (jvmArgs.stream().anyMatch(a -> a.startsWith("--enable-native-access"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        String kernels = System.getProperty("lshsmile.kernels");
        if (kernels != null) {
            cmd.add("-Dlshsmile.kernels=" + kernels);
        }
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-D" + AtomicFiles.PAUSE_PROPERTY + "=3", "-cp",
            System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(cliArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
            .directory(new File(System.getProperty("user.dir"))).start();
    }
}
