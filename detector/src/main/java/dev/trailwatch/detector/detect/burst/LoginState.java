package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What console-bruteforce-success holds for one source IP: its failure windows (each a burst or not yet), and the
 * successful logins that a window not yet a burst could still claim.
 *
 * @param bursts failure windows by start
 * @param logins successful logins by (event time, event id)
 * @param dueAt  see {@link WindowState#dueAt()}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LoginState(List<FailureBurst> bursts, List<Login> logins, long dueAt) implements WindowState<LoginState> {

    static final LoginState EMPTY = new LoginState(List.of(), List.of(), Long.MIN_VALUE);
    static final Comparator<Login> ORDER = Comparator.comparingLong(Login::time).thenComparing(Login::eventId);

    LoginState {
        bursts = bursts == null ? List.of() : List.copyOf(bursts);
        logins = logins == null ? List.of() : List.copyOf(logins);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return bursts.isEmpty() && logins.isEmpty();
    }

    /** The window starting there, or a new empty one. */
    FailureBurst window(long start, long length) {
        return bursts.stream().filter(b -> b.start() == start).findFirst()
                .orElseGet(() -> FailureBurst.open(start, length));
    }

    /** With this window, replacing the one with the same start. */
    LoginState with(FailureBurst burst) {
        List<FailureBurst> all = new ArrayList<>(bursts);
        all.removeIf(b -> b.start() == burst.start());
        all.add(burst);
        all.sort(Comparator.comparingLong(FailureBurst::start));
        return new LoginState(all, logins, dueAt);
    }

    LoginState withBursts(List<FailureBurst> kept) {
        return new LoginState(kept, logins, dueAt);
    }

    LoginState withLogin(Login login) {
        List<Login> all = new ArrayList<>(logins);
        all.add(login);
        all.sort(ORDER);
        return new LoginState(bursts, all, dueAt);
    }

    LoginState withLogins(List<Login> kept) {
        return new LoginState(bursts, kept, dueAt);
    }

    @Override
    public LoginState withDueAt(long time) {
        return new LoginState(bursts, logins, time);
    }
}
