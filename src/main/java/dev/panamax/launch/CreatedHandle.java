package dev.panamax.launch;

import dev.panamax.ProcessIdentity;

import dev.panamax.ProcessSpec;

import dev.panamax.Container;

import dev.panamax.CreatedContainer;
import dev.panamax.ExitStatus;
import dev.panamax.StartRecord;
import dev.panamax.Terminal;
import dev.panamax.cgroup.CgroupStats;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A created container of this JVM: the running container's handle, its start record and {@link #start()}. */
final class CreatedHandle implements CreatedContainer {
    private final RunningContainer running;
    private final StartRecord record;

    CreatedHandle(RunningContainer running, StartRecord record) {
        this.running = running;
        this.record = record;
    }

    @Override
    public StartRecord startRecord() {
        return record;
    }

    @Override
    public void start() {
        CreatedLaunch.start(record);
    }

    /** Kills it, started or not, reaps it, and removes its start FIFO and directory. */
    @Override
    public void close() {
        try {
            running.close();
        } finally {
            CreatedLaunch.removeQuietly(record.fifo(), record.fifo().getParent(), null);
        }
    }

    @Override
    public long pid() {
        return running.pid();
    }

    @Override
    public Container exec(ProcessSpec process, Optional<ProcessIdentity> user,
                          java.util.Set<dev.panamax.Capability> dropCapabilities) {
        return running.exec(process, user, dropCapabilities); // into a started container: it has exec'd
    }

    @Override
    public ExitStatus waitFor() throws InterruptedException {
        return running.waitFor();
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        return running.waitFor(timeout);
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return running.onExit();
    }

    @Override
    public boolean isAlive() {
        return running.isAlive();
    }

    @Override
    public int exitValue() {
        return running.exitValue();
    }

    @Override
    public Optional<ProcessHandle> toHandle() {
        return running.toHandle();
    }

    @Override
    public void kill(int signal) {
        running.kill(signal);
    }

    @Override
    public OutputStream stdin() {
        return running.stdin();
    }

    @Override
    public InputStream stdout() {
        return running.stdout();
    }

    @Override
    public InputStream stderr() {
        return running.stderr();
    }

    @Override
    public Terminal terminal() {
        return running.terminal();
    }

    @Override
    public CgroupStats stats() {
        return running.stats();
    }

    @Override
    public void freeze() {
        running.freeze();
    }

    @Override
    public void thaw() {
        running.thaw();
    }

    @Override
    public void killAll() {
        running.killAll();
    }

    @Override
    public java.util.List<java.net.InetAddress> addresses() {
        return running.addresses();
    }

    @Override
    public String toString() {
        return "Created" + running + " " + record.text();
    }
}
