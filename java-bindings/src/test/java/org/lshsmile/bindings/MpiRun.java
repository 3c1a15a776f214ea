package org.lshsmile.bindings;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code mpirun -np N java ... MainClass args} for the MPI tests, one JVM per rank, with a hard
 * timeout that kills the whole process tree.
 *
 * <p>The mpirun options that work in a container, as root, on 2 cores: {@code --oversubscribe} (more ranks
 * than cores), {@code --bind-to none} (no core binding: the ranks share the cores), {@code --mca btl self,vader}
 * (shared memory only: no network probing) and the environment {@code OMPI_ALLOW_RUN_AS_ROOT=1},
 * {@code OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1} (Open MPI refuses root otherwise).
 */
final class MpiRun {

    /** mpirun's options for tests on one machine (see the class comment). */
    static final List<String> OPTIONS = List.of("--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader");
    /** JVM options per rank: quick start-up, few threads (several JVMs share 2 cores). */
    static final List<String> RANK_JVM = List.of("--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Xmx64m", "-Xshare:auto");

    /**
     * How a run ended.
     *
     * @param exitCode mpirun's exit code (-1 after a timeout)
     * @param output   standard output and error of mpirun and every rank, interleaved
     * @param elapsed  wall time until exit or kill
     * @param timedOut whether the timeout killed it
     * @param survivors processes of the tree still alive 10 s after the kill (0 unless the kill failed)
     */
    record Outcome(int exitCode, String output, Duration elapsed, boolean timedOut, long survivors) {
    }

    private MpiRun() {
    }

    /** {@code mpirun} on the PATH, if any. */
    static Optional<Path> mpirun() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "mpirun");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The java launcher of this JVM. */
    static String java() {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The classpath of the rank JVMs: this module's classes and test classes. */
    static String classpath() {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : List.of(Mpi.class, MpiRun.class)) {
            try {
                parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the classes of " + c.getName() + ": " + e.getMessage(), e);
            }
        }
        return String.join(File.pathSeparator, parts.stream().distinct().toList());
    }

    /**
     * The command line: mpirun, its options, -np, then java with the rank options, the library property
     * (when {@code library} names a file), main class and arguments.
     */
    static List<String> command(Path mpirun, int np, String library, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(mpirun.toString());
        cmd.addAll(OPTIONS);
        cmd.add("-np");
        cmd.add(Integer.toString(np));
        cmd.add(java());
        cmd.addAll(RANK_JVM);
        if (library != null && Files.isRegularFile(Path.of(library))) {
            cmd.add("-D" + Mpi.PROPERTY + "=" + library);
        }
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code command} with the root-permission variables set; after {@code timeout} kills mpirun and every
     * descendant (the rank JVMs) and reports a timeout.
     */
    static Outcome run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path log = Files.createTempFile("lshsmile-mpirun", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = pb.environment();
            env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
            env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
            long t0 = System.nanoTime();
            Process p = pb.start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long survivors = 0;
            if (!finished) {
                // the ranks first, so mpirun cannot restart or wait on them; then mpirun itself
                List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
                tree.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                tree.add(p.toHandle());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (ProcessHandle h : tree) {
                    while (h.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
                survivors = tree.stream().filter(ProcessHandle::isAlive).count();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            return new Outcome(finished ? p.exitValue() : -1, out, elapsed, !finished, survivors);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
