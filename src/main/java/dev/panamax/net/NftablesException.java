package dev.panamax.net;

/**
 * An {@code nft} transaction failed (the kernel applied none of it) or {@code nft} could not be run. The
 * message names what Panamax was doing, the statement {@code nft} refused, {@code nft}'s own error line and its
 * exit code, e.g. {@code publish tcp port 8080: nft exit code 1: Error: Could not process rule: File exists, in:
 * add element inet panamax ports4 { tcp . 8080 : 10.89.0.3 . 80 }}.
 */
public final class NftablesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The statement nft refused, or empty. */
    private final String statement;
    /** nft's error text. */
    private final String nftError;
    /** nft's exit code, or -1 if it did not run to an exit. */
    private final int exitCode;

    /**
     * An exception for a failed nft run.
     *
     * @param action    what Panamax was doing, e.g. {@code publish tcp port 8080}
     * @param statement the statement nft refused, or empty if nft named none
     * @param nftError  nft's error text (its first {@code Error:} line, or its whole standard error)
     * @param exitCode  nft's exit code, or -1 if it did not run to an exit
     */
    public NftablesException(String action, String statement, String nftError, int exitCode) {
        super(action + ": " + (exitCode >= 0 ? "nft exit code " + exitCode + ": " : "") + nftError
                + (statement.isEmpty() ? "" : ", in: " + statement));
        this.statement = statement;
        this.nftError = nftError;
        this.exitCode = exitCode;
    }

    /** {@return the statement nft refused, as Panamax sent it, or empty if nft named none} */
    public String statement() {
        return statement;
    }

    /** {@return nft's error text, e.g. {@code Error: Could not process rule: File exists}} */
    public String nftError() {
        return nftError;
    }

    /** {@return nft's exit code, or -1 if it did not run to an exit (not found, timed out)} */
    public int exitCode() {
        return exitCode;
    }
}
