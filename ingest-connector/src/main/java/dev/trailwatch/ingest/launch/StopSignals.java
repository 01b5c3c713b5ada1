package dev.trailwatch.ingest.launch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and Ctrl-C (SIGINT) as a clean stop: the command's stop action runs, the command finishes its work (flush,
 * commit, close) and returns its own exit code, 0. With the JVM's default handling a signal starts the shutdown at
 * once and the process exits 143 / 130 whatever the command returned. A second signal while stopping exits at once
 * (130 / 143). Without a stop action registered, a signal exits as the JVM would.
 */
public final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final AtomicReference<Runnable> ACTION = new AtomicReference<>();
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    private StopSignals() {
    }

    /**
     * Runs {@code stop} (once, on a thread of its own) on the first SIGTERM or SIGINT, until the returned handle is
     * closed. Returns false when the signals cannot be handled here (e.g. {@code -Xrs}); the caller then falls back on
     * a shutdown hook.
     */
    public static Registration onStop(Runnable stop) {
        boolean handled = install();
        STOPPING.set(false);
        ACTION.set(stop);
        return new Registration(handled, stop);
    }

    private static boolean install() {
        if (INSTALLED.get()) {
            return true;
        }
        synchronized (StopSignals.class) {
            if (!INSTALLED.get()) {
                try {
                    Signal.handle(new Signal("TERM"), StopSignals::received);
                    Signal.handle(new Signal("INT"), StopSignals::received);
                    INSTALLED.set(true);
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    LOG.debug("cannot handle stop signals: {}", e.getMessage());
                    return false;
                }
            }
        }
        return true;
    }

    private static void received(Signal signal) {
        int code = 128 + signal.getNumber();
        Runnable action = ACTION.get();
        if (action == null || !STOPPING.compareAndSet(false, true)) {
            new Thread(() -> System.exit(code), "trailwatch-exit").start();
            return;
        }
        LOG.info("SIG{} received: stopping cleanly (send it again to exit at once)", signal.getName());
        Thread stopper = new Thread(action, "trailwatch-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** The stop action's registration; closing it makes a later signal exit as the JVM would. */
    public static final class Registration implements AutoCloseable {
        private final boolean handled;
        private final Runnable action;

        private Registration(boolean handled, Runnable action) {
            this.handled = handled;
            this.action = action;
        }

        /** Whether the signals reach the stop action (else the caller needs a shutdown hook). */
        public boolean handled() {
            return handled;
        }

        @Override
        public void close() {
            ACTION.compareAndSet(action, null);
        }
    }
}
