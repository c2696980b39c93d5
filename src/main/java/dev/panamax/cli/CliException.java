package dev.panamax.cli;

/**
 * A command's failure as the user sees it: the message goes to the log (and to the standard error stream when
 * the log is a file), and the command exits with status 1, as runc's do.
 */
class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with its message.
     *
     * @param message what failed, naming the flag, file or field
     */
    CliException(String message) {
        super(message);
    }
}
