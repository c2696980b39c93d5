package dev.panamax.cgroup;

import dev.panamax.spec.InvalidSpecException;

import java.util.BitSet;

/** The kernel's list syntax for CPUs and memory nodes: {@code "0-3,8,10-11"}. */
final class IdList {

    private IdList() {
    }

    /** @throws InvalidSpecException naming {@code field} when the text is not such a list */
    static BitSet parse(String field, String text) {
        BitSet ids = new BitSet();
        String stripped = text == null ? "" : text.strip();
        if (stripped.isEmpty()) {
            throw new InvalidSpecException(field, "must not be empty");
        }
        for (String part : stripped.split(",", -1)) {
            String[] range = part.split("-", -1);
            try {
                int from = Integer.parseInt(range[0]);
                int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                if (range.length > 2 || from < 0 || to < from || to > 65_535) {
                    throw new NumberFormatException();
                }
                ids.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new InvalidSpecException(field, "\"" + text
                        + "\" is not a list like 0-3,8 (bad part \"" + part + "\")");
            }
        }
        return ids;
    }

    /** The canonical text of a set: {@code "0-3,8"}. */
    static String format(BitSet ids) {
        StringBuilder text = new StringBuilder();
        for (int from = ids.nextSetBit(0); from >= 0; ) {
            int end = ids.nextClearBit(from);
            text.append(text.isEmpty() ? "" : ",").append(from);
            if (end - 1 > from) {
                text.append('-').append(end - 1);
            }
            from = ids.nextSetBit(end);
        }
        return text.toString();
    }

    /**
     * Checks that every id in {@code text} is in {@code online}.
     *
     * @throws InvalidSpecException like "cpuset.cpus: CPU 7 does not exist (online: 0-1)"
     */
    static String requireSubset(String field, String what, String text, BitSet online) {
        BitSet wanted = parse(field, text);
        BitSet missing = (BitSet) wanted.clone();
        missing.andNot(online);
        if (!missing.isEmpty()) {
            throw new InvalidSpecException(field, "" + what + " " + format(missing)
                    + (missing.cardinality() == 1 ? " does" : " do") + " not exist (online: " + format(online) + ")");
        }
        return format(wanted);
    }
}
