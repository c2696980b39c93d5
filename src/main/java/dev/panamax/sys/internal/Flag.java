package dev.panamax.sys.internal;

/**
 * A value of the kernel ABI together with the C expression that names it: {@code O_PATH}, or
 * {@code O_PATH|O_DIRECTORY|O_CLOEXEC} for an OR of flags. Plans print {@link #name()} and the child passes
 * {@link #value()}; building both from the same constants is what keeps a plan from lying about what the
 * kernel gets. The single names come from {@link Flags}, whose values are read from the bindings.
 *
 * <pre>{@code
 * Flag f = Flag.or(Flags.O_PATH, Flags.O_DIRECTORY, Flags.O_CLOEXEC);
 * f.name();   // "O_PATH|O_DIRECTORY|O_CLOEXEC"
 * f.value();  // 0x290000 on x86-64
 * }</pre>
 *
 * @param name  the C expression, as plans show it
 * @param value its value
 */
public record Flag(String name, long value) {

    /** Nothing set, shown as {@code 0}. */
    public static final Flag NONE = new Flag("0", 0);

    /** The OR of {@code flags}, named {@code A|B|C} in the order given; {@link #NONE} for none. */
    public static Flag or(Flag... flags) {
        if (flags.length <= 1) {
            return flags.length == 0 ? NONE : flags[0];
        }
        // a plain loop: every launch compiles a few hundred of these
        long value = flags[0].value;
        StringBuilder name = new StringBuilder(flags[0].name);
        for (int i = 1; i < flags.length; i++) {
            value |= flags[i].value;
            name.append('|').append(flags[i].name);
        }
        return new Flag(name.toString(), value);
    }

    /** This OR {@code other} when {@code condition} holds, else this. */
    public Flag orIf(boolean condition, Flag other) {
        return condition ? or(this, other) : this;
    }

    /** A file mode shown in octal as C writes it: {@code 0644}. */
    public static Flag octal(int mode) {
        return new Flag("0" + Integer.toOctalString(mode), mode);
    }
}
