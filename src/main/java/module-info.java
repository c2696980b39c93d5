/**
 * Panamax: Linux containers from Java through the FFM API.
 *
 * <p>Start with {@link dev.panamax.ContainerSpec} and {@link dev.panamax.Launcher}.
 */
module dev.panamax {
    // the examples (compiled into this module by the test build) fetch from containers with HttpClient
    requires static java.net.http;
    // image support (dev.panamax.image) and config.json (dev.panamax.oci, Jackson only): optional at run time, ImageSupport names what is missing
    requires static com.fasterxml.jackson.databind;
    requires static org.apache.commons.compress;
    requires static aircompressor;
    // the panamax command (dev.panamax.cli) only: its command line parser
    requires static org.apache.commons.cli;
    // run forwards the signals it gets to its container (sun.misc.Signal)
    requires jdk.unsupported;

    exports dev.panamax;
    exports dev.panamax.cgroup;
    exports dev.panamax.cli;
    exports dev.panamax.image;
    exports dev.panamax.mount;
    exports dev.panamax.net;
    exports dev.panamax.oci;
    exports dev.panamax.rootfs;
    exports dev.panamax.seccomp;
    exports dev.panamax.spec;
    exports dev.panamax.sys;
}
