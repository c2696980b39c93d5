package dev.panamax.seccomp;

import dev.panamax.spec.InvalidSpecException;

import java.util.Objects;

/**
 * A test on one 64-bit system call argument, compared as an unsigned number (as the kernel sees
 * {@code seccomp_data.args[i]}).
 *
 * <pre>{@code
 * ArgCondition newUser = ArgCondition.maskedEq(0, 0x10000000L, 0x10000000L); // (arg0 & CLONE_NEWUSER) == CLONE_NEWUSER
 * ArgCondition query = ArgCondition.eq(0, 0xffffffffL);                      // arg0 == 0xffffffff
 * }</pre>
 *
 * @param index which argument, 0..5
 * @param op    the comparison
 * @param mask  for {@link Op#MASKED_EQ} the bits compared; must be 0 for every other operator
 * @param value the operand; for {@code MASKED_EQ} it must have no bits outside {@code mask}
 */
public record ArgCondition(int index, Op op, long mask, long value) {

    /** Unsigned 64-bit comparisons of the argument with {@code value}. */
    public enum Op {
        /** {@code arg == value}. */
        EQ("=="),
        /** {@code arg != value}. */
        NE("!="),
        /** {@code arg < value}. */
        LT("<"),
        /** {@code arg <= value}. */
        LE("<="),
        /** {@code arg > value}. */
        GT(">"),
        /** {@code arg >= value}. */
        GE(">="),
        /** {@code (arg & mask) == value}. */
        MASKED_EQ("==");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    /** Highest argument index: system calls take at most six arguments. */
    public static final int MAX_INDEX = 5;

    /**
     * Checks the index, and the mask against the operator and the value.
     *
     * @throws InvalidSpecException naming the component that is wrong
     */
    public ArgCondition {
        if (index < 0 || index > MAX_INDEX) {
            throw new InvalidSpecException("seccomp", 
                    "ArgCondition.index must be in 0.." + MAX_INDEX + " (syscalls have six arguments), was " + index);
        }
        Objects.requireNonNull(op, "ArgCondition.op");
        if (op != Op.MASKED_EQ && mask != 0) {
            throw new InvalidSpecException("seccomp", "ArgCondition.mask is only for MASKED_EQ, was " + hex(mask) + " with " + op);
        }
        if (op == Op.MASKED_EQ && (value & ~mask) != 0) {
            throw new InvalidSpecException("seccomp", "ArgCondition.value " + hex(value) + " has bits outside mask " + hex(mask)
                    + ": (arg & mask) == value could never hold");
        }
    }

    /**
     * Matches when {@code arg[index] == value}.
     *
     * @param index which argument, 0..5
     * @param value the operand
     * @return the condition
     */
    public static ArgCondition eq(int index, long value) { return new ArgCondition(index, Op.EQ, 0, value); }

    /**
     * Matches when {@code arg[index] != value}.
     *
     * @param index which argument, 0..5
     * @param value the operand
     * @return the condition
     */
    public static ArgCondition ne(int index, long value) { return new ArgCondition(index, Op.NE, 0, value); }

    /**
     * Matches when {@code arg[index] < value}, unsigned.
     *
     * @param index which argument, 0..5
     * @param value the operand
     * @return the condition
     */
    public static ArgCondition lt(int index, long value) { return new ArgCondition(index, Op.LT, 0, value); }

    /**
     * Matches when {@code arg[index] <= value}, unsigned.
     *
     * @param index which argument, 0..5
     * @param value the operand
     * @return the condition
     */
    public static ArgCondition le(int index, long value) { return new ArgCondition(index, Op.LE, 0, value); }

    /**
     * Matches when {@code arg[index] > value}, unsigned.
     *
     * @param index which argument, 0..5
     * @param value the operand
     * @return the condition
     */
    public static ArgCondition gt(int index, long value) { return new ArgCondition(index, Op.GT, 0, value); }

    /**
     * Matches when {@code arg[index] >= value}, unsigned.
     *
     * @param index which argument, 0..5
     * @param value the operand
     * @return the condition
     */
    public static ArgCondition ge(int index, long value) { return new ArgCondition(index, Op.GE, 0, value); }

    /**
     * Matches when {@code (arg[index] & mask) == value}: the bits of {@code mask} in the argument are those of
     * {@code value}.
     *
     * @param index which argument, 0..5
     * @param mask  the bits compared
     * @param value the bits expected, none outside {@code mask}
     * @return the condition
     */
    public static ArgCondition maskedEq(int index, long mask, long value) {
        return new ArgCondition(index, Op.MASKED_EQ, mask, value);
    }

    /**
     * Whether {@code argument} satisfies this condition: the meaning the compiled filter implements.
     *
     * @param argument the argument's 64 bits
     * @return whether the condition holds
     */
    public boolean test(long argument) {
        return switch (op) {
            case EQ -> argument == value;
            case NE -> argument != value;
            case LT -> Long.compareUnsigned(argument, value) < 0;
            case LE -> Long.compareUnsigned(argument, value) <= 0;
            case GT -> Long.compareUnsigned(argument, value) > 0;
            case GE -> Long.compareUnsigned(argument, value) >= 0;
            case MASKED_EQ -> (argument & mask) == value;
        };
    }

    /** {@return a readable form: {@code arg0 == 0x8}, {@code (arg0 & 0x10000000) == 0x10000000}} */
    public String render() {
        String arg = "arg" + index;
        String left = op == Op.MASKED_EQ ? "(" + arg + " & " + hex(mask) + ")" : arg;
        return left + " " + op.symbol + " " + hex(value);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
