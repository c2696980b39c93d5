package dev.panamax.trampoline;

import java.lang.foreign.MemorySegment;

/**
 * Bytes that can be placed at any address: what the setup executable embeds at
 * {@link ProgramLayout#IMAGE_ADDRESS} (a child program's image, laid out by the program layer, which
 * depends on this one and not the reverse).
 */
public interface RelocatableImage {

    /** The image's size in bytes. */
    int size();

    /** Copies the image into {@code target}, every pointer relocated as if the image lay at {@code address}. */
    void writeAt(MemorySegment target, long address);
}
