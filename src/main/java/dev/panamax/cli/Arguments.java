package dev.panamax.cli;

import org.apache.commons.cli.CommandLine;

import java.util.List;
import java.util.regex.Pattern;

/** The checks of a command's arguments that runc makes: their number, a container id's form, numbers. */
final class Arguments {
    /** runc's rule for a container id. */
    private static final Pattern ID = Pattern.compile("[\\w+\\-.]+");

    private Arguments() {
    }

    /**
     * Checks that there are {@code n} arguments after the flags.
     *
     * @param line the parsed command line
     * @param n    how many
     * @return the arguments
     * @throws UsageException naming the number required, as runc's "requires exactly 1 argument(s)"
     */
    static List<String> count(CommandLine line, int n) {
        return range(line, n, n);
    }

    /**
     * Checks that there are {@code min} to {@code max} arguments after the flags.
     *
     * @param line the parsed command line
     * @param min  the fewest
     * @param max  the most
     * @return the arguments
     * @throws UsageException naming the numbers allowed
     */
    static List<String> range(CommandLine line, int min, int max) {
        List<String> args = line.getArgList();
        if (args.size() < min || args.size() > max) {
            throw new UsageException(min == max ? "requires exactly " + min + " argument(s), got " + args.size()
                    : "requires " + min + " to " + max + " argument(s), got " + args.size());
        }
        return args;
    }

    /**
     * Checks a container id as runc does: letters, digits, {@code _ + - .}; not {@code .} or {@code ..}.
     *
     * @param id the id
     * @return it
     * @throws CliException naming the id
     */
    static String id(String id) {
        if (!ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new CliException("invalid id format: " + id + " (letters, digits, '_', '+', '-' and '.')");
        }
        return id;
    }

    /**
     * A flag's value as a number.
     *
     * @param line the parsed command line
     * @param flag the flag's long name
     * @param min  the smallest value allowed
     * @return the value, or null when the flag is not given
     * @throws CliException naming the flag and the value
     */
    static Long number(CommandLine line, String flag, long min) {
        String value = line.getOptionValue(flag);
        if (value == null) {
            return null;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n < min) {
                throw new CliException("--" + flag + ": must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CliException("--" + flag + ": not a number: \"" + value + "\"");
        }
    }
}
