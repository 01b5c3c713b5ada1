package dev.trailwatch.detector.samples;

import static dev.trailwatch.detector.samples.CloudTrailRecords.obj;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.samples.Org.Role;
import dev.trailwatch.detector.samples.Org.User;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The records of the sample logs in the making, with the building blocks both background and attack use. */
final class Timeline {

    private final CloudTrailRecords records;
    private final Org org;
    private final List<ObjectNode> events = new ArrayList<>();

    Timeline(CloudTrailRecords records, Org org) {
        this.records = records;
        this.org = org;
    }

    List<ObjectNode> events() {
        return events;
    }

    CloudTrailRecords records() {
        return records;
    }

    Org org() {
        return org;
    }

    ObjectNode add(CloudTrailRecords.Event event) {
        ObjectNode record = event.build();
        events.add(record);
        return record;
    }

    /** The copy of a cross-account record that CloudTrail also delivers to {@code account}: same sharedEventID. */
    ObjectNode copyFor(ObjectNode record, String account) {
        ObjectNode copy = record.deepCopy();
        copy.put("eventID", records.uuid());
        copy.put("recipientAccountId", account);
        events.add(copy);
        return copy;
    }

    /** A successful call; IAM and Organizations calls land in us-east-1. */
    ObjectNode call(Instant time, Actor actor, String account, String region, Call call) {
        CloudTrailRecords.Event event = records.event(time, actor, account, call.global() ? Org.US_EAST_1 : region,
                call.eventSource(), call.eventName()).request(call.requestCopy());
        return add(call.readOnly() ? event : event.write());
    }

    /** A call the caller's policies deny, with the error code and message the service records. */
    ObjectNode denied(Instant time, Actor actor, String account, String region, Call call) {
        String[] error = Call.denial(call, actor.userIdentity().path("arn").asText());
        CloudTrailRecords.Event event = records.event(time, actor, account, call.global() ? Org.US_EAST_1 : region,
                call.eventSource(), call.eventName()).request(call.requestCopy()).error(error[0], error[1]);
        return add(call.readOnly() ? event : event.write());
    }

    /** An IAM user's console sign-in through the global endpoint (recorded in us-east-1). */
    ObjectNode consoleLogin(Instant time, User user, String ip, String browser, boolean success, boolean mfa) {
        ObjectNode identity = obj("type", "IAMUser", "principalId", user.principalId(), "arn", user.arn(),
                "accountId", user.account(), "userName", user.name());
        return consoleLogin(time, identity, user.account(), ip, browser, success,
                mfa ? "arn:aws:iam::" + user.account() + ":mfa/" + user.name() : null);
    }

    /** A failed sign-in to a user name that does not exist: CloudTrail hides the name that was typed. */
    ObjectNode failedLoginUnknownUser(Instant time, String account, String ip, String browser) {
        ObjectNode identity = obj("type", "IAMUser", "principalId", account, "accountId", account, "accessKeyId", "",
                "userName", "HIDDEN_DUE_TO_SECURITY_REASONS");
        return consoleLogin(time, identity, account, ip, browser, false, null);
    }

    ObjectNode consoleLogin(Instant time, ObjectNode identity, String account, String ip, String browser,
            boolean success, String mfaDevice) {
        ObjectNode additional = obj("LoginTo", "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode="
                + "true&state=hashArgsFromTB_us-east-1_" + records.hex(16), "MobileVersion", "No");
        if (mfaDevice != null) {
            additional.put("MFAIdentifier", mfaDevice);
        }
        additional.put("MFAUsed", mfaDevice != null ? "Yes" : "No");
        CloudTrailRecords.Event event = records.event(time, new Actor("sign-in", identity, ip, browser, false),
                account, Org.US_EAST_1, "signin.amazonaws.com", "ConsoleLogin").consoleSignIn()
                .response(obj("ConsoleLogin", success ? "Success" : "Failure")).additional(additional);
        if (!success) {
            // A failed sign-in has an errorMessage but no errorCode.
            event.error(null, "Failed authentication");
        }
        return add(event);
    }

    /**
     * {@code caller} assumes {@code role} through the global STS endpoint; the record lands in the role's account.
     * Returns the new session, calling from {@code ip} with {@code agent} ({@code invokedBy}: an AWS service using
     * the session on the caller's behalf, or null).
     */
    Actor assumeRole(Instant time, Actor caller, Role role, String sessionName, String ip, String agent,
            String invokedBy) {
        Actor session = org.session(role, sessionName, time, ip, agent, false, invokedBy);
        String sessionKey = session.userIdentity().path("accessKeyId").asText();
        String callerAccount = caller.userIdentity().path("accountId").asText(null);
        boolean crossAccount = callerAccount != null && !callerAccount.equals(role.account());
        CloudTrailRecords.Event event = records.event(time, caller, role.account(), Org.US_EAST_1,
                "sts.amazonaws.com", "AssumeRole")
                .request(obj("roleArn", role.arn(), "roleSessionName", sessionName, "durationSeconds", 3600))
                .response(obj(
                        "credentials", obj("accessKeyId", sessionKey,
                                "expiration", CloudTrailRecords.expiration(time.plus(Duration.ofHours(1)))),
                        "assumedRoleUser", obj("assumedRoleId", role.roleId() + ":" + sessionName,
                                "arn", "arn:aws:sts::" + role.account() + ":assumed-role/" + role.name() + "/"
                                        + sessionName)))
                .resource("AWS::IAM::Role", role.arn(), role.account());
        if (caller.isService() || crossAccount) {
            event.shared();
        }
        add(event);
        return session;
    }
}
