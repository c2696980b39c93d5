package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.Stdio;
import dev.panamax.mount.Mount;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;

/**
 * The rootless half of {@link HintReachabilityTest}: runs in a child JVM under an unprivileged uid and prints
 * {@code reached:CAUSE:ERRNO} for each hint it reached by failure injection, {@code wrong:...} for each
 * that was not shown as declared. Uses no JUnit (not on its path).
 *
 * <pre>{@code
 * java -cp target/classes:target/test-classes dev.panamax.launch.HintProbe /tmp/rootfs
 * }</pre>
 */
public final class HintProbe {
    private HintProbe() {
    }

    public static void main(String[] args) {
        Path rootfs = Path.of(args[0]);
        // a rootless container in a user namespace: its mounts and the rest of its steps
        ContainerSpec userns = ContainerSpec.builder().rootfs(rootfs)
                .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET)
                .mapCurrentUserToRoot().mount(Mount.tmpfs("/tmp")).command("true")
                .stdout(Stdio.discard()).stderr(Stdio.discard()).build();
        HintInjection.Outcome o = HintInjection.run(userns);
        o.reached().forEach(r -> System.out.println("reached:" + r));
        o.wrong().forEach(w -> System.out.println("wrong:" + w.replace('\n', ' ')));
        // a distribution's switch against unprivileged user namespaces: this kernel has neither sysctl, and
        // setting one would change the host for every process, so the launch's clone3 is made to say EPERM
        try (var c = Launch.start(userns, s -> s == Launch.CLONE3, dev.panamax.sys.Errno.number("EPERM"))) {
            System.out.println("wrong:a refused clone3 did not fail the launch");
        } catch (LaunchException e) {
            String expected = ". Hint: " + dev.panamax.program.CloneHints.refused(userns, "clone3").stream()
                    .filter(h -> h.cause() == dev.panamax.program.Hint.Cause.USER_NAMESPACES_RESTRICTED)
                    .findFirst().orElseThrow().text();
            System.out.println(e.getMessage().endsWith(expected) && e.errnoName().equals("EPERM")
                    ? "reached:USER_NAMESPACES_RESTRICTED:EPERM" : "wrong:" + e.getMessage().replace('\n', ' '));
        }
        // without a user namespace nothing can be created: the launcher's clone3 says EPERM, for real
        ContainerSpec noUserns = ContainerSpec.builder().namespaces(Namespace.UTS).command("true").build();
        try (var c = Launch.start(noUserns)) {
            System.out.println("wrong:a launch without root and without a user namespace succeeded");
        } catch (LaunchException e) {
            System.out.println(e.getMessage().contains(". Hint: this needs root or a user namespace")
                    && e.getMessage().contains("mapCurrentUserToRoot()")
                    ? "reached:NOT_ROOT:" + e.errnoName() : "wrong:" + e.getMessage().replace('\n', ' '));
        }
    }
}
