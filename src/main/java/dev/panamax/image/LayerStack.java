package dev.panamax.image;

import dev.panamax.sys.BeneathDirectory;
import dev.panamax.sys.ErrnoException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a file of an image as its stacked layers show it, without mounting them: the layers top down, each path
 * component looked up beneath the layer's directory with no symlink followed ({@link BeneathDirectory}), a whiteout
 * (a character device 0:0, or in rootless layers unpacked by earlier versions an empty file with
 * {@code user.overlay.whiteout}) ending the search with "deleted", an opaque directory
 * ({@code trusted.overlay.opaque=y}, rootless {@code user.overlay.opaque=y}) hiding what lower layers hold below
 * it, and a non-directory hiding the lower layers' directory of that name.
 * A symlink on the way or as the file itself is refused, not followed: the file is read only where the image keeps a
 * regular file of its own.
 */
final class LayerStack {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private final String image;
    private final List<Path> layers;
    private final String overlayXattr;

    /**
     * A stack of layers.
     *
     * @param image     the image's name, for messages
     * @param layers    the layer directories, bottom first
     * @param userXattr whether the layers are in the rootless form ({@code user.overlay.*})
     */
    LayerStack(String image, List<Path> layers, boolean userXattr) {
        this.image = image;
        this.layers = List.copyOf(layers);
        this.overlayXattr = userXattr ? "user.overlay." : "trusted.overlay.";
    }

    /** What one layer says of a path. */
    private sealed interface Found {
    }

    /** The layer has nothing at the path: ask the one below. */
    private record Below() implements Found {
    }

    /** The path is deleted or hidden here: no layer below counts. */
    private record Absent() implements Found {
    }

    /** The file's bytes. */
    private record Content(byte[] bytes) implements Found {
    }

    /**
     * The content of a regular file of the stack.
     *
     * @param path     a relative path such as {@code etc/passwd} (no {@code .}, {@code ..} or empty component)
     * @param maxBytes the largest file read
     * @return its bytes, or empty if no layer has it or an upper layer deletes or hides it
     * @throws IOException naming the image, the file and the layer if the path leads through a symlink or is one, is
     *                     not a regular file, is larger than {@code maxBytes}, or reading fails
     */
    Optional<byte[]> read(String path, int maxBytes) throws IOException {
        List<String> components = List.of(path.split("/"));
        for (int i = layers.size() - 1; i >= 0; i--) {
            Found found;
            try (BeneathDirectory top = BeneathDirectory.open(layers.get(i))) {
                found = lookUp(top, components, path, i, maxBytes);
            } catch (ErrnoException e) {
                throw new IOException(where(path, i) + ": " + e.getMessage(), e);
            }
            switch (found) {
                case Content c -> {
                    return Optional.of(c.bytes());
                }
                case Absent a -> {
                    return Optional.empty();
                }
                case Below b -> {
                    // the next layer down
                }
            }
        }
        return Optional.empty();
    }

    private Found lookUp(BeneathDirectory top, List<String> components, String path, int layer, int maxBytes)
            throws IOException {
        List<BeneathDirectory> open = new ArrayList<>();
        try {
            BeneathDirectory dir = top;
            boolean opaque = false;
            for (int k = 0; k < components.size(); k++) {
                String name = components.get(k);
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(dir.entry(name), "unix:mode,rdev,size", NOFOLLOW);
                } catch (NoSuchFileException e) {
                    return opaque ? new Absent() : new Below();
                }
                int type = (int) a.get("mode") & S_IFMT;
                String sub = String.join("/", components.subList(0, k + 1));
                if (type == S_IFCHR && (long) a.get("rdev") == 0
                        || isXattrWhiteout(dir, name, type, (long) a.get("size"))) {
                    return new Absent();
                }
                if (type == S_IFLNK) {
                    throw new IOException(where(path, layer) + ": /" + sub + " is a symlink; the image's accounts are "
                            + "read from regular files only, no symlink followed");
                }
                if (k == components.size() - 1) {
                    if (type != S_IFREG) {
                        throw new IOException(where(path, layer) + ": not a regular file");
                    }
                    return new Content(readLimited(dir.entry(name), path, layer, maxBytes));
                }
                if (type != S_IFDIR) {
                    return new Absent(); // a file hides the lower layers' directory of that name
                }
                dir = dir.openBeneath(name);
                open.add(dir);
                opaque |= dir.getXattr(".", overlayXattr + "opaque", 16)
                        .map(v -> v.length == 1 && v[0] == 'y').orElse(false);
            }
            throw new IllegalArgumentException("path: no component: " + path);
        } finally {
            open.forEach(BeneathDirectory::close);
        }
    }

    /**
     * The rootless whiteout earlier versions wrote (Linux 6.7+ overlays read it): an empty regular file with
     * {@code user.overlay.whiteout}. Such layers stay in stores, recorded as {@code rootless} like today's.
     */
    private boolean isXattrWhiteout(BeneathDirectory dir, String name, int type, long size) {
        return overlayXattr.startsWith("user.") && type == S_IFREG && size == 0
                && dir.getXattr(name, "user.overlay.whiteout", 16).isPresent();
    }

    private byte[] readLimited(Path file, String path, int layer, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException(where(path, layer) + ": larger than the limit of " + maxBytes + " bytes");
            }
            return bytes;
        }
    }

    private String where(String path, int layer) {
        return "image " + image + ": /" + path + " in layer " + (layer + 1) + " of " + layers.size() + " ("
                + layers.get(layer) + ")";
    }
}
