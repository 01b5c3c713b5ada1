package dev.trailwatch.detector.detect.burst;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What instance-credential-exfiltration keeps per address ({@code o|account|address}, in {@link OriginState#others()}):
 * the instances that used it, and the commands sent from it that named instances. Both are {@link Origin}s named for
 * the instance, all {@code decided} (nothing about an address waits):
 * <ul>
 *   <li>a <b>use</b>: the instance's earliest call from the address ({@code first}, {@code eventId}), {@code call}
 *       null. The earliest {@value #USES_KEPT} instances are kept: enough to count, for any moment, whether
 *       {@code instance-credentials.shared-instances} instances had used it by then.</li>
 *   <li>a <b>command</b>: a call from the address that reached into the named instance (SSM {@code SendCommand},
 *       {@code StartSession}, EC2 Instance Connect), one per instance it names, {@code call} the command's own call
 *       (who sent it). Kept by event time ({@link #withCommand}).</li>
 * </ul>
 *
 * <p>An instance's use of an address is <b>command-tainted</b> when a command naming it was sent from the address at
 * most {@code confirm} before that use, and the instance had not used the address before the command: credentials
 * fetched by the command and used where it was sent from. Such an address is never the instance's own, and the
 * instance never makes it shared egress for others. Every question here is asked with a moment: only facts with event
 * time up to it count, so the answer is the same whatever arrived after.
 */
final class InstanceCredentialFacts {

    static final int USES_KEPT = 16;
    static final int COMMANDS_KEPT = 1024;

    /**
     * Event time, then event id: two facts in the same millisecond still have one first. The one order of facts here
     * and of an instance's addresses in the processor.
     */
    static final Comparator<Origin> BY_TIME = Comparator.comparingLong(Origin::first)
            .thenComparing(Origin::eventId);

    private InstanceCredentialFacts() {
    }

    static boolean isCommand(Origin fact) {
        return fact.call() != null;
    }

    /** The address with the instance's use of it at {@code time}: the earliest per instance, the earliest kept. */
    static OriginState withUse(OriginState address, String instance, long time, String eventId) {
        List<Origin> uses = new ArrayList<>();
        List<Origin> commands = new ArrayList<>();
        Origin use = new Origin(instance, time, eventId, null, true);
        boolean merged = false;
        for (Origin o : address.others()) {
            if (isCommand(o)) {
                commands.add(o);
            } else if (o.name().equals(instance)) {
                uses.add(o.earlier(time, eventId, null));
                merged = true;
            } else {
                uses.add(o);
            }
        }
        if (!merged) {
            uses.add(use);
        }
        uses.sort(BY_TIME);
        List<Origin> all = new ArrayList<>(uses.subList(0, Math.min(uses.size(), USES_KEPT)));
        all.addAll(commands);
        return address.withOthers(all);
    }

    /**
     * The address with one more command naming the instance (once per command and instance). Commands are kept by
     * event time, not by count, so that which ones are kept does not depend on the order they arrive in. A use still
     * on its way is at most the reorder horizon older than the newest command (the stream has reached that command),
     * and the command that taints it is the latest one naming its instance at or before it, within {@code confirm}
     * ({@link #commandBefore}). So per named instance: every command from the newest minus the horizon on, and the
     * latest one before that if it is within {@code keep} (confirm plus horizon) of the newest; and whatever the
     * order, the one that taints a kept use. The latest {@value #COMMANDS_KEPT} in all bound the state: an address
     * sending more than that within a horizon is the one case where arrival order can still decide (see
     * architecture.md, "Order still matters"); a use's tainting command is also recorded on the instance's own state
     * when either is learned ({@link OriginState#taints()}).
     */
    static OriginState withCommand(OriginState address, String instance, long time, String eventId, Anchor call,
                                   long confirm, long keep) {
        List<Origin> uses = new ArrayList<>();
        List<Origin> commands = new ArrayList<>();
        for (Origin o : address.others()) {
            if (!isCommand(o)) {
                uses.add(o);
            } else if (o.name().equals(instance) && o.eventId().equals(eventId)) {
                return address;
            } else {
                commands.add(o);
            }
        }
        commands.add(new Origin(instance, time, eventId, call, true));
        commands.sort(BY_TIME.reversed());
        long newest = commands.get(0).first();
        List<Origin> tainting = new ArrayList<>();
        for (Origin use : uses) {
            Origin taint = commandBefore(address.withOthers(commands), use.name(), use.first(), confirm);
            if (taint != null && !tainting.contains(taint)) {
                tainting.add(taint);
            }
        }
        long horizon = Math.max(0, keep - confirm);
        List<Origin> kept = new ArrayList<>();
        Set<String> olderKept = new HashSet<>();
        for (Origin c : commands) {
            boolean needed = c.first() >= newest - horizon
                    || c.first() >= newest - keep && olderKept.add(c.name());
            if (tainting.contains(c) || needed && kept.size() < COMMANDS_KEPT) {
                kept.add(c);
            }
        }
        kept.sort(BY_TIME);
        uses.addAll(kept);
        return address.withOthers(uses);
    }

    /**
     * The command that taints the instance's first use of the address at {@code firstUse}: the latest one naming the
     * instance sent from the address at most {@code confirm} before it (at the same moment counts); null when none.
     */
    static Origin commandBefore(OriginState address, String instance, long firstUse, long confirm) {
        if (address == null) {
            return null;
        }
        Origin found = null;
        for (Origin o : address.others()) {
            if (isCommand(o) && o.name().equals(instance) && o.first() <= firstUse && firstUse - o.first() <= confirm
                    && (found == null || BY_TIME.compare(found, o) < 0)) {
                found = o;
            }
        }
        return found;
    }

    /**
     * The instances other than {@code instance} established on the address: their first use of it at or before
     * {@code upTo} and before {@code before}, and not itself command-tainted. Instances the address state names from
     * before uses were kept with their times ({@link OriginState#users()}) count as established long ago.
     */
    static List<String> established(OriginState address, String instance, long upTo, long before, long confirm) {
        List<String> found = new ArrayList<>();
        if (address == null) {
            return found;
        }
        for (Origin o : address.others()) {
            if (!isCommand(o) && !o.name().equals(instance) && o.first() <= upTo && o.first() < before
                    && commandBefore(address, o.name(), o.first(), confirm) == null) {
                found.add(o.name());
            }
        }
        for (String legacy : address.users()) {
            if (!legacy.equals(instance) && !found.contains(legacy) && useOf(address, legacy) == null) {
                found.add(legacy);
            }
        }
        return found;
    }

    /** The instance's kept use of the address, or null. */
    static Origin useOf(OriginState address, String instance) {
        for (Origin o : address.others()) {
            if (!isCommand(o) && o.name().equals(instance)) {
                return o;
            }
        }
        return null;
    }
}
