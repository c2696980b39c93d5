/**
 * What every part of a container spec shares: {@link dev.panamax.spec.InvalidSpecException}, the error for a
 * broken rule. A leaf package: the API package and the packages of a spec's parts ({@code mount}) use it and
 * it uses neither, so {@code mount} need not depend on the API package that depends on it.
 */
package dev.panamax.spec;
