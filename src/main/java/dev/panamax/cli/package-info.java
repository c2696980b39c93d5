/**
 * The {@code panamax} command: an OCI runtime with runc's command line ({@link dev.panamax.cli.Main}).
 *
 * <p>The global flags ({@code --root}, {@code --log}, {@code --log-format}, {@code --debug},
 * {@code --systemd-cgroup}, {@code --version}), the lifecycle commands ({@code create}, {@code start},
 * {@code run}, {@code state}, {@code kill}, {@code delete}, {@code list}, {@code ps}, {@code pause},
 * {@code resume}, {@code update}) and {@code features} and {@code spec}. The command line is parsed by Apache
 * Commons CLI, an optional dependency of Panamax that only this package uses: the installed layout
 * ({@code bin/panamax}) puts it on the module path; without it, {@code Main} reports the missing artifact.
 */
package dev.panamax.cli;
