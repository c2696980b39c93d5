package dev.panamax.cgroup;

import dev.panamax.spec.InvalidSpecException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cgroup v1 device access rule, written to {@code devices.allow} or {@code devices.deny}.
 * The syntax is the kernel's: {@code TYPE MAJOR:MINOR ACCESS}, where TYPE is {@code a} (all), {@code b} (block)
 * or {@code c} (char), MAJOR and MINOR are numbers or {@code *}, and ACCESS is a non-empty subset of {@code rwm}.
 * A lone {@code a} means every device.
 *
 * <pre>{@code
 * List<DeviceRule> rules = List.of(
 *     DeviceRule.deny("a"),              // nothing by default
 *     DeviceRule.allow("c 1:3 rwm"),     // /dev/null
 *     DeviceRule.allow("c 136:* rw"));   // pseudo terminals
 * }</pre>
 *
 * <p>On cgroup v1 the rules go to the devices controller; on cgroup v2 they are compiled into an eBPF device
 * program ({@link DeviceProgram}) that a container's cgroup gets attached.
 *
 * @param allow true for {@code devices.allow}, false for {@code devices.deny}
 * @param type 'a', 'b' or 'c'
 * @param major the major number, or -1 for {@code *}
 * @param minor the minor number, or -1 for {@code *}
 * @param access a non-empty subset of "rwm", in that order
 */
public record DeviceRule(boolean allow, char type, long major, long minor, String access) {

    private static final Pattern SYNTAX =
            Pattern.compile("([abc])(?: (\\*|\\d{1,10}):(\\*|\\d{1,10}) ([rwm]{1,3}))?");

    /**
     * The allow-list every container with a device cgroup starts from, the OCI/runc default: deny every
     * device, then allow null, zero, full, random, urandom, tty, console, ptmx and the pseudo terminals
     * ({@code mknod} of anything else is denied too). The spec's own rules come after it.
     */
    public static final List<DeviceRule> DEFAULT_ALLOW_LIST = List.of(
            deny("a"),
            allow("c 1:3 rwm"),     // null
            allow("c 1:5 rwm"),     // zero
            allow("c 1:7 rwm"),     // full
            allow("c 1:8 rwm"),     // random
            allow("c 1:9 rwm"),     // urandom
            allow("c 5:0 rwm"),     // tty
            allow("c 5:1 rwm"),     // console
            allow("c 5:2 rwm"),     // ptmx
            allow("c 136:* rwm"));  // pts/*

    /**
     * Checks each part of the rule.
     *
     * @throws InvalidSpecException naming the part of the rule that is wrong
     */
    public DeviceRule {
        if (type != 'a' && type != 'b' && type != 'c') {
            throw new InvalidSpecException("devices", "type must be a, b or c, got '" + type + "'");
        }
        if (major < -1 || minor < -1 || major > 0xFFFFFFFFL || minor > 0xFFFFFFFFL) {
            throw new InvalidSpecException("devices", "major and minor must be numbers or *, got " + major + ":" + minor);
        }
        if (access == null || access.isEmpty() || !access.matches("r?w?m?")) {
            throw new InvalidSpecException("devices", "access must be a non-empty subset of rwm in that order, got \""
                    + access + "\"");
        }
    }

    /**
     * Parses an allow rule such as {@code "c 1:3 rwm"}.
     *
     * @param rule {@code TYPE MAJOR:MINOR ACCESS}, or a lone {@code a}
     * @return the rule
     * @throws InvalidSpecException naming the text if it is not such a rule
     */
    public static DeviceRule allow(String rule) {
        return parse(true, rule);
    }

    /**
     * Parses a deny rule such as {@code "a"} or {@code "b 8:* w"}.
     *
     * @param rule {@code TYPE MAJOR:MINOR ACCESS}, or a lone {@code a}
     * @return the rule
     * @throws InvalidSpecException naming the text if it is not such a rule
     */
    public static DeviceRule deny(String rule) {
        return parse(false, rule);
    }

    private static DeviceRule parse(boolean allow, String rule) {
        Matcher m = SYNTAX.matcher(rule == null ? "" : rule.strip());
        if (!m.matches()) {
            throw new InvalidSpecException("devices", "\"" + rule
                    + "\" is not a device rule like \"c 1:3 rwm\", \"b 8:* r\" or \"a\"");
        }
        if (m.group(2) == null) {
            return new DeviceRule(allow, m.group(1).charAt(0), -1, -1, "rwm");
        }
        String access = m.group(4);
        String ordered = (access.contains("r") ? "r" : "") + (access.contains("w") ? "w" : "")
                + (access.contains("m") ? "m" : "");
        if (ordered.length() != access.length()) {
            throw new InvalidSpecException("devices", "\"" + rule + "\" repeats a letter in its access \"" + access + "\"");
        }
        return new DeviceRule(allow, m.group(1).charAt(0), number(m.group(2)), number(m.group(3)), ordered);
    }

    private static long number(String text) {
        return text.equals("*") ? -1 : Long.parseLong(text);
    }

    /** {@return the line written to the kernel, for example {@code "c 1:3 rwm"}} */
    public String line() {
        return type + " " + (major < 0 ? "*" : major) + ":" + (minor < 0 ? "*" : minor) + " " + access;
    }

    @Override
    public String toString() {
        return (allow ? "allow " : "deny ") + line();
    }
}
