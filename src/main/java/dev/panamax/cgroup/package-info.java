/** Control groups: resource limits, statistics, freeze and kill, on cgroup v1, v2 and hybrid hosts. */
package dev.panamax.cgroup;
