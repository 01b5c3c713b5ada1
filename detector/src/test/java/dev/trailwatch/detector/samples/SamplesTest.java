package dev.trailwatch.detector.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.samples.SampleLogGenerator.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled samples, read from the classpath as {@code trailwatch demo} reads them. */
class SamplesTest {

    private static final Pattern FILE_NAME = Pattern.compile(
            "(\\d{12})_CloudTrail_([a-z]{2}-[a-z]+-\\d)_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]{16}\\.json\\.gz");
    private static final Set<String> ORG = Set.of(Org.PROD, Org.STAGING, Org.SECURITY);
    private static final Instant ATTACK_DAY = Instant.parse("2025-03-10T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> index;
    private static Map<String, JsonNode> envelopes;
    private static List<JsonNode> records;

    @BeforeAll
    static void readSamples() throws IOException {
        index = resource("/samples/index.txt").lines().filter(line -> !line.isBlank()).toList();
        envelopes = new java.util.LinkedHashMap<>();
        records = new ArrayList<>();
        for (String file : index) {
            JsonNode envelope = JSON.readTree(gunzip("/samples/" + file));
            envelopes.put(file, envelope);
            envelope.path("Records").forEach(records::add);
        }
    }

    @Test
    void indexListsEveryFileInDeliveryOrder() throws IOException, URISyntaxException {
        Path dir = Path.of(SamplesTest.class.getResource("/samples").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json.gz")))
                    .containsExactlyInAnyOrderElementsOf(index);
        }
        assertThat(index).doesNotHaveDuplicates().hasSizeBetween(5, 30)
                .allSatisfy(name -> assertThat(name).matches(FILE_NAME))
                .isSortedAccordingTo(Comparator.comparing(SampleLogGenerator::deliveryTime));
        assertThat(records).hasSizeBetween(300, 2000);
    }

    @Test
    void everyRecordHasTheFieldsCloudTrailWrites() {
        CloudTrailParser parser = new CloudTrailParser();
        envelopes.forEach((file, envelope) -> {
            Matcher name = FILE_NAME.matcher(file);
            assertThat(name.matches()).isTrue();
            assertThat(envelope.properties()).extracting(Map.Entry::getKey).containsExactly("Records");
            assertThat(envelope.path("Records")).isNotEmpty();
            for (JsonNode r : envelope.path("Records")) {
                String id = r.path("eventID").asText();
                assertThat(r.path("recipientAccountId").asText()).as(id).isEqualTo(name.group(1));
                assertThat(r.path("awsRegion").asText()).as(id).isEqualTo(name.group(2));
                for (String field : List.of("eventVersion", "eventTime", "eventSource", "eventName",
                        "sourceIPAddress", "userAgent", "eventType", "eventCategory")) {
                    assertThat(r.path(field).isTextual()).as(id + " " + field).isTrue();
                }
                assertThat(UUID.fromString(id).toString()).isEqualTo(id);
                assertThat(r.path("userIdentity").isObject()).as(id).isTrue();
                assertThat(r.path("readOnly").isBoolean() && r.path("managementEvent").isBoolean()).as(id).isTrue();
                assertThat(r.path("eventType").asText()).isIn("AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent");
                assertThat(r.path("eventSource").asText()).endsWith(".amazonaws.com");
                assertThat(r.has("requestParameters") && r.has("responseElements")).as(id).isTrue();
                if ("AwsApiCall".equals(r.path("eventType").asText())) {
                    assertThat(r.path("requestID").isTextual()).as(id).isTrue();
                    assertThat(r.path("userIdentity").path("type").isTextual()).as(id).isTrue();
                }
                assertThat(parser.parse(r.toString().getBytes(StandardCharsets.UTF_8)))
                        .as(id).isInstanceOf(ParseResult.Parsed.class);
            }
        });
    }

    @Test
    void everyEventIdIsUnique() {
        Set<String> seen = new HashSet<>();
        assertThat(records).allSatisfy(r -> assertThat(seen.add(r.path("eventID").asText())).isTrue());
    }

    @Test
    void containsTheFailedLoginBurstAndTheLoginWithoutMfaThatFollows() {
        List<JsonNode> failures = select(r -> isLogin(r) && "Failure".equals(loginResult(r))
                && Org.ATTACKER_IP.equals(r.path("sourceIPAddress").asText()));
        assertThat(failures).hasSizeGreaterThanOrEqualTo(10);
        assertThat(span(failures)).isLessThanOrEqualTo(Duration.ofMinutes(3));
        assertThat(failures.stream().map(r -> r.path("userIdentity").path("userName").asText()).distinct())
                .hasSizeGreaterThanOrEqualTo(3);
        List<JsonNode> success = select(r -> isLogin(r) && "Success".equals(loginResult(r))
                && Org.ATTACKER_IP.equals(r.path("sourceIPAddress").asText())
                && "IAMUser".equals(r.path("userIdentity").path("type").asText()));
        assertThat(success).singleElement().satisfies(login -> {
            assertThat(time(login)).isAfter(time(failures.get(failures.size() - 1)));
            assertThat(login.path("additionalEventData").path("MFAUsed").asText()).isEqualTo("No");
        });
        // The background's failed logins (typos) stay far below a burst.
        assertThat(maxInWindow(select(r -> isLogin(r) && "Failure".equals(loginResult(r))
                && !Org.ATTACKER_IP.equals(r.path("sourceIPAddress").asText())),
                r -> r.path("sourceIPAddress").asText(), Duration.ofMinutes(5))).isLessThanOrEqualTo(2);
    }

    @Test
    void containsARootConsoleLoginAndTheOrgTrailBeingStopped() {
        assertThat(select(r -> isLogin(r) && "Root".equals(r.path("userIdentity").path("type").asText())))
                .singleElement().satisfies(login -> {
                    assertThat(loginResult(login)).isEqualTo("Success");
                    assertThat(time(login)).isAfter(ATTACK_DAY);
                });
        assertThat(select(r -> "StopLogging".equals(r.path("eventName").asText()))).singleElement()
                .satisfies(stop -> {
                    assertThat(stop.path("requestParameters").path("name").asText()).isEqualTo(Call.ORG_TRAIL);
                    assertThat(stop.path("userIdentity").path("type").asText()).isEqualTo("Root");
                    assertThat(stop.path("recipientAccountId").asText()).isEqualTo(Org.SECURITY);
                });
        assertThat(select(r -> "Root".equals(r.path("userIdentity").path("type").asText())))
                .allSatisfy(r -> assertThat(r.path("sourceIPAddress").asText()).isEqualTo(Org.ATTACKER_IP));
    }

    @Test
    void containsSshOpenedToTheWorld() {
        assertThat(select(r -> "AuthorizeSecurityGroupIngress".equals(r.path("eventName").asText())))
                .singleElement().satisfies(r -> {
                    JsonNode rule = r.path("requestParameters").path("ipPermissions").path("items").get(0);
                    assertThat(rule.path("fromPort").asInt()).isEqualTo(22);
                    assertThat(rule.path("ipRanges").path("items").get(0).path("cidrIp").asText())
                            .isEqualTo("0.0.0.0/0");
                });
    }

    @Test
    void containsTheAccessDeniedBurstOfOnePrincipal() {
        List<JsonNode> denied = select(SamplesTest::isDenied);
        Function<JsonNode, String> principal = r -> r.path("userIdentity").path("arn").asText();
        List<JsonNode> bob = denied.stream().filter(r -> principal.apply(r).endsWith(":user/bob")).toList();

        assertThat(bob).hasSizeGreaterThanOrEqualTo(20);
        assertThat(span(bob)).isLessThanOrEqualTo(Duration.ofMinutes(4));
        assertThat(bob.stream().map(r -> r.path("errorCode").asText()).distinct())
                .contains("AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation");
        assertThat(maxInWindow(denied.stream().filter(r -> !bob.contains(r)).toList(), principal,
                Duration.ofMinutes(5))).isLessThanOrEqualTo(2);
    }

    @Test
    void containsAnAccessKeyCreatedForAnotherUser() {
        assertThat(select(r -> "CreateAccessKey".equals(r.path("eventName").asText()))).singleElement()
                .satisfies(r -> {
                    String target = r.path("requestParameters").path("userName").asText();
                    assertThat(target).isEqualTo("svc-deploy");
                    assertThat(r.path("userIdentity").path("arn").asText()).doesNotEndWith("/" + target);
                    assertThat(r.path("responseElements").path("accessKey").path("userName").asText())
                            .isEqualTo(target);
                });
    }

    @Test
    void containsARoleSessionFromAForeignAccountAndNoOtherOutsider() {
        List<JsonNode> outsiders = select(r -> r.path("userIdentity").has("accountId")
                && !ORG.contains(r.path("userIdentity").path("accountId").asText()));

        assertThat(outsiders).singleElement().satisfies(r -> {
            JsonNode identity = r.path("userIdentity");
            assertThat(identity.path("type").asText()).isEqualTo("AssumedRole");
            assertThat(identity.path("accountId").asText()).isEqualTo(Org.FOREIGN);
            assertThat(identity.path("sessionContext").path("sessionIssuer").path("accountId").asText())
                    .isEqualTo(Org.FOREIGN);
            assertThat(r.path("recipientAccountId").asText()).isEqualTo(Org.PROD);
        });
    }

    @Test
    void containsTheFirstUseOfARegionLongAfterTheAccountsFirstEvent() {
        List<JsonNode> prod = select(r -> Org.PROD.equals(r.path("recipientAccountId").asText()));
        List<JsonNode> newRegion = select(r -> Org.AP_SOUTHEAST_2.equals(r.path("awsRegion").asText()));

        assertThat(newRegion).isNotEmpty().allSatisfy(r -> {
            assertThat(r.path("recipientAccountId").asText()).isEqualTo(Org.PROD);
            assertThat(r.path("userIdentity").path("type").asText()).isEqualTo("IAMUser");
            assertThat(r.path("userIdentity").has("invokedBy")).isFalse();
        });
        Instant firstProd = prod.stream().map(SamplesTest::time).min(Comparator.naturalOrder()).orElseThrow();
        Instant firstNew = newRegion.stream().map(SamplesTest::time).min(Comparator.naturalOrder()).orElseThrow();
        assertThat(Duration.between(firstProd, firstNew)).isGreaterThan(Duration.ofDays(7));
    }

    @Test
    void backgroundUsesEveryServiceAndRegionBeforeTheAttackDay() {
        for (String account : ORG) {
            List<JsonNode> own = select(r -> account.equals(r.path("recipientAccountId").asText())
                    && !isServiceCall(r));
            Set<String> learned = own.stream().filter(r -> time(r).isBefore(ATTACK_DAY.minus(Duration.ofDays(1))))
                    .flatMap(r -> Stream.of(r.path("eventSource").asText(), r.path("awsRegion").asText()))
                    .collect(Collectors.toSet());
            Set<String> later = own.stream().filter(r -> !time(r).isBefore(ATTACK_DAY))
                    .flatMap(r -> Stream.of(r.path("eventSource").asText(), r.path("awsRegion").asText()))
                    .collect(Collectors.toSet());
            later.removeAll(learned);
            // The attack's first use of a region and of a service are the only new things.
            assertThat(later).as(account).isSubsetOf(Org.AP_SOUTHEAST_2, "servicequotas.amazonaws.com");
        }
    }

    @Test
    void matchesWhatTheGeneratorWrites() throws IOException {
        Samples generated = SampleLogGenerator.generate();

        assertThat(index).isEqualTo(generated.index());
        for (String file : index) {
            assertThat(envelopes.get(file)).as(file)
                    .isEqualTo(JSON.readTree(SampleLogGenerator.envelope(generated.files().get(file))));
        }
        assertThat(resource("/samples/README.md")).isEqualTo(SamplesReadme.render(generated));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<JsonNode> select(Predicate<JsonNode> predicate) {
        return records.stream().filter(predicate).sorted(Comparator.comparing(SamplesTest::time)).toList();
    }

    private static boolean isLogin(JsonNode r) {
        return "ConsoleLogin".equals(r.path("eventName").asText());
    }

    private static String loginResult(JsonNode r) {
        return r.path("responseElements").path("ConsoleLogin").asText();
    }

    private static boolean isDenied(JsonNode r) {
        String code = r.path("errorCode").asText();
        return code.contains("AccessDenied") || code.contains("UnauthorizedOperation");
    }

    private static boolean isServiceCall(JsonNode r) {
        JsonNode id = r.path("userIdentity");
        return "AWSService".equals(id.path("type").asText()) || id.has("invokedBy")
                || "AwsServiceEvent".equals(r.path("eventType").asText());
    }

    private static Instant time(JsonNode r) {
        return Instant.parse(r.path("eventTime").asText());
    }

    private static Duration span(List<JsonNode> sorted) {
        return Duration.between(time(sorted.get(0)), time(sorted.get(sorted.size() - 1)));
    }

    /** The most events of one key (IP, principal) inside any window of the given length. */
    private static int maxInWindow(List<JsonNode> events, Function<JsonNode, String> key, Duration window) {
        int max = 0;
        for (List<JsonNode> group : events.stream().collect(Collectors.groupingBy(key)).values()) {
            List<Instant> times = group.stream().map(SamplesTest::time).sorted().toList();
            for (int start = 0, end = 0; end < times.size(); end++) {
                while (Duration.between(times.get(start), times.get(end)).compareTo(window) > 0) {
                    start++;
                }
                max = Math.max(max, end - start + 1);
            }
        }
        return max;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SamplesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] gunzip(String name) {
        try (InputStream in = SamplesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            try (GZIPInputStream gzip = new GZIPInputStream(in)) {
                return gzip.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
