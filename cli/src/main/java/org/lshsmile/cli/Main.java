package org.lshsmile.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code lshsmile} command: phase-field simulation from the command line.
 *
 * <p>Exit codes: 0 success, 1 a failure that is not the input's fault (I/O, memory) or, for validate, a failed check, 2 bad input (one
 * line on stderr, {@code lshsmile: error: <problem>; <fix>}), 3 the run produced NaN or infinity.
 */
@Command(name = "lshsmile", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    header = "Phase-field simulation kernels after LSH-SMILE.",
    description = {
        "Explicit finite-difference grain growth (Fan & Chen), Cahn-Hilliard (PFHub",
        "benchmark 1) and nanovoid (Millett et al.) models on off-heap grids with",
        "Vector API SIMD stencils. Start with 'lshsmile demo', then",
        "'lshsmile simulate --help'."},
    commandListHeading = "%nCommands:%n",
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  success",
        "  1  failure that is not the input's fault (I/O error, out of memory); validate: a check failed",
        "  2  bad input: one line on stderr saying what is wrong and how to fix it",
        "  3  the run produced NaN or infinity (last_good.npy holds the last good state)"})
public final class Main implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = commandLine(out, err, Terminals.stderrIsTerminal(), new DemoCommand()).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * The command tree writing to {@code out} and {@code err}.
     *
     * @param progress whether long runs may draw a progress bar on the process's stderr
     * @param demo     the demo command instance (tests pass one with a smaller run)
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean progress, DemoCommand demo) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("demo", demo.progress(progress));
        cl.addSubcommand("simulate", new SimulateCommand(progress));
        cl.addSubcommand("dataset", new DatasetCommand(progress));
        cl.addSubcommand("learn", new LearnCommand(progress));
        cl.addSubcommand("bench", new BenchCommand(progress));
        cl.addSubcommand("validate", new ValidateCommand());
        cl.addSubcommand("lsh-params", new LshParamsCommand());
        cl.setOut(out);
        cl.setErr(err);
        OptionValues.register(cl);
        cl.setParameterExceptionHandler(Main::onParameterError);
        cl.setExecutionExceptionHandler(Main::onExecutionError);
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("lshsmile: error: no command given; run 'lshsmile demo',"
            + " 'lshsmile simulate --help' or 'lshsmile --help'");
        return CliException.USAGE;
    }

    private static int onParameterError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String msg = CliException.oneLine(ex.getMessage()).replaceAll("[.]$", "");
        String help = "see '" + cl.getCommandSpec().qualifiedName() + " --help'";
        if (ex.getCause() instanceof OptionValues.BadValue b && ex.getArgSpec() instanceof OptionSpec o) {
            // "--threads '1.5' is not a whole number; give --threads a whole number, see '... --help' for its range"
            String name = o.longestName();
            msg = name + " '" + ex.getValue() + "' " + b.getMessage() + "; give " + name + " " + b.takes() + ", "
                + help + (b.numeric() ? " for its range" : "");
            help = null;
        } else if (ex instanceof UnmatchedArgumentException u) {
            List<String> s = u.getSuggestions();
            if (!s.isEmpty()) {
                msg += " (did you mean " + String.join(" or ", s.subList(0, Math.min(3, s.size()))) + "?)";
            }
        }
        err.println("lshsmile: error: " + CliException.oneLine(msg) + (help == null ? "" : "; " + help));
        if (Arrays.asList(args).contains("--debug")) {
            ex.printStackTrace(err);
        }
        err.flush();
        return CliException.USAGE;
    }

    private static int onExecutionError(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        ParseResult pr = cl.getParseResult();
        boolean debug = pr != null && pr.hasMatchedOption("--debug");
        int code;
        if (ex instanceof CliException c) {
            err.println("lshsmile: error: " + CliException.oneLine(c.getMessage()));
            code = c.exitCode();
        } else {
            err.println("lshsmile: internal error: " + CliException.oneLine(ex.toString())
                + "; rerun with --debug for the stack trace and report it");
            code = CliException.FAILURE;
        }
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
