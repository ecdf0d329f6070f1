package dev.kimen.session;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Closes something (a socket, a process's pipe) when it is still open after a time limit, which
 * ends any read blocked on it: blocking Unix-domain channels have no read timeout of their own.
 */
final class Deadline implements AutoCloseable {
    private final Thread watcher;

    Deadline(Closeable target, Duration limit) {
        watcher = Thread.ofPlatform().daemon().name("kimen-deadline").start(() -> {
            try {
                Thread.sleep(limit);
                target.close();
            } catch (InterruptedException | IOException e) {
                // finished in time, or already closed
            }
        });
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
