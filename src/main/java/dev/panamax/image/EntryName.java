package dev.panamax.image;

import dev.panamax.image.UnpackException.Rule;

import java.util.ArrayList;
import java.util.List;

/**
 * An entry name of a layer split into components: no absolute name, no {@code ..}, no NUL; {@code .}
 * and empty components dropped. The layer's root itself has no components ({@link #isRoot()}).
 *
 * @param components the components, none empty, {@code .} or {@code ..}
 */
record EntryName(List<String> components) {
    /** The prefix of a whiteout's base name. */
    static final String WHITEOUT_PREFIX = ".wh.";
    /** The base name that makes its directory opaque. */
    static final String OPAQUE = ".wh..wh..opq";

    /**
     * Parses {@code raw}, an entry name or hard link target.
     *
     * @param raw the name as the archive has it
     * @return the checked name
     * @throws RefusedName which rule it breaks
     */
    static EntryName parse(String raw) throws RefusedName {
        if (raw.indexOf('\0') >= 0) {
            throw new RefusedName(Rule.NUL_IN_NAME);
        }
        if (raw.startsWith("/")) {
            throw new RefusedName(Rule.ABSOLUTE_NAME);
        }
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.equals("..")) {
                throw new RefusedName(Rule.PARENT_COMPONENT);
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return new EntryName(List.copyOf(parts));
    }

    boolean isRoot() {
        return components.isEmpty();
    }

    /** The last component; not for the root. */
    String leaf() {
        return components.getLast();
    }

    /** The parent's components joined with {@code /}, or {@code "."} for an entry of the root. */
    String parent() {
        return components.size() == 1 ? "." : String.join("/", components.subList(0, components.size() - 1));
    }

    /** The components joined with {@code /} ({@code "."} for the root). */
    String path() {
        return isRoot() ? "." : String.join("/", components);
    }

    /** A refused name: the rule, for the caller to add the layer and entry. */
    static final class RefusedName extends Exception {
        private static final long serialVersionUID = 1L;
        private final Rule rule;

        RefusedName(Rule rule) {
            super(rule.description(), null, false, false);
            this.rule = rule;
        }

        Rule rule() {
            return rule;
        }
    }
}
