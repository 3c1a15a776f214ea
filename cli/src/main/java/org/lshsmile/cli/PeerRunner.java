package org.lshsmile.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the brute-force grain-growth peers of {@code bench/peers} (the LSH-SMILE paper's PyTorch baseline,
 * {@code grain_growth_torch.py}, and a NumPy version, {@code grain_growth_numpy.py}) as Python
 * subprocesses, for {@code lshsmile bench --peers}.
 *
 * <p>Each peer reads an initial state (.npy, float64, shape (Q, ny, nx)), takes {@code steps} explicit
 * Jacobi steps of the grain-growth update of physics.md 1.2 with uniform L, kappa, A, B and periodic
 * boundaries, writes the final state as float64 .npy and prints one JSON line with its milliseconds per
 * step (one untimed warm-up step on a throwaway copy first), which {@link #run} returns as a
 * {@link Result}. Unlike the Java kernels the peers flush nothing to zero (the kernels set magnitudes below
 * 1e-150 to 0), which moves results by less than 1e-150.
 *
 * <p>Where things are found:
 * <ul>
 *   <li>the scripts: the directory named by the system property {@value #DIR_PROPERTY}; else
 *       {@code bench/peers} under the working directory; else {@code bench/peers} under the directory of
 *       the jar (or classes directory) holding this class or one of its first three parents;</li>
 *   <li>Python: the system property {@value #PYTHON_PROPERTY}; else {@value #DEFAULT_PYTHON} (Debian's
 *       interpreter, where {@code apt-get install python3-torch python3-numpy} puts the modules) when it
 *       exists; else {@code python3} on the PATH.</li>
 * </ul>
 *
 * <p>{@link #detect()} says which peers can run and, for those that cannot, why, in one line; it never
 * throws. {@link #run} throws a {@link PeerException} whose message carries the peer's own one-line
 * error (its stderr) and exit code.
 */
final class PeerRunner {

    /** System property naming the directory that holds the peer scripts. */
    static final String DIR_PROPERTY = "lshsmile.peers.dir";
    /** System property naming the Python interpreter (a path or a command on the PATH). */
    static final String PYTHON_PROPERTY = "lshsmile.peers.python";
    /** Debian's interpreter, which sees the modules of python3-torch and python3-numpy. */
    static final String DEFAULT_PYTHON = "/usr/bin/python3";
    /** The one command that installs both peers' modules on Debian. */
    static final String INSTALL = "apt-get install -y python3-torch python3-numpy";
    /** How long {@link #detect()} lets Python take to import numpy and torch. */
    static final Duration DETECT_TIMEOUT = Duration.ofSeconds(60);

    /** Most characters of a peer's stderr kept in an error message (its end: the error is last). */
    private static final int MAX_STDERR_CHARS = 2000;
    private static final int PARENTS_OF_CODE = 3;

    /** Prints the interpreter's version and each module's version or import error as one JSON object. */
    private static final String PROBE = String.join("\n",
        "import json, platform",
        "r = {'python': platform.python_version()}",
        "for m in ('numpy', 'torch'):",
        "    try:",
        "        r[m] = str(__import__(m).__version__)",
        "    except Exception as e:",
        "        r[m + '_error'] = type(e).__name__ + ': ' + ' '.join(str(e).split())",
        "print(json.dumps(r))");

    /** The two peers. */
    enum Peer {
        /** The paper's PyTorch baseline: conv2d with the fixed Laplacian kernel after circular padding. */
        TORCH("torch", "grain_growth_torch.py"),
        /** The same update in NumPy, single-threaded. */
        NUMPY("numpy", "grain_growth_numpy.py");

        private final String id;
        private final String script;

        Peer(String id, String script) {
            this.id = id;
            this.script = script;
        }

        /** The name in the peer's JSON report and on the command line: {@code torch} or {@code numpy}. */
        String id() {
            return id;
        }

        /** The script's file name in the peers directory. */
        String script() {
            return script;
        }

        /** The peer called {@code name} (case-insensitive). */
        static Peer byName(String name) {
            for (Peer p : values()) {
                if (p.id.equalsIgnoreCase(name == null ? "" : name.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown peer '" + name + "': use torch or numpy");
        }
    }

    /**
     * What {@link #detect()} found.
     *
     * @param python   the interpreter tried
     * @param scripts  the peers directory, or null when none was found
     * @param versions versions found, by component: {@code python}, {@code numpy}, {@code torch}
     * @param problems one-line reasons, by component ({@code scripts}, {@code python}, {@code numpy},
     *                 {@code torch}), for each that is missing or unusable
     */
    record Detection(String python, Path scripts, Map<String, String> versions, Map<String, String> problems) {

        /** Copies the maps (unmodifiable, insertion order kept). */
        Detection {
            versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
            problems = Collections.unmodifiableMap(new LinkedHashMap<>(problems));
        }

        /** Whether the interpreter ran. */
        boolean pythonAvailable() {
            return versions.containsKey("python");
        }

        /** Whether NumPy imports. */
        boolean numpyAvailable() {
            return versions.containsKey("numpy");
        }

        /** Whether PyTorch imports. */
        boolean torchAvailable() {
            return versions.containsKey("torch");
        }

        /**
         * Whether {@code peer} can run: its script is there and Python and NumPy (both peers read .npy with
         * it) and, for torch, PyTorch import.
         */
        boolean available(Peer peer) {
            return reason(peer).isEmpty();
        }

        /** Why {@code peer} cannot run, in one line, or "" when it can. */
        String reason(Peer peer) {
            List<String> needed = new ArrayList<>(List.of("scripts", "python", "numpy"));
            if (peer == Peer.TORCH) {
                needed.add("torch");
            }
            for (String k : needed) {
                String p = problems.get(k);
                if (p != null) {
                    return p;
                }
            }
            return "";
        }

        /** One line: the versions found and the reasons for what is missing. */
        String summary() {
            List<String> parts = new ArrayList<>();
            versions.forEach((k, v) -> parts.add(k + " " + v));
            parts.addAll(problems.values());
            return String.join("; ", parts);
        }
    }

    /**
     * One peer run.
     *
     * @param peer        the peer
     * @param dtype       {@code float32} or {@code float64}, as the peer reported it
     * @param threads     threads as the peer reported them (numpy: always 1)
     * @param steps       timed steps
     * @param msPerStep   wall milliseconds per timed step (the warm-up step excluded)
     * @param warmupSteps untimed steps on a throwaway copy before the timed ones
     * @param versions    versions the peer reported: {@code python}, {@code numpy}, and {@code torch} for torch
     * @param finalState  the .npy the peer wrote (float64, shape (Q, ny, nx))
     * @param wall        the subprocess's whole wall time, Python start and module imports included
     */
    record Result(Peer peer, String dtype, int threads, int steps, double msPerStep, int warmupSteps,
                  Map<String, String> versions, Path finalState, Duration wall) {

        /** Copies the versions (unmodifiable). */
        Result {
            versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
        }
    }

    /** A peer that could not be started, failed, timed out or reported something unexpected. */
    static final class PeerException extends Exception {

        private static final long serialVersionUID = 1L;

        PeerException(String message) {
            super(message);
        }

        PeerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String python;
    private final Path scripts;
    private final String scriptsProblem;

    /**
     * A runner with an explicit interpreter and peers directory (tests use it).
     *
     * @param python  the Python interpreter: a path or a command on the PATH
     * @param scripts the directory holding the peer scripts; {@link #detect()} reports it when a script is
     *                missing there
     */
    PeerRunner(String python, Path scripts) {
        if (python == null || python.isBlank()) {
            throw new IllegalArgumentException("python must be a path or a command, got '" + python + "'");
        }
        if (scripts == null) {
            throw new IllegalArgumentException("scripts directory must not be null");
        }
        this.python = python;
        this.scripts = scripts;
        this.scriptsProblem = missingScripts(scripts).orElse(null);
    }

    private PeerRunner(String python, String scriptsProblem) {
        this.python = python;
        this.scripts = null;
        this.scriptsProblem = scriptsProblem;
    }

    /**
     * The runner for this process: interpreter and scripts found as the class comment says. Never throws;
     * when no peers directory is found, {@link #detect()} says where it looked.
     */
    static PeerRunner fromEnvironment() {
        String py = defaultPython();
        Path code = codeLocation();
        Path cwd = Path.of("").toAbsolutePath();
        String property = System.getProperty(DIR_PROPERTY);
        Optional<Path> dir = locateScripts(property, cwd, code);
        if (dir.isPresent()) {
            return new PeerRunner(py, dir.get());
        }
        String where = property != null && !property.isBlank()
            ? "-D" + DIR_PROPERTY + "=" + property + " does not hold " + Peer.TORCH.script() + " and "
                + Peer.NUMPY.script()
            : "no bench/peers with " + Peer.TORCH.script() + " and " + Peer.NUMPY.script() + " under " + cwd
                + (code == null ? "" : " or under " + code + " and its first " + PARENTS_OF_CODE + " parents")
                + "; set -D" + DIR_PROPERTY + "=DIR";
        return new PeerRunner(py, "peer scripts not found: " + where);
    }

    /** The interpreter: {@value #PYTHON_PROPERTY}, else {@value #DEFAULT_PYTHON} if it exists, else {@code python3}. */
    static String defaultPython() {
        String p = System.getProperty(PYTHON_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p.trim();
        }
        return Files.isExecutable(Path.of(DEFAULT_PYTHON)) ? DEFAULT_PYTHON : "python3";
    }

    /**
     * The peers directory: {@code property} when set (and only it), else {@code cwd/bench/peers}, else
     * {@code bench/peers} under {@code code} (a jar's directory, or a classes directory) or one of its
     * first three parents; a candidate counts only if both peer scripts are in it.
     *
     * @param property the value of {@value #DIR_PROPERTY}, or null
     * @param cwd      the working directory, or null
     * @param code     the jar file or classes directory holding this class, or null
     */
    static Optional<Path> locateScripts(String property, Path cwd, Path code) {
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property.trim()).toAbsolutePath().normalize();
            return missingScripts(p).isEmpty() ? Optional.of(p) : Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        if (cwd != null) {
            candidates.add(cwd.resolve("bench").resolve("peers"));
        }
        if (code != null) {
            Path d = Files.isRegularFile(code) ? code.toAbsolutePath().getParent() : code.toAbsolutePath();
            for (int up = 0; up <= PARENTS_OF_CODE && d != null; up++, d = d.getParent()) {
                candidates.add(d.resolve("bench").resolve("peers"));
            }
        }
        for (Path c : candidates) {
            if (missingScripts(c).isEmpty()) {
                return Optional.of(c.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> missingScripts(Path dir) {
        for (Peer p : Peer.values()) {
            if (!Files.isRegularFile(dir.resolve(p.script()))) {
                return Optional.of("peer script " + p.script() + " not found in " + dir);
            }
        }
        return Optional.empty();
    }

    private static Path codeLocation() {
        try {
            CodeSource cs = PeerRunner.class.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The interpreter this runner uses. */
    String python() {
        return python;
    }

    /** The peers directory, if one was found. */
    Optional<Path> scripts() {
        return Optional.ofNullable(scripts);
    }

    /**
     * Which of Python, NumPy and PyTorch are usable, with versions, and why not where not: one Python
     * subprocess that imports both modules (a second or two with torch). Never throws.
     */
    Detection detect() {
        Map<String, String> versions = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        if (scriptsProblem != null) {
            problems.put("scripts", scriptsProblem);
        }
        try {
            Outcome o = execute(List.of(python, "-c", PROBE), DETECT_TIMEOUT);
            if (o.exitCode() != 0) {
                problems.put("python", "python " + python + " failed (exit " + o.exitCode() + "): " + o.stderrTail());
            } else {
                Map<String, Object> r = JSON.std.mapFrom(lastLine(o.stdout()));
                versions.put("python", String.valueOf(r.get("python")));
                for (String m : List.of("numpy", "torch")) {
                    if (r.get(m) != null) {
                        versions.put(m, String.valueOf(r.get(m)));
                    } else {
                        String name = m.equals("torch") ? "PyTorch" : "NumPy";
                        problems.put(m, name + " is not importable by " + python + " (" + r.get(m + "_error")
                            + "); install: " + INSTALL);
                    }
                }
            }
        } catch (PeerException e) {
            problems.put("python", e.getMessage());
        } catch (IOException | RuntimeException e) {
            problems.put("python", "python " + python + " gave no usable answer: "
                + oneLine(String.valueOf(e.getMessage())));
        }
        if (problems.containsKey("python")) {
            String why = "needs python, which is unusable";
            problems.putIfAbsent("numpy", "NumPy " + why);
            problems.putIfAbsent("torch", "PyTorch " + why);
        }
        return new Detection(python, scripts, versions, problems);
    }

    /**
     * Runs one peer to completion.
     *
     * @param peer    which peer
     * @param dtype   {@code float32} or {@code float64} (the peer refuses anything else)
     * @param threads threads (torch: torch.set_num_threads; numpy refuses anything but 1)
     * @param initNpy initial state: float64 .npy of shape (Q, ny, nx)
     * @param steps   steps to take (>= 1)
     * @param dt      time step
     * @param dx      grid spacing
     * @param l       mobility L of every grain
     * @param kappa   gradient coefficient of every grain
     * @param a       A
     * @param b       B
     * @param outNpy  where the peer writes the final state (float64 .npy)
     * @param timeout longest wall time before the peer is killed
     * @return the peer's report
     * @throws PeerException when the scripts are missing, Python cannot start, the peer exits non-zero
     *                       (the message carries its stderr and exit code), times out, or its report
     *                       does not match the request
     */
    Result run(Peer peer, String dtype, int threads, Path initNpy, int steps, double dt, double dx, double l,
               double kappa, double a, double b, Path outNpy, Duration timeout) throws PeerException {
        if (peer == null || dtype == null || initNpy == null || outNpy == null || timeout == null) {
            throw new IllegalArgumentException("peer, dtype, initNpy, outNpy and timeout must not be null");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (scriptsProblem != null) {
            throw new PeerException(peer.id() + " peer cannot run: " + scriptsProblem);
        }
        List<String> cmd = List.of(python, scripts.resolve(peer.script()).toString(), initNpy.toString(),
            Integer.toString(steps), num(dt), num(dx), num(l), num(kappa), num(a), num(b),
            "--dtype", dtype, "--threads", Integer.toString(threads), "--out", outNpy.toString());
        long start = System.nanoTime();
        Outcome o;
        try {
            o = execute(cmd, timeout);
        } catch (IOException e) {
            throw new PeerException(peer.id() + " peer: " + oneLine(String.valueOf(e.getMessage())), e);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        if (o.exitCode() != 0) {
            throw new PeerException(peer.id() + " peer failed (exit " + o.exitCode() + "): " + o.stderrTail());
        }
        return parseReport(peer, dtype, threads, steps, outNpy, o, wall);
    }

    private static Result parseReport(Peer peer, String dtype, int threads, int steps, Path outNpy, Outcome o,
                                      Duration wall) throws PeerException {
        String line = lastLine(o.stdout());
        Map<String, Object> r;
        try {
            r = JSON.std.mapFrom(line);
        } catch (IOException | RuntimeException e) {
            throw new PeerException(peer.id() + " peer printed no JSON report: '" + oneLine(line) + "'", e);
        }
        String problem = null;
        double ms = r.get("ms_per_step") instanceof Number n ? n.doubleValue() : Double.NaN;
        int gotThreads = r.get("threads") instanceof Number n ? n.intValue() : -1;
        int gotSteps = r.get("steps") instanceof Number n ? n.intValue() : -1;
        int warmup = r.get("warmup_steps") instanceof Number n ? n.intValue() : -1;
        if (!peer.id().equals(r.get("peer")) || !dtype.equals(r.get("dtype")) || gotSteps != steps
            || gotThreads != threads || warmup < 0) {
            problem = "a report for another request";
        } else if (!(ms > 0) || !Double.isFinite(ms)) {
            problem = "ms_per_step " + r.get("ms_per_step");
        } else if (!(r.get("versions") instanceof Map<?, ?>)) {
            problem = "no versions";
        } else if (!Files.isRegularFile(outNpy)) {
            problem = "no final state at " + outNpy;
        }
        if (problem != null) {
            throw new PeerException(peer.id() + " peer reported " + problem + ": " + oneLine(line));
        }
        Map<String, String> versions = new LinkedHashMap<>();
        ((Map<?, ?>) r.get("versions")).forEach((k, v) -> versions.put(String.valueOf(k), String.valueOf(v)));
        return new Result(peer, dtype, gotThreads, gotSteps, ms, warmup, versions, outNpy, wall);
    }

    /** A finished subprocess. */
    private record Outcome(int exitCode, String stdout, String stderr) {

        /** The end of stderr on one line, or a note that it was empty. */
        String stderrTail() {
            String s = oneLine(stderr);
            if (s.isEmpty()) {
                return "(nothing on stderr)";
            }
            return s.length() <= MAX_STDERR_CHARS ? s : "..." + s.substring(s.length() - MAX_STDERR_CHARS);
        }
    }

    /**
     * Runs {@code cmd} with stdout and stderr going to temporary files (no pipe can fill and block it),
     * killing it and its children at the timeout.
     */
    private static Outcome execute(List<String> cmd, Duration timeout) throws IOException, PeerException {
        Path out = Files.createTempFile("lshsmile-peer-", ".out");
        Path err = Files.createTempFile("lshsmile-peer-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new PeerException("cannot start " + cmd.get(0) + ": "
                    + oneLine(String.valueOf(e.getMessage())), e);
            }
            boolean done;
            try {
                done = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
                throw new PeerException("interrupted while waiting for " + describe(cmd), e);
            }
            if (!done) {
                kill(p);
                throw new PeerException(describe(cmd) + " timed out after " + seconds(timeout) + " and was killed"
                    + tailNote(err));
            }
            return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tailNote(Path err) {
        try {
            String s = oneLine(Files.readString(err, StandardCharsets.UTF_8));
            return s.isEmpty() ? "" : "; stderr: " + (s.length() <= MAX_STDERR_CHARS ? s
                : "..." + s.substring(s.length() - MAX_STDERR_CHARS));
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(List<String> cmd) {
        return cmd.size() > 1 && cmd.get(1).endsWith(".py") ? Path.of(cmd.get(1)).getFileName().toString()
            : cmd.get(0);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3g s", d.toNanos() / 1e9);
    }

    /** Doubles as Python reads them back exactly (shortest round-trip form). */
    private static String num(double v) {
        return Double.toString(v);
    }

    private static String lastLine(String s) {
        List<String> lines = s.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
    }

    private static String oneLine(String s) {
        return String.join(" ", s.trim().split("\\s+")).trim();
    }
}
