/**
 * Panamax: Linux containers from Java through the FFM API.
 *
 * <p>Start with {@code dev.panamax.ContainerSpec} and {@link dev.panamax.Launcher}.
 */
module dev.panamax {
    exports dev.panamax;
    exports dev.panamax.seccomp;
    exports dev.panamax.sys;
}
