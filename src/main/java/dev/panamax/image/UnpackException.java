package dev.panamax.image;

import java.io.IOException;

/**
 * A layer that {@link LayerUnpacker} refused or could not unpack. The message names the layer digest,
 * the entry and the rule; the target directory may hold part of the layer: delete it.
 */
public final class UnpackException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a layer was refused. */
    public enum Rule {
        /** An entry name starting with {@code /}. */
        ABSOLUTE_NAME("an absolute name"),
        /** A {@code ..} component in an entry name. */
        PARENT_COMPONENT("a '..' component"),
        /** A NUL character in an entry name or link target. */
        NUL_IN_NAME("a NUL character in the name"),
        /** A non-directory entry naming the layer's root ({@code "."} or {@code "./"}). */
        REPLACES_ROOT("it would replace the layer's root directory"),
        /** An entry whose parent path goes through a symlink (or a non-directory). */
        THROUGH_SYMLINK("its path goes through a symlink or a non-directory of the layer"),
        /** A hard link whose target is not an earlier entry of the same layer, or leads outside. */
        HARD_LINK_OUTSIDE("a hard link to a path that is not an earlier entry of this layer"),
        /** A whiteout naming nothing, {@code .} or {@code ..}. */
        WHITEOUT_NAME("a whiteout naming nothing, '.' or '..'"),
        /**
         * The file system refused the whiteout, a character device 0:0 (the cause's errno says why: overlayfs
         * refuses it, and Linux before 5.8 makes it only with {@code CAP_MKNOD}).
         */
        WHITEOUT_REFUSED("the file system refused its whiteout, a character device 0:0"),
        /** More content than {@link UnpackOptions#maxBytes()}. */
        SIZE_LIMIT("more content than the size limit"),
        /** More entries than {@link UnpackOptions#maxEntries()}. */
        ENTRY_LIMIT("more entries than the entry limit"),
        /** Tar headers (PAX, GNU long names) or skipped content larger than the unpacker reads for one entry. */
        HEADER_LIMIT("tar headers larger than the header limit"),
        /** An entry type the unpacker does not know. */
        UNSUPPORTED_TYPE("an unsupported entry type"),
        /** A stream that is not a valid (compressed) tar archive. */
        MALFORMED("a malformed archive"),
        /** A file system call failed (the cause says which). */
        WRITE_FAILED("writing it failed");

        private final String description;

        Rule(String description) {
            this.description = description;
        }

        /**
         * The rule in words, as the message uses it.
         *
         * @return the description
         */
        public String description() {
            return description;
        }
    }

    /** The layer's digest. */
    private final String layerDigest;
    /** The entry's name as in the archive, or null. */
    private final String entry;
    /** The rule broken. */
    private final Rule rule;

    /**
     * A refusal.
     *
     * @param layerDigest the layer's digest, such as {@code sha256:...}
     * @param entry       the entry's name as the archive has it, or null if the archive itself failed
     * @param rule        the rule
     * @param detail      more about it, or null
     * @param cause       the underlying failure, or null
     */
    public UnpackException(String layerDigest, String entry, Rule rule, String detail, Throwable cause) {
        super("layer " + layerDigest + (entry == null ? "" : ": entry \"" + printable(entry) + "\"") + ": "
                + rule.description() + (detail == null ? "" : " (" + detail + ")"), cause);
        this.layerDigest = layerDigest;
        this.entry = entry;
        this.rule = rule;
    }

    /**
     * The layer's digest.
     *
     * @return the digest given to {@link LayerUnpacker#unpack}
     */
    public String layerDigest() {
        return layerDigest;
    }

    /**
     * The refused entry's name, as in the archive.
     *
     * @return the name, or null if the archive itself failed
     */
    public String entry() {
        return entry;
    }

    /**
     * The rule the entry broke.
     *
     * @return the rule
     */
    public Rule rule() {
        return rule;
    }

    /** The name with control characters escaped, so that a message stays one readable line. */
    static String printable(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(512).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return name.length() > 512 ? b + "..." : b.toString();
    }
}
