package dev.panamax.spec;

/**
 * A container spec that breaks a rule, found before anything is created: by
 * {@link dev.panamax.ContainerSpec.Builder#build()}, or by the constructor of the part at fault (a
 * {@link dev.panamax.mount.Mount}, an {@link dev.panamax.IdMap}, a {@link dev.panamax.ContainerSpec} made
 * without its builder). The message names the field and the rule.
 *
 * <pre>{@code
 * try {
 *     ContainerSpec.builder().command().build();
 * } catch (InvalidSpecException e) {
 *     e.field();   // "command"
 * }
 * }</pre>
 */
public final class InvalidSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The spec field at fault. */
    private final String field;

    /**
     * An exception for a field that breaks a rule; the message is {@code field + ": " + rule}.
     *
     * @param field the spec field at fault
     * @param rule  the rule it breaks, as a sentence fragment
     */
    public InvalidSpecException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    /** {@return the spec field at fault, e.g. {@code hostname} or {@code environment[PATH]}} */
    public String field() {
        return field;
    }
}
