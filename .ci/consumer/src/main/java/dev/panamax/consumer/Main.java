package dev.panamax.consumer;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.ExitStatus;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Runs {@code echo} in a container on the root filesystem given as the only argument and checks what it printed.
 * Prints one line saying whether Panamax came from the module path or the class path; exits 1 on a mismatch.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the check.
     *
     * @param args the root filesystem directory (holding {@code /bin/echo})
     * @throws Exception if the launch fails
     */
    public static void main(String[] args) throws Exception {
        Module panamax = Launcher.class.getModule();
        String path = panamax.isNamed() ? "module path (" + panamax.getName() + ")" : "class path";
        ContainerSpec spec = ContainerSpec.builder()
                .rootfs(Path.of(args[0]))
                .hostname("consumer")
                .command("/bin/echo", "hello from a consumer")
                .stdout(Stdio.pipe())
                .build();
        String out;
        ExitStatus status;
        try (Container c = Launcher.launch(spec)) {
            out = new String(c.stdout().readAllBytes(), StandardCharsets.UTF_8);
            status = c.waitFor();
        }
        boolean ok = status.equals(ExitStatus.exited(0)) && out.equals("hello from a consumer\n");
        System.out.println((ok ? "OK" : "FAILED") + ": Panamax on the " + path + ", container printed "
                + out.strip() + ", " + status);
        System.exit(ok ? 0 : 1);
    }
}
