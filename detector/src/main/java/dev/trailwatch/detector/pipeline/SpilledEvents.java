package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.EventJson;
import dev.trailwatch.detector.model.UserIdentity;
import dev.trailwatch.detector.parse.ParseResult;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * How a sorted run keeps a record's parse result (the reader parsed it while cutting it out of its file): the event's
 * typed fields, written after the record's bytes and read back into the same event over the same bytes, so that a
 * spilled record is not parsed a second time. Reading a few short strings back costs a fraction of parsing the record.
 * Values with few distinct ones (names, sources, regions, accounts, types) go through the run's {@link SpillStrings}
 * (written once per run); the others (ids, addresses, agents, ARNs) as bytes: looking each up in a map cost more than
 * writing it.
 */
final class SpilledEvents {

    private static final int NONE = 0;
    private static final int EVENT = 1;
    private static final int EVENT_NO_IDENTITY = 2;

    private SpilledEvents() {
    }

    /** Writes {@code parsed} when it is an event read from exactly {@code json}; else that there is none. */
    static void write(DataOutputStream out, Object parsed, byte[] json, SpillStrings strings) throws IOException {
        if (!(parsed instanceof ParseResult.Parsed p) || p.event().json().bytes() != json
                || p.event().json().parsed()) {
            out.writeByte(NONE);
            return;
        }
        CloudTrailEvent e = p.event();
        UserIdentity id = e.userIdentity();
        out.writeByte(id == UserIdentity.NONE ? EVENT_NO_IDENTITY : EVENT);
        SpillStrings.writeNullable(out, e.eventId());
        out.writeLong(e.eventTime());
        strings.write(out, e.eventName());
        strings.write(out, e.eventSource());
        strings.write(out, e.eventType());
        strings.write(out, e.awsRegion());
        SpillStrings.writeNullable(out, e.sourceIpAddress());
        SpillStrings.writeNullable(out, e.userAgent());
        strings.write(out, e.recipientAccountId());
        strings.write(out, e.errorCode());
        SpillStrings.writeNullable(out, e.errorMessage());
        out.writeBoolean(e.readOnly());
        out.writeBoolean(e.json().typedExact());
        if (id != UserIdentity.NONE) {
            strings.write(out, id.type());
            SpillStrings.writeNullable(out, id.principalId());
            SpillStrings.writeNullable(out, id.arn());
            strings.write(out, id.accountId());
            SpillStrings.writeNullable(out, id.accessKeyId());
            SpillStrings.writeNullable(out, id.userName());
            strings.write(out, id.invokedBy());
            SpillStrings.writeNullable(out, id.sessionIssuerArn());
            strings.write(out, id.sessionIssuerAccountId());
            SpillStrings.writeNullable(out, id.sessionIssuerUserName());
            strings.write(out, id.scopeIssuerType());
            SpillStrings.writeNullable(out, id.scopeIssuedTo());
        }
    }

    /** The parse result written with {@code json}, or null when there was none. */
    static Object read(DataInputStream in, byte[] json, SpillStrings strings) throws IOException {
        int kind = in.readByte();
        if (kind == NONE) {
            return null;
        }
        if (kind != EVENT && kind != EVENT_NO_IDENTITY) {
            throw new IOException("corrupt sorted run: parse result of kind " + kind);
        }
        String eventId = strings.readNullable(in);
        long eventTime = in.readLong();
        String eventName = strings.read(in);
        String eventSource = strings.read(in);
        String eventType = strings.read(in);
        String awsRegion = strings.read(in);
        String sourceIp = strings.readNullable(in);
        String userAgent = strings.readNullable(in);
        String account = strings.read(in);
        String errorCode = strings.read(in);
        String errorMessage = strings.readNullable(in);
        boolean readOnly = in.readBoolean();
        boolean typedExact = in.readBoolean();
        UserIdentity id = UserIdentity.NONE;
        if (kind == EVENT) {
            id = new UserIdentity(strings.read(in), strings.readNullable(in), strings.readNullable(in),
                    strings.read(in), strings.readNullable(in), strings.readNullable(in), strings.read(in),
                    strings.readNullable(in), strings.read(in), strings.readNullable(in), strings.read(in),
                    strings.readNullable(in));
        }
        return new ParseResult.Parsed(new CloudTrailEvent(eventId, eventTime, eventName, eventSource, eventType,
                awsRegion, sourceIp, userAgent, account, errorCode, errorMessage, readOnly, id,
                EventJson.ofBytes(json, typedExact)));
    }
}
