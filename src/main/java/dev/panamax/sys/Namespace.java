package dev.panamax.sys;

/** Placeholder, replaced by the foundation work. */
public enum Namespace { MOUNT }
