package dev.panamax.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** A command of {@code panamax}: its name, its flags and what it does ({@link PanamaxCommand#COMMANDS}). */
interface Subcommand {
    /** {@return the name on the command line, such as {@code create}} */
    String name();

    /** {@return the arguments after the flags, for the usage, such as {@code <container-id>}; empty for none} */
    String arguments();

    /** {@return one line on what it does} */
    String summary();

    /** {@return more on what it does, for its usage; empty for nothing more} */
    default String description() {
        return "";
    }

    /** {@return its flags (a new set each call)} */
    Options options();

    /**
     * Runs it.
     *
     * @param panamax the global flags, the output stream and the log
     * @param line    its flags and arguments
     * @return the exit status
     * @throws CliException for a failure; {@link UsageException} for a wrong command line
     */
    int run(PanamaxCommand panamax, CommandLine line);
}
