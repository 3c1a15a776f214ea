package org.lshsmile.cli;

/**
 * A failure reported to the user as one line, {@code lshsmile: error: <problem>; <fix>}, and an exit code.
 *
 * <p>Commands throw it for every problem they can explain; {@link Main} prints it and exits with
 * {@link #exitCode()}. The stack trace is shown only with {@code --debug}.
 */
public final class CliException extends RuntimeException {

    /** Exit code for bad input: options, values, files. */
    public static final int USAGE = 2;
    /** Exit code for a run that produced NaN or infinity. */
    public static final int NON_FINITE = 3;
    /** Exit code for a failure that is not the input's fault (I/O, out of memory). */
    public static final int FAILURE = 1;

    private static final long serialVersionUID = 1L;
    private final int exitCode;

    /**
     * @param exitCode the process exit code
     * @param problem  what is wrong, without a trailing period
     * @param fix      what to do about it, without a trailing period
     */
    public CliException(int exitCode, String problem, String fix) {
        this(exitCode, problem, fix, null);
    }

    /** The same with the exception that caused it (shown with {@code --debug}). */
    public CliException(int exitCode, String problem, String fix, Throwable cause) {
        super(fix == null || fix.isEmpty() ? problem : problem + "; " + fix, cause);
        this.exitCode = exitCode;
    }

    /** A bad-input error (exit code 2). */
    public static CliException usage(String problem, String fix) {
        return new CliException(USAGE, problem, fix);
    }

    /** The process exit code. */
    public int exitCode() {
        return exitCode;
    }

    /** Joins the lines of a message into one. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
