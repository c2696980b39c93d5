/** The public API: describe a container, launch it, hold the handle. */
package dev.panamax;
