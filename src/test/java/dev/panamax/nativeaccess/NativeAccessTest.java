package dev.panamax.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ChildJvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without native access (the JDK's announced default, {@code --illegal-native-access=deny}), specs build and
 * validate; a plan or a launch fails with one sentence naming the flag to add, before anything is made. Pure: the
 * child JVM launches nothing.
 */
class NativeAccessTest {

    @Test
    void specsBuildWithoutNativeAccessAndALaunchNamesTheClassPathFlag() throws Exception {
        String out = runDenied(List.of("-cp", ChildJvm.classPath()));
        assertRefusedNaming(out, "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void specsBuildWithoutNativeAccessAndALaunchNamesTheModulePathFlag() throws Exception {
        Path target = Path.of(System.getProperty("panamax.build.dir", "target"));
        // the probe on the class path, Panamax as the named module dev.panamax
        String out = runDenied(List.of("--module-path", target.resolve("classes").toString(),
                "--add-modules", "dev.panamax", "-cp", target.resolve("test-classes").toString()));
        assertRefusedNaming(out, "--enable-native-access=dev.panamax ");
    }

    private static String runDenied(List<String> path) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "--illegal-native-access=deny"));
        command.addAll(path);
        command.add(DeniedProbe.class.getName());
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the probe JVM ended");
            assertEquals(0, jvm.exitValue(), out);
            return out;
        } finally {
            jvm.destroyForcibly();
        }
    }

    private static void assertRefusedNaming(String out, String flag) {
        assertTrue(out.contains("built 5 namespaces, seccomp true\n"), out);
        assertTrue(out.contains("built rootless true\n"), out);
        assertTrue(out.contains("built mapped true\n"), out);
        assertTrue(out.contains("built every option 8\n"), out);
        assertTrue(out.contains("invalid command\n"), out);
        assertTrue(out.contains("plan refused: Panamax needs native access, which this JVM denies: add " + flag), out);
        assertTrue(out.contains("launch refused: Cannot launch [sh, -c, true] in /")
                && out.contains(": Panamax needs native access, which this JVM denies: add " + flag), out);
        assertTrue(out.contains("launcher threads: 0\n"), "nothing was started for the launch: " + out);
        assertTrue(!out.contains("Exception") && !out.contains("WARNING"), out);
    }
}
