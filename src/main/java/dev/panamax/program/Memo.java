package dev.panamax.program;

import java.util.Map;
import java.util.function.Function;

/**
 * A bounded memo for the compiler: the arguments and steps that most programs share (an {@code open_how},
 * a {@code mount_attr}, a capset) are made once per JVM, not once per launch. Keys must be immutable. Past
 * {@link #LIMIT} entries a map stops growing (a JVM that launches ever new specs pays the old cost, never
 * memory without bound).
 */
final class Memo {
    private Memo() {
    }

    static final int LIMIT = 256;

    static <K, V> V of(Map<K, V> memo, K key, Function<K, V> make) {
        V v = memo.get(key);
        if (v == null) {
            v = make.apply(key);
            if (memo.size() < LIMIT) {
                memo.putIfAbsent(key, v);
            }
        }
        return v;
    }
}
