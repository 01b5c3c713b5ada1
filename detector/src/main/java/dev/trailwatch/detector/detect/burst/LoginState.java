package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.LongStream;

/**
 * What console-bruteforce-success holds for one source IP: failures not in a burst yet, bursts whose correlation
 * window is open, and recent successful logins no burst has claimed yet.
 *
 * @param failures time-sorted pending failures, as the failed-login burst keeps them
 * @param dueAt    see {@link WindowState#dueAt()}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LoginState(List<Entry> failures, List<FailureBurst> bursts, List<Login> logins, long dueAt)
        implements WindowState<LoginState> {

    static final LoginState EMPTY = new LoginState(List.of(), List.of(), List.of(), Long.MIN_VALUE);

    LoginState {
        failures = List.copyOf(failures);
        bursts = List.copyOf(bursts);
        logins = List.copyOf(logins);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return failures.isEmpty() && bursts.isEmpty() && logins.isEmpty();
    }

    /** The index of the earliest burst matching, or -1. */
    int burstWhere(Predicate<FailureBurst> test) {
        for (int i = 0; i < bursts.size(); i++) {
            if (test.test(bursts.get(i))) {
                return i;
            }
        }
        return -1;
    }

    LoginState withBurst(int index, FailureBurst burst) {
        List<FailureBurst> all = new ArrayList<>(bursts);
        all.set(index, burst);
        return new LoginState(failures, all, logins, dueAt);
    }

    LoginState withBursts(List<FailureBurst> open) {
        return new LoginState(failures, open, logins, dueAt);
    }

    LoginState opened(FailureBurst burst, List<Entry> stillPending, List<Login> unclaimed) {
        List<FailureBurst> all = new ArrayList<>(bursts);
        all.add(burst);
        all.sort(Comparator.comparingLong(FailureBurst::start));
        return new LoginState(stillPending, all, unclaimed, dueAt);
    }

    LoginState withFailures(List<Entry> pending) {
        return new LoginState(pending, bursts, logins, dueAt);
    }

    LoginState withLogin(Login login) {
        List<Login> all = new ArrayList<>(logins);
        all.add(login);
        return new LoginState(failures, bursts, all, dueAt);
    }

    @Override
    public LoginState withDueAt(long time) {
        return new LoginState(failures, bursts, logins, time);
    }

    /** Failures and unclaimed logins from {@code oldest} on: older ones can no longer meet a new burst. */
    LoginState prunedBefore(long oldest) {
        return new LoginState(failures.stream().filter(f -> f.time() >= oldest).toList(), bursts,
                logins.stream().filter(l -> l.time() >= oldest).toList(), dueAt);
    }

    /** The earliest burst's close (its follow-ups), else when the newest failure or login expires. */
    long nextDue(long close, long reach) {
        if (!bursts.isEmpty()) {
            return bursts.stream().mapToLong(b -> b.end() + close).min().getAsLong();
        }
        return LongStream.concat(failures.stream().mapToLong(Entry::time), logins.stream().mapToLong(Login::time))
                .max().getAsLong() + reach;
    }
}
