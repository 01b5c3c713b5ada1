package dev.trailwatch.detector.accounts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The accounts of the organization, from three places: {@code accounts.known} (configuration, fixed), the accounts
 * topic (a global table on every instance; operator entries and the accounts any instance learned; hot: read on every
 * lookup, no restart needed), and the accounts this instance learned itself and is writing to that topic.
 *
 * <p>The last set bridges the round trip through the topic (one commit interval, or longer when replaying history
 * where one partition runs ahead of another): it is shared by every stream task of this instance, so a recipient seen
 * on one partition is known on all of them at once. Other instances learn it through the topic. It only grows: an
 * account this instance learned stays known until it restarts, even if the topic later tombstones it.
 *
 * <p>A learned account is known from the earliest event time it was seen at ({@code learnedAt} on the topic): whether
 * it was known for an event at time {@code t} is asked as "seen at or before {@code t} + the reorder horizon", which
 * gives the same answer whatever order the records arrived in (see {@code ForeignAccountProcessor}).
 */
public final class KnownAccounts {

    /**
     * The global table of the accounts topic, on every instance. Named for the detection that first needed it; the
     * name stays so that upgrades keep the store.
     */
    public static final String STORE = "foreign-account-known-accounts";

    /** The global table's view: accounts topic key to its latest value. */
    public interface Table {
        AccountInfo get(String accountId);
    }

    private final Map<String, String> configured;
    private final String storeName;
    /** Account id to the earliest event time this instance saw it at. */
    private final Map<String, Long> learnedHere = new ConcurrentHashMap<>();

    public KnownAccounts(Map<String, String> configured, String storeName) {
        this.configured = Map.copyOf(configured);
        this.storeName = storeName;
    }

    /** The global table's store name: processors open it with {@code context.getStateStore(storeName())}. */
    public String storeName() {
        return storeName;
    }

    public static Table table(ReadOnlyKeyValueStore<String, ValueAndTimestamp<AccountInfo>> store) {
        return id -> {
            ValueAndTimestamp<AccountInfo> entry = store.get(id);
            return entry == null ? null : entry.value();
        };
    }

    public boolean isKnown(String accountId, Table table) {
        return configured.containsKey(accountId) || learnedHere.containsKey(accountId) || table.get(accountId) != null;
    }

    /**
     * The earliest event time from which an account counts as known: {@link Long#MIN_VALUE} for configured accounts
     * and operator entries of the topic (known always), else the earliest time it was seen at (here or, through the
     * topic's {@code learnedAt}, by any instance); null when it is not known at all.
     */
    public Long knownFrom(String accountId, Table table) {
        if (configured.containsKey(accountId)) {
            return Long.MIN_VALUE;
        }
        Long here = learnedHere.get(accountId);
        AccountInfo info = table.get(accountId);
        if (info == null) {
            return here;
        }
        if (info.learnedAt() == null) {
            return Long.MIN_VALUE;
        }
        long topic = info.learnedAt().toEpochMilli();
        return here == null ? topic : Math.min(here, topic);
    }

    /** Marks an account known on this instance from {@code time} on; true when that is news (or earlier) to it. */
    public boolean learn(String accountId, long time) {
        Long before = learnedHere.get(accountId);
        if (before != null && before <= time) {
            return false;
        }
        return learnedHere.merge(accountId, time, Math::min) == time;
    }

    /**
     * Whether the operator declared the account: {@code accounts.known}, or an operator's entry of the accounts topic
     * (neither {@code learnedFrom} nor {@code learnedAt}, and something written: a name, an OU or tags; an empty or
     * unreadable value declares nothing). Accounts learned from traffic (here or by any instance) are not declared:
     * which of them are known when an event is processed depends on arrival order, and a decision made on that would
     * not be a function of the input and the configuration.
     */
    public boolean declares(String accountId, Table table) {
        if (configured.containsKey(accountId)) {
            return true;
        }
        AccountInfo info = table.get(accountId);
        return info != null && info.learnedAt() == null && info.learnedFrom() == null
                && (info.name() != null || info.ou() != null || info.tags() != null);
    }

    public boolean configured(String accountId) {
        return configured.containsKey(accountId);
    }

    /** The account's name: the configured one, else the accounts topic's, else null. */
    public String nameOf(String accountId, Table table) {
        if (accountId == null) {
            return null;
        }
        String name = configuredName(accountId);
        return name != null ? name : nameIn(table.get(accountId));
    }

    /** The account's name: the configured one, else {@code entry}'s (its entry on the accounts topic, or null). */
    public String nameOf(String accountId, AccountInfo entry) {
        if (accountId == null) {
            return null;
        }
        String name = configuredName(accountId);
        return name != null ? name : nameIn(entry);
    }

    private String configuredName(String accountId) {
        String name = configured.get(accountId);
        return name == null || name.isEmpty() ? null : name;
    }

    private static String nameIn(AccountInfo entry) {
        return entry == null ? null : entry.name();
    }

    public static boolean isAccountId(String text) {
        if (text == null || text.length() != 12) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code accounts.known}: {@code id[=name],...}; an id that is not 12 digits is a configuration error. */
    public static Map<String, String> parse(String text) {
        Map<String, String> accounts = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String id = (eq < 0 ? entry : entry.substring(0, eq)).trim();
            String name = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (!isAccountId(id)) {
                throw new IllegalArgumentException("'" + id + "' is not a 12-digit AWS account id");
            }
            accounts.put(id, name);
        }
        return Collections.unmodifiableMap(accounts);
    }
}
