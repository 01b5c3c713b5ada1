package dev.trailwatch.detector.pipeline;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Starts something slow (the in-process broker and the detector: 3-10 s) on a thread of its own while the caller does
 * work that does not need it yet ({@code scan} reads and sorts its whole input before the first record is produced).
 * {@link #get()} waits for it; a failure to start is rethrown there, or earlier by {@link #failFast()}. Closing waits
 * for a start still under way and closes what it started, so nothing is left running.
 */
public final class BackgroundStart<T extends AutoCloseable> implements AutoCloseable {

    private final CompletableFuture<T> started = new CompletableFuture<>();

    private BackgroundStart(Callable<T> start, String name) {
        Thread thread = new Thread(() -> {
            try {
                started.complete(start.call());
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    public static <T extends AutoCloseable> BackgroundStart<T> begin(String name, Callable<T> start) {
        return new BackgroundStart<>(start, name);
    }

    /** What was started, once it is; the start's own exception if it failed. */
    public T get() throws Exception {
        try {
            return started.get();
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        }
    }

    /** Throws the start's failure now if it has already failed; a cheap check for a long-running caller. */
    public void failFast() {
        if (started.isCompletedExceptionally()) {
            try {
                started.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    private static Exception rethrowable(Throwable cause) {
        if (cause instanceof Exception e) {
            return e;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    @Override
    public void close() throws Exception {
        T value;
        try {
            value = started.get();
        } catch (ExecutionException e) {
            return; // it never started: nothing to close (the failure is reported by get() or failFast())
        }
        value.close();
    }
}
