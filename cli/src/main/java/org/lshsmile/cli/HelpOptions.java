package org.lshsmile.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} and {@code -V, --version} as picocli's standard help options have them, but placed last
 * in the help of commands that order their options explicitly (picocli puts unordered options first).
 */
final class HelpOptions {

    @Option(names = {"-h", "--help"}, order = 1000, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = {"-V", "--version"}, order = 1001, versionHelp = true,
        description = "Print version information and exit.")
    private boolean version;
}
