package dev.panamax.spec;

/**
 * A container spec that breaks a rule, found before anything is created. The message names the field and the
 * rule. Every bad value of a spec and of its parts is one of these (an {@link IllegalArgumentException}); a
 * null where a value is required is a {@link NullPointerException}, as usual in Java.
 *
 * <p>When it is thrown:
 * <ul>
 * <li>A value that stands alone is checked when it is made: a {@code DataSize}, a {@code CpuLimit}, a
 *     {@code DeviceRule}, an {@code IoThrottle}, a seccomp rule, condition or action, an
 *     {@link dev.panamax.IdMap}, a {@link dev.panamax.mount.Mount}'s target and options, and {@code Resources}
 *     and a {@code SeccompProfile} by their own {@code build()} (the {@code Resources} cpuset and huge page
 *     sizes against this host's CPUs, memory nodes and page sizes).
 * <li>What involves host paths, and the rules between parts, are checked by
 *     {@link dev.panamax.ContainerSpec.Builder#build()} (or a {@link dev.panamax.ContainerSpec} made without
 *     it): the rootfs, a bind mount's source (which must exist then), an overlay's directories. A relative
 *     host path (these, {@code keepUpperDir}, a {@code Stdio.file}) is resolved against the JVM's working
 *     directory at that moment: the built spec holds it absolute (a bind's source as its real path).
 * </ul>
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
