package dev.panamax.image;

import dev.panamax.spec.InvalidSpecException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An image config's {@code StopSignal} as docker reads it ({@code moby/sys/signal.ParseSignal}): a number
 * ({@code 15}), or a name in any case with or without {@code SIG} ({@code SIGTERM}, {@code term}), real-time ones
 * as {@code RTMIN}, {@code RTMIN+N} (N 1..15), {@code RTMAX-N} (N 1..14) and {@code RTMAX}. The numbers are
 * Linux's generic ones, the same on x86-64 and arm64 ({@code SIGRTMIN} 34 as glibc and musl reserve 32 and 33).
 */
final class StopSignal {
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;
    private static final Map<String, Integer> NUMBERS = numbers();

    private StopSignal() {
    }

    private static Map<String, Integer> numbers() {
        Map<String, Integer> m = new HashMap<>();
        String[] names = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
                "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
                "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
        for (int i = 1; i < names.length; i++) {
            m.put(names[i], i);
        }
        m.put("IOT", 6);
        m.put("CLD", 17);
        m.put("POLL", 29);
        m.put("RTMIN", RTMIN);
        m.put("RTMAX", RTMAX);
        for (int i = 1; i <= 15; i++) {
            m.put("RTMIN+" + i, RTMIN + i);
        }
        for (int i = 1; i <= 14; i++) {
            m.put("RTMAX-" + i, RTMAX - i);
        }
        return Map.copyOf(m);
    }

    /**
     * The signal number of a {@code StopSignal}.
     *
     * @param image the image's name, for messages
     * @param value the config's value; empty for none
     * @return the number (1..64), or empty for an empty value
     * @throws InvalidSpecException ({@code image.stopSignal}) naming the image and the value if it is no signal
     */
    static Optional<Integer> parse(String image, String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Integer number;
        if (value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() <= 9) {
            number = Integer.parseInt(value);
        } else {
            String upper = value.toUpperCase(Locale.ROOT);
            number = NUMBERS.get(upper.startsWith("SIG") ? upper.substring(3) : upper);
        }
        if (number == null || number < 1 || number > RTMAX) {
            throw new InvalidSpecException("image.stopSignal", "image " + image + ": StopSignal \""
                    + UnpackException.printable(value) + "\" is not a signal (a name such as SIGTERM or TERM, or a "
                    + "number 1.." + RTMAX + ")");
        }
        return Optional.of(number);
    }
}
