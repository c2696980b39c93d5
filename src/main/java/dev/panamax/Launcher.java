package dev.panamax;

import dev.panamax.launch.LaunchService;

/**
 * Starts containers, and shows what a start would do.
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder().rootfs(rootfs).command("sh").build();
 * System.out.print(Launcher.plan(spec));          // the child's syscalls, one per line
 * try (Container c = Launcher.launch(spec)) {
 *     System.out.println(c.waitFor());
 * }
 * }</pre>
 *
 * <p>Launches are serialised on one long-lived platform thread (the "launcher"): the kernel ties
 * die-with-parent to the thread that cloned, so that thread must live as long as the JVM.
 */
public final class Launcher {
    private Launcher() {
    }

    /**
     * Launches the container and returns once its process has exec'd.
     *
     * @param spec what to launch
     * @return the running container; close it to free everything the launch made
     * @throws LaunchException if any step failed; nothing of the container is left. Also, before anything is
     *         made, when this JVM denies native access: the message names the flag to add
     */
    public static Container launch(ContainerSpec spec) {
        return LaunchService.launch(spec);
    }

    /**
     * What the child will do, syscall by syscall, as strace-like text (descriptors shown symbolically), after
     * the line of the launcher's clone ({@code clone3}, or {@code clone} where clone3 is refused). Nothing is
     * launched.
     *
     * @param spec what a launch would start
     * @return the plan, one call per line
     * @throws IllegalCallerException when this JVM denies native access (the compiler reads the kernel's
     *         numbers from the bindings); the message names the flag to add
     */
    public static String plan(ContainerSpec spec) {
        return LaunchService.planText(spec);
    }
}
