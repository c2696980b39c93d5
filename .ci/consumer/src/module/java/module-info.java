/** The consumer check's program as a module: Panamax on the module path. */
module dev.panamax.consumer {
    requires dev.panamax;
}
