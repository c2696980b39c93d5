package dev.panamax.examples;

/**
 * The Shell example's container started by an unprivileged user: a user namespace maps the caller's uid
 * to root inside, which then owns the container's other namespaces. No setuid helper, no daemon.
 *
 * <pre>
 * mvn -q -B test-compile                                     # once, as any user
 * setpriv --reuid=65534 --regid=65534 --clear-groups \
 *     java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes dev.panamax.examples.Rootless
 * </pre>
 *
 * <p>Needs unprivileged user namespaces (kernel.unprivileged_userns_clone=1 on Debian, the default since 11).
 */
public final class Rootless {
    private Rootless() {
    }

    public static void main(String[] args) {
        // TODO(issue 4): enable once the user-namespace API lands; the body below is written against it:
        //
        // Path rootfs = Examples.rootfs(args, 0);      // a rootfs the user can read (build it as that user)
        // ContainerSpec spec = ContainerSpec.builder()
        //         .rootfs(rootfs)
        //         .mapCurrentUserToRoot()              // USER namespace: uid_map "0 <uid> 1", gid_map "0 <gid> 1"
        //         .hostname("rootless")
        //         .command("/bin/sh", "-c", "echo uid $(id -u) inside; cat /proc/self/uid_map; hostname")
        //         .build();
        // try (Container c = Launcher.launch(spec)) {
        //     System.out.println("Finished! The shell " + c.waitFor());
        // } catch (LaunchException | InvalidSpecException e) {
        //     System.err.println("rootless: " + e.getMessage());
        //     System.exit(1);
        // }
        System.err.println("rootless: not available yet: user namespaces (issue 4) are not in this build;"
                + " run the Shell example as root meanwhile");
        System.exit(2);
    }
}
