package dev.panamax.cli;

/** A wrong command line: reported with "Incorrect Usage" and the command's usage, status 1 (runc's). */
final class UsageException extends CliException {
    private static final long serialVersionUID = 1L;

    /**
     * A usage error.
     *
     * @param message what is wrong, naming the flag or argument
     */
    UsageException(String message) {
        super(message);
    }
}
