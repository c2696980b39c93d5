package dev.panamax.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The tests' layer unpacking until the layer unpacker is merged: GNU tar on the blob (plain or gzip), no Java
 * unpacker of its own. Each unpack appends the layer's digest to a log file when one is given, so tests count
 * how often a layer was unpacked (across JVMs: appends are atomic).
 */
final class TarUnpack implements LayerUnpack {
    private final Path log;

    TarUnpack(Path log) {
        this.log = log;
    }

    @Override
    public List<String> unpack(InputStream layer, Digest digest, Path target) throws IOException {
        Path blob = Files.createTempFile("pmx-layer-", ".tar");
        try {
            Files.copy(layer, blob, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Fixtures.run("tar", "--no-same-owner", "-xf", blob.toString(), "-C", target.toString());
        } finally {
            Files.delete(blob);
        }
        if (log != null) {
            Files.writeString(log, digest + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return List.of();
    }
}
