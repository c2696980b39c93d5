package dev.panamax.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store lock inside one JVM (real file locks on a temporary file). */
class StoreLockTest {
    @TempDir
    Path dir;

    /** A thread per task (the common pool may have one worker on 2 cores: a blocked task would hold it). */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @org.junit.jupiter.api.AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aSharedTakerDoesNotQueueBehindAWaitingExclusiveOneWhileTheLockIsShared() throws Exception {
        StoreLock lock = StoreLock.of(dir.resolve("lock"));
        CompletableFuture<Void> prune;
        try (StoreLock.Held pull = lock.shared()) {
            CountDownLatch pruneWaits = new CountDownLatch(1);
            prune = CompletableFuture.runAsync(() -> {
                pruneWaits.countDown();
                try (StoreLock.Held held = lock.exclusive()) {
                    // the prune's work
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            pruneWaits.await();
            Thread.sleep(200); // the prune is queued now
            assertFalse(prune.isDone(), "the prune waits for the pull");
            CompletableFuture<Void> download = CompletableFuture.runAsync(() -> {
                try (StoreLock.Held held = lock.shared()) {
                    // a download thread of the pull
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            download.get(5, TimeUnit.SECONDS); // no deadlock: pull waits for download, prune for pull
            assertFalse(prune.isDone(), "the prune still waits for the pull");
        }
        prune.get(5, TimeUnit.SECONDS);
        lockTaken(lock);
    }

    private void lockTaken(StoreLock lock) throws Exception {
        CompletableFuture<Boolean> again = CompletableFuture.supplyAsync(() -> {
            try (StoreLock.Held held = lock.exclusive()) {
                return true;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        assertTrue(again.get(5, TimeUnit.SECONDS), "the lock is free after the pull");
    }
}
