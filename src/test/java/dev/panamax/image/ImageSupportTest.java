package dev.panamax.image;

import dev.panamax.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image support without its optional jars fails with one error naming them; with them it works. */
class ImageSupportTest {
    @Test
    void withTheOptionalJarsImageSupportIsAvailable() {
        assertEquals(java.util.List.of(), ImageSupport.missing());
        ImageSupport.require();
    }

    @Test
    void theNamedVersionsAreThePoms() throws Exception {
        String pom = Files.readString(Path.of(System.getProperty("panamax.build.dir", "target")).toAbsolutePath()
                .getParent().resolve("pom.xml"));
        for (ImageSupport.Library library : ImageSupport.LIBRARIES) {
            String[] gav = library.artifact().split(":");
            String declared = "<groupId>" + gav[0] + "</groupId>\n      <artifactId>" + gav[1]
                    + "</artifactId>\n      <version>" + gav[2] + "</version>";
            assertTrue(pom.contains(declared), "pom.xml does not declare " + library.artifact());
        }
    }

    @Test
    void withoutTheOptionalJarsOpeningAStoreAndUnpackingALayerNameTheMissingArtifacts(@TempDir Path dir)
            throws Exception {
        // a plain JVM on this build's classes only (no container, no root: a pure test)
        Process jvm = new ProcessBuilder(ChildJvm.java(), "-cp", ChildJvm.classPath(),
                MissingLibraryProbe.class.getName(), dir.resolve("store").toString(), dir.resolve("layer").toString())
                .redirectErrorStream(true).start();
        try {
            String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertEquals(0, jvm.exitValue(), out);
            List<String> lines = out.lines().toList();
            assertEquals(2, lines.size(), out);
            for (String entry : List.of("STORE", "UNPACK")) {
                String line = lines.get(entry.equals("STORE") ? 0 : 1);
                assertTrue(line.startsWith(entry + " REFUSED: image support (dev.panamax.image) needs optional"
                        + " dependencies"), out);
                assertTrue(line.contains("com.fasterxml.jackson.core:jackson-databind:2.23.0"), out);
                assertTrue(line.contains("org.apache.commons:commons-compress:1.28.0"), out);
                assertTrue(line.contains("io.airlift:aircompressor:2.0.3"), out);
            }
            assertFalse(Files.exists(dir.resolve("store")), "the store was made without its libraries");
            try (var left = Files.list(dir.resolve("layer"))) {
                assertEquals(List.of(), left.toList(), "the unpack wrote without its libraries");
            }
        } finally {
            jvm.destroyForcibly().waitFor();
        }
    }

    @Test
    void onTheModulePathTheMessageNamesTheModulesToAdd() {
        String message = ImageSupport.message(ImageSupport.LIBRARIES);
        assertTrue(message.contains("--add-modules com.fasterxml.jackson.databind,org.apache.commons.compress"),
                message);
    }
}
