package dev.panamax.sys.internal;

/**
 * A value of the kernel ABI together with the C expression that names it: {@code O_PATH}, or
 * {@code O_PATH|O_DIRECTORY|O_CLOEXEC} for an OR of flags. Plans print {@link #name()} and the child passes
 * the value; building both from the same constants is what keeps a plan from lying about what the kernel gets.
 * The single names come from {@link Flags}, whose values are read from the bindings.
 *
 * <p>A flag knows its value on each architecture Panamax targets: most are the same everywhere, a few
 * ({@link ArchConstants}) differ between x86-64 and aarch64. {@link #value()} is the running JVM's;
 * a child program encoded for another architecture takes {@link #value(String)} of its target.
 *
 * <pre>{@code
 * Flag f = Flag.or(Flags.O_PATH, Flags.O_DIRECTORY, Flags.O_CLOEXEC);
 * f.name();              // "O_PATH|O_DIRECTORY|O_CLOEXEC"
 * f.value("x86_64");     // 0x290000
 * f.value("aarch64");    // 0x284000
 * }</pre>
 *
 * @param name    the C expression, as plans show it
 * @param x86_64  its value on x86-64
 * @param aarch64 its value on aarch64 (arm64)
 */
public record Flag(String name, long x86_64, long aarch64) {

    /** Nothing set, shown as {@code 0}. */
    public static final Flag NONE = new Flag("0", 0);

    /**
     * A value that is the same on every architecture.
     *
     * @param name  the C expression, as plans show it
     * @param value its value
     */
    public Flag(String name, long value) {
        this(name, value, value);
    }

    /**
     * Its value on the architecture this JVM runs on.
     *
     * @return the value
     * @throws UnsupportedOperationException on an architecture other than x86-64 and aarch64, for a value
     *                                       that differs between those
     */
    public long value() {
        return value(ArchConstants.RUNNING);
    }

    /**
     * Its value on {@code arch}.
     *
     * @param arch the kernel's name of the architecture ({@code uname -m}): {@code x86_64} or {@code aarch64}
     * @return the value there
     * @throws UnsupportedOperationException for another architecture, when the value differs between those two
     */
    public long value(String arch) {
        return switch (arch) {
            case ArchConstants.X86_64 -> x86_64;
            case ArchConstants.AARCH64 -> aarch64;
            default -> {
                if (x86_64 != aarch64) {
                    throw new UnsupportedOperationException(name + " differs between x86_64 and aarch64 and is not"
                            + " known for architecture " + arch);
                }
                yield x86_64;
            }
        };
    }

    /**
     * Whether its value differs between architectures.
     *
     * @return true when the x86-64 and aarch64 values differ
     */
    public boolean perArch() {
        return x86_64 != aarch64;
    }

    /**
     * The OR of {@code flags} on each architecture, named {@code A|B|C} in the order given.
     *
     * @param flags the flags to join
     * @return their OR; {@link #NONE} for none
     */
    public static Flag or(Flag... flags) {
        if (flags.length <= 1) {
            return flags.length == 0 ? NONE : flags[0];
        }
        // a plain loop: every launch compiles a few hundred of these
        long x86 = flags[0].x86_64;
        long arm = flags[0].aarch64;
        StringBuilder name = new StringBuilder(flags[0].name);
        for (int i = 1; i < flags.length; i++) {
            x86 |= flags[i].x86_64;
            arm |= flags[i].aarch64;
            name.append('|').append(flags[i].name);
        }
        return new Flag(name.toString(), x86, arm);
    }

    /**
     * This OR {@code other} when {@code condition} holds.
     *
     * @param condition whether to add {@code other}
     * @param other     the flag to add
     * @return this OR {@code other}, or this
     */
    public Flag orIf(boolean condition, Flag other) {
        return condition ? or(this, other) : this;
    }

    /**
     * A file mode shown in octal as C writes it: {@code 0644}.
     *
     * @param mode the mode bits
     * @return the mode as a flag, the same on every architecture
     */
    public static Flag octal(int mode) {
        return new Flag("0" + Integer.toOctalString(mode), mode);
    }
}
