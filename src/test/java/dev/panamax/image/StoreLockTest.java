package dev.panamax.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store lock inside one JVM (real file locks on a temporary file). */
class StoreLockTest {
    @TempDir
    Path dir;

    @Test
    void aSharedTakerDoesNotQueueBehindAWaitingExclusiveOneWhileTheLockIsShared() throws Exception {
        StoreLock lock = StoreLock.of(dir.resolve("lock"));
        try (StoreLock.Held pull = lock.shared()) {
            CountDownLatch pruneWaits = new CountDownLatch(1);
            CompletableFuture<Void> prune = CompletableFuture.runAsync(() -> {
                pruneWaits.countDown();
                try (StoreLock.Held held = lock.exclusive()) {
                    // the prune's work
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            pruneWaits.await();
            Thread.sleep(200); // the prune is queued now
            assertFalse(prune.isDone(), "the prune waits for the pull");
            CompletableFuture<Void> download = CompletableFuture.runAsync(() -> {
                try (StoreLock.Held held = lock.shared()) {
                    // a download thread of the pull
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            download.get(5, TimeUnit.SECONDS); // no deadlock: pull waits for download, prune for pull
            assertFalse(prune.isDone(), "the prune still waits for the pull");
        }
        lockTaken(lock);
    }

    private static void lockTaken(StoreLock lock) throws Exception {
        CompletableFuture<Boolean> again = CompletableFuture.supplyAsync(() -> {
            try (StoreLock.Held held = lock.exclusive()) {
                return true;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(again.get(5, TimeUnit.SECONDS), "the lock is free after the pull");
    }
}
