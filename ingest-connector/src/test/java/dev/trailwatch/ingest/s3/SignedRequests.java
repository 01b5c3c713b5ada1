package dev.trailwatch.ingest.s3;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Records how every AWS SDK request in the test JVM was signed (a global interceptor, registered in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}): which access key signed it, with which
 * session token, and whether the service answered with success. Keeps the last few hundred.
 */
public final class SignedRequests implements ExecutionInterceptor {

    /** One request as it went out and how it came back. */
    record Signed(String host, String operation, String authorization, String securityToken, int status) {
    }

    private static final List<Signed> SEEN = new ArrayList<>();
    private static final int KEEP = 500;

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        var request = context.httpRequest();
        Signed signed = new Signed(request.host() + ":" + request.port(),
                String.valueOf(attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute
                        .OPERATION_NAME)),
                request.firstMatchingHeader("Authorization").orElse(""),
                request.firstMatchingHeader("X-Amz-Security-Token").orElse(""),
                context.httpResponse().statusCode());
        synchronized (SEEN) {
            SEEN.add(signed);
            if (SEEN.size() > KEEP) {
                SEEN.remove(0);
            }
        }
    }

    static List<Signed> to(String hostAndPort) {
        synchronized (SEEN) {
            return SEEN.stream().filter(s -> s.host().equals(hostAndPort)).toList();
        }
    }
}
