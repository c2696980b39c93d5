/** Errno-checked access to the libc calls that the launch layer needs. Internal; the only users of the bindings. */
package dev.panamax.sys.internal;
