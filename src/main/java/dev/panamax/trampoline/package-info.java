/** The fixed machine-code interpreter that runs a child program between clone and execve. Internal. */
package dev.panamax.trampoline;
