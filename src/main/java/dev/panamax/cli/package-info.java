/**
 * The {@code panamax} command: an OCI runtime with runc's command line ({@link dev.panamax.cli.Main}).
 *
 * <p>So far: the global flags ({@code --root}, {@code --log}, {@code --log-format}, {@code --debug},
 * {@code --systemd-cgroup}, {@code --version}) and the commands {@code features} and {@code spec}. The
 * command line is parsed by picocli, an optional dependency of Panamax that only this package uses: the
 * installed layout ({@code bin/panamax}) puts it on the module path; without it, {@code Main} reports the
 * missing artifact.
 */
package dev.panamax.cli;
