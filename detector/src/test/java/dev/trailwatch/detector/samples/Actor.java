package dev.trailwatch.detector.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Who makes a call in the sample logs: the {@code userIdentity} CloudTrail records for it, where the call comes from,
 * and with what client.
 *
 * @param console true for calls made from an AWS Management Console session ({@code sessionCredentialFromConsole})
 */
record Actor(String name, ObjectNode userIdentity, String sourceIp, String userAgent, boolean console) {

    /** The same identity calling from elsewhere or with another client. */
    Actor from(String ip, String agent) {
        return new Actor(name, userIdentity, ip, agent, console);
    }

    /** An actor that is an AWS service acting for itself or for a principal (no TLS details, no console). */
    boolean isService() {
        return sourceIp.endsWith(".amazonaws.com") || "AWS Internal".equals(sourceIp);
    }
}
