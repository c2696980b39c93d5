package dev.panamax.bench;

import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A process that launches on request, so that its rows interleave launch by launch with the benchmark's own:
 * the benchmark writes one command byte, the server does one launch, waits for it and answers with the
 * launch-to-exit time it measured, a little-endian int64 of nanoseconds (-1: it failed, the reason is on
 * its stderr, which is the benchmark's). The C reference ({@code src/test/c/launch_server.c}) and the JVMs
 * of the 4 GiB heap row and the rootless row are such servers.
 *
 * <pre>{@code
 * try (LaunchServer s = LaunchServer.start(List.of("target/bench/launch-server"))) { long ns = s.launch('s'); }
 * }</pre>
 */
final class LaunchServer implements AutoCloseable {
    private final Process process;
    private final OutputStream commands;
    private final DataInputStream answers;
    private final byte[] word = new byte[8];

    private LaunchServer(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
        this.answers = new DataInputStream(process.getInputStream());
    }

    /** Starts {@code command}; its stderr is the benchmark's. */
    static LaunchServer start(List<String> command) throws IOException {
        return new LaunchServer(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** One launch of kind {@code command}; its launch-to-exit time in nanoseconds, as the server measured it. */
    long launch(char command) throws IOException {
        commands.write(command);
        commands.flush();
        answers.readFully(word);
        long ns = ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (ns < 0) {
            throw new IllegalStateException("launch '" + command + "' failed in " + process.info().command()
                    .orElse("the server") + " (its message is above)");
        }
        return ns;
    }

    /** Ends the server (EOF on its commands) and waits for it. */
    @Override
    public void close() throws IOException {
        commands.close();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The Java side of the protocol, for a server JVM: answers each command byte on stdin with one launch of
     * the kind {@code kinds} maps it to (an unknown byte answers -1).
     */
    static void serve(java.util.Map<Character, LaunchBenchmark.Launch> kinds) throws Exception {
        InputStream in = new FileInputStream(FileDescriptor.in); // unbuffered: a command never waits for more
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        ByteBuffer answer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int command;
        while ((command = in.read()) >= 0) {
            long ns;
            try {
                LaunchBenchmark.Launch launch = kinds.get((char) command);
                if (launch == null) {
                    throw new IllegalArgumentException("no launch of kind '" + (char) command + "' in this server");
                }
                ns = launch.nanos();
            } catch (Exception | Error e) {
                e.printStackTrace();
                ns = -1;
            }
            out.write(answer.clear().putLong(ns).array());
            out.flush();
        }
    }
}
