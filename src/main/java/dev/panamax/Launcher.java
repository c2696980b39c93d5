package dev.panamax;

/** Placeholder, replaced by the launcher core. */
public final class Launcher { private Launcher() {} }
