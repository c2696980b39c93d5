package dev.panamax.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of the test's own, made with {@code ip netns add pmxnl-<random>} and deleted by
 * {@link #close}, with an open descriptor of it and a way to run {@code ip} inside.
 */
final class TestNetns implements AutoCloseable {
    final String name;
    final int fd;

    private TestNetns(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    static TestNetns create() {
        String name = "pmxnl-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ip("netns", "add", name);
        try {
            return new TestNetns(name, Libc.open("/run/netns/" + name, Abi.O_RDONLY | Abi.O_CLOEXEC, 0));
        } catch (RuntimeException e) {
            ip("netns", "del", name);
            throw e;
        }
    }

    /** {@return the output of {@code ip ARGS} run inside this namespace ({@code ip -n NAME ARGS})} */
    String ipIn(String... args) {
        List<String> command = new ArrayList<>(List.of("-n", name));
        command.addAll(List.of(args));
        return ip(command.toArray(String[]::new));
    }

    /** {@return the output of {@code ip ARGS} in the test's namespace; fails the test unless it exits 0} */
    static String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a command, returning its stdout; fails unless it exits 0. */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), () -> command + " failed: " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
        ip("netns", "del", name);
    }
}
