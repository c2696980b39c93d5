/** Safe, errno-checked wrappers over the Linux calls Panamax needs. The only code that uses the generated bindings. */
package dev.panamax.sys;
