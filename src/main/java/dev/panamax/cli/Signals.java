package dev.panamax.cli;

import java.util.Locale;
import java.util.Map;

/** Signal names as {@code kill} takes them: with or without {@code SIG}, any case, or a number (Linux x86/arm). */
final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6),
            Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
            Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
            Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
            Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29),
            Map.entry("PWR", 30), Map.entry("SYS", 31));
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private Signals() {
    }

    /**
     * A signal's number.
     *
     * @param text a name ({@code TERM}, {@code SIGTERM}, {@code sigterm}, {@code RTMIN+3}) or a number 1 to 64
     * @return the number
     * @throws CliException naming the text when it is no signal
     */
    static int parse(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= RTMAX) {
                return n;
            }
            throw new CliException("invalid signal: " + text + " (1 to " + RTMAX + ")");
        } catch (NumberFormatException notANumber) {
            String name = text.toUpperCase(Locale.ROOT);
            name = name.startsWith("SIG") ? name.substring(3) : name;
            Integer n = NUMBERS.get(name);
            if (n != null) {
                return n;
            }
            if (name.equals("RTMIN")) {
                return RTMIN;
            }
            if (name.equals("RTMAX")) {
                return RTMAX;
            }
            try {
                if (name.startsWith("RTMIN+")) {
                    int k = Integer.parseInt(name.substring(6));
                    if (k >= 0 && RTMIN + k <= RTMAX) {
                        return RTMIN + k;
                    }
                } else if (name.startsWith("RTMAX-")) {
                    int k = Integer.parseInt(name.substring(6));
                    if (k >= 0 && RTMAX - k >= RTMIN) {
                        return RTMAX - k;
                    }
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error
            }
            throw new CliException("unknown signal \"" + text + "\"");
        }
    }
}
