/**
 * OCI images: references, the image store, and the secure layer unpacker ({@link dev.panamax.image.LayerUnpacker}).
 * Needs the optional dependencies Apache Commons Compress and aircompressor on the class or module path.
 */
package dev.panamax.image;
