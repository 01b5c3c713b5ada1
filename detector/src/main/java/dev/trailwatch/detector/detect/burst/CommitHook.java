package dev.trailwatch.detector.detect.burst;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds nothing: it lets a processor write what it has buffered since the last commit into its
 * real stores just before its task commits, so the write lands in the same transaction as the input offsets it
 * covers. Kafka Streams gives processors no such callback; it gives caching stores one: before every commit (and
 * before a clean close) it flushes their caches, in the same step that flushes its own record caches, and then the
 * producer. This store takes that call ({@link #flushCache}) and runs the processor's action.
 *
 * <p>{@link CachedStateStore} is Kafka Streams' own internal interface for exactly this ("flush only the cache"); the
 * Kafka version is pinned, and {@code DiscoveryBurstDetectorTest} fails if the call stops coming before a commit.
 * When Kafka Streams drops what a task holds without committing it (a dirty close, a task recycled), it calls
 * {@link #clearCache}: the buffer is dropped, as a cache would be; the processor is initialised again before it runs.
 */
final class CommitHook implements StateStore, CachedStateStore<Object, Object> {

    private static final Runnable NOTHING = () -> { };

    private final String name;
    private Runnable beforeCommit = NOTHING;
    private Runnable drop = NOTHING;
    private boolean open;

    private CommitHook(String name) {
        this.name = name;
    }

    /**
     * @param beforeCommit writes what the processor buffered into its stores; runs before every commit of the task
     * @param drop         forgets the buffer: the task's uncommitted work is being thrown away
     */
    void onCommit(Runnable beforeCommit, Runnable drop) {
        this.beforeCommit = beforeCommit;
        this.drop = drop;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    @Override
    public void clearCache() {
        drop.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        // nothing stored: flushCache already wrote the buffer before the commit
    }

    @Override
    public void close() {
        open = false;
        beforeCommit = NOTHING;
        drop = NOTHING;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    static StoreBuilder<CommitHook> builder(String name) {
        return new Builder(name);
    }

    /** Builds the hook: no changelog (nothing to restore) and no cache; both switches are accepted and ignored. */
    private record Builder(String name) implements StoreBuilder<CommitHook> {

        @Override
        public StoreBuilder<CommitHook> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingDisabled() {
            return this;
        }

        @Override
        public CommitHook build() {
            return new CommitHook(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }
    }
}
