package dev.trailwatch.detector.accounts;

import dev.trailwatch.detector.model.Alert;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Puts {@code accountName} on any alert that has none, from {@code accounts.known} and the accounts topic: the global
 * table the topology registers ({@value KnownAccounts#STORE}), readable from every processor. One table read per
 * alert, not per event; the topology puts it in front of every alert sink.
 */
public final class AccountNames implements FixedKeyProcessor<String, Alert, Alert> {

    private final KnownAccounts accounts;
    private FixedKeyProcessorContext<String, Alert> context;
    private KnownAccounts.Table table;

    private AccountNames(KnownAccounts accounts) {
        this.accounts = accounts;
    }

    public static FixedKeyProcessorSupplier<String, Alert, Alert> supplier(KnownAccounts accounts) {
        return () -> new AccountNames(accounts);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Alert> context) {
        this.context = context;
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<AccountInfo>> store =
                context.getStateStore(accounts.storeName());
        this.table = KnownAccounts.table(store);
    }

    @Override
    public void process(FixedKeyRecord<String, Alert> record) {
        Alert alert = record.value();
        if (alert.accountName() == null && alert.accountId() != null) {
            String name = accounts.nameOf(alert.accountId(), table);
            if (name != null) {
                alert = alert.withAccountName(name);
            }
        }
        context.forward(record.withValue(alert));
    }
}
