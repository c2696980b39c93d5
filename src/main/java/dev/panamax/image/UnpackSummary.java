package dev.panamax.image;

import java.util.List;

/**
 * What {@link LayerUnpacker#unpack} did.
 *
 * @param entries      the tar entries read (PAX and GNU long-name headers not counted)
 * @param bytesWritten the file content bytes written
 * @param notes        what was skipped or dropped, one line each (a device node in a rootless unpack, an
 *                     extended attribute not kept); immutable
 */
public record UnpackSummary(long entries, long bytesWritten, List<String> notes) {
    /**
     * Copies {@code notes}.
     *
     * @throws NullPointerException if {@code notes} is null
     */
    public UnpackSummary {
        notes = List.copyOf(notes);
    }
}
