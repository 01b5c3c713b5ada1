package dev.trailwatch.detector.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Accounts that AWS Organizations events show joining the organization: created ({@code CreateAccount},
 * {@code CreateGovCloudAccount} and the {@code CreateAccountResult} service event that carries the new id), or
 * invited ({@code InviteAccountToOrganization}'s target, the {@code ACCOUNT} parties of a handshake, as
 * {@code AcceptHandshake} returns it). Failed calls teach nothing. Some pipelines deliver these nested objects as JSON
 * strings; both shapes are read.
 */
public final class OrganizationAccounts {

    public static final String SOURCE = "organizations.amazonaws.com";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** An account that joined, and its name when the event gives one. */
    public record Joined(String accountId, String name) {
    }

    private OrganizationAccounts() {
    }

    public static List<Joined> in(CloudTrailEvent event) {
        if (!SOURCE.equals(event.eventSource()) || event.errorCode() != null) {
            return List.of();
        }
        List<Joined> joined = new ArrayList<>(1);
        switch (event.eventName()) {
            case "CreateAccount", "CreateGovCloudAccount", "DescribeCreateAccountStatus" ->
                    created(object(event.responseElements()).path("createAccountStatus"), joined);
            case "CreateAccountResult" ->
                    created(object(event.field("serviceEventDetails")).path("createAccountStatus"), joined);
            case "InviteAccountToOrganization" -> {
                JsonNode target = object(event.requestParameters()).path("target");
                if ("ACCOUNT".equals(target.path("type").asText())) {
                    add(target.path("id").asText(null), null, joined);
                }
                parties(object(event.responseElements()).path("handshake"), joined);
            }
            case "AcceptHandshake" -> parties(object(event.responseElements()).path("handshake"), joined);
            default -> {
            }
        }
        return joined;
    }

    private static void created(JsonNode status, List<Joined> joined) {
        if (!"FAILED".equals(status.path("state").asText())) {
            String name = status.path("accountName").asText(null);
            add(status.path("accountId").asText(null), name, joined);
            add(status.path("govCloudAccountId").asText(null), name, joined);
        }
    }

    private static void parties(JsonNode handshake, List<Joined> joined) {
        for (JsonNode party : handshake.path("parties")) {
            if ("ACCOUNT".equals(party.path("type").asText())) {
                add(party.path("id").asText(null), null, joined);
            }
        }
    }

    private static void add(String accountId, String name, List<Joined> joined) {
        if (KnownAccounts.isAccountId(accountId) && joined.stream().noneMatch(j -> j.accountId().equals(accountId))) {
            joined.add(new Joined(accountId, name));
        }
    }

    /** The node itself, or the object a JSON string holds. */
    private static JsonNode object(JsonNode node) {
        if (!node.isTextual()) {
            return node;
        }
        try {
            JsonNode parsed = MAPPER.readTree(node.asText());
            return parsed == null ? MissingNode.getInstance() : parsed;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }
}
