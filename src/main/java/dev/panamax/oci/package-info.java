/**
 * The OCI runtime-spec's {@code config.json} read and mapped onto a {@link dev.panamax.ContainerSpec}
 * ({@link dev.panamax.oci.OciConfig}). Needs the optional dependency Jackson (jackson-databind).
 */
package dev.panamax.oci;
