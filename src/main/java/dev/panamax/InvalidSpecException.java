package dev.panamax;

/**
 * A container spec that breaks a rule, found by {@link ContainerSpec.Builder#build()} before anything
 * is created. The message names the field and the rule.
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

    private final String field;

    public InvalidSpecException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    /** The spec field at fault, e.g. {@code hostname} or {@code environment[PATH]}. */
    public String field() {
        return field;
    }
}
