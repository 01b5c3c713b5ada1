package dev.trailwatch.detector.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.model.IpLocation;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Fills in what an analyst asks first, on every alert just before its sink: the account's name, OU and tags
 * ({@code accounts.known} and the accounts topic, the global table {@value KnownAccounts#STORE}), the human behind
 * the principal (see {@link AlertContext.Actor}), and the source IP's country and network (see {@link GeoIp}).
 *
 * <p>Per alert: one read of the global table (its entry deserialized once) and, with a database set, one lookup per
 * database; nothing per event.
 * The result depends only on the alert and the tables, so a follow-up (same {@code alertId}) gets the same context.
 * A name a detector already set on the alert is kept.
 */
public final class AlertEnricher implements FixedKeyProcessor<String, Alert, Alert> {

    private final KnownAccounts accounts;
    private final GeoIp geoIp;
    private FixedKeyProcessorContext<String, Alert> context;
    private KnownAccounts.Table table;

    private AlertEnricher(KnownAccounts accounts, GeoIp geoIp) {
        this.accounts = accounts;
        this.geoIp = geoIp;
    }

    public static FixedKeyProcessorSupplier<String, Alert, Alert> supplier(KnownAccounts accounts, GeoIp geoIp) {
        return () -> new AlertEnricher(accounts, geoIp);
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
        context.forward(record.withValue(enrich(record.value())));
    }

    private Alert enrich(Alert alert) {
        AlertContext.Account account = accountOf(alert.accountId());
        AlertContext.Actor known = alert.context() == null ? null : alert.context().actor();
        AlertContext.Actor actor = AlertContext.Actor.of(alert.principal(), known);
        IpLocation location = geoIp.locate(alert.sourceIp());
        IpLocation source = location.isUnknown() ? null : location;
        boolean nothing = account == null && actor == null && source == null;
        Alert.Builder enriched = alert.toBuilder().context(nothing ? null : new AlertContext(account, actor, source));
        if (alert.accountName() == null && account != null) {
            enriched.accountName(account.name());
        }
        return enriched.build();
    }

    /** The configured name, else the topic's, with the topic's OU and tags; null when neither knows the account. */
    private AlertContext.Account accountOf(String accountId) {
        if (accountId == null) {
            return null;
        }
        AccountInfo info = table.get(accountId);
        // the entry just read, not a second read of the store (each read deserializes the entry)
        String name = accounts.nameOf(accountId, info);
        String ou = info == null ? null : info.ou();
        ObjectNode tags = info == null ? null : tags(info.tags());
        if (name == null && ou == null && tags == null) {
            return null;
        }
        return new AlertContext.Account(name, ou, tags);
    }

    /**
     * Tags as one flat object, whichever way the operator wrote them: an object ({@code {"owner": "payments"}}) or
     * AWS's list ({@code [{"Key": "owner", "Value": "payments"}]}, as {@code organizations list-tags-for-resource}
     * prints it). Values that are not text are kept as their JSON text. Null when there are none.
     */
    static ObjectNode tags(JsonNode tags) {
        if (tags == null || tags.isNull() || tags.isMissingNode()) {
            return null;
        }
        ObjectNode flat = JsonNodeFactory.instance.objectNode();
        if (tags.isObject()) {
            tags.fields().forEachRemaining(field -> flat.put(field.getKey(), text(field.getValue())));
        } else if (tags.isArray()) {
            for (JsonNode tag : tags) {
                JsonNode key = tag.has("Key") ? tag.get("Key") : tag.path("key");
                if (key.isTextual()) {
                    flat.put(key.asText(), text(tag.has("Value") ? tag.get("Value") : tag.path("value")));
                }
            }
        }
        return flat.isEmpty() ? null : flat;
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
