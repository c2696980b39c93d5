/**
 * The child program: what the child does between clone and execve, as data. {@code SpecCompiler} turns a
 * spec into a {@code ChildProgram} (a list of {@code Step}s, one class per group of steps, in the child's
 * order); {@code ProgramImage} lays it out in native memory for the interpreter. Internal.
 */
package dev.panamax.program;
