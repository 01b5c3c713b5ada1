package dev.trailwatch.detector.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficGeneratorTest {

    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    @Test
    void recordsAreRealisticParseAndCarryTheAttacks() {
        CloudTrailParser parser = new CloudTrailParser();
        List<TrafficGenerator.Event> events = new ArrayList<>();
        List<TrafficGenerator.Attack> attacks = new TrafficGenerator(7, 50, START).generate(40_000,
                (i, e) -> events.add(e));
        assertEquals(40_000, events.size());
        long bytes = 0;
        long lastTime = Long.MIN_VALUE;
        Map<String, CloudTrailEvent> byId = new HashMap<>();
        java.util.Set<String> services = new java.util.HashSet<>();
        java.util.Set<String> accounts = new java.util.HashSet<>();
        for (TrafficGenerator.Event e : events) {
            bytes += e.value().length;
            ParseResult result = parser.parse(e.value());
            assertTrue(result instanceof ParseResult.Parsed, () -> "rejected: " + result);
            CloudTrailEvent event = ((ParseResult.Parsed) result).event();
            assertEquals(e.key(), event.recipientAccountId());
            assertTrue(event.eventTime() >= lastTime, "eventTime never goes back");
            assertEquals(0, event.eventTime() % 1_000, "whole seconds, as CloudTrail writes them");
            lastTime = event.eventTime();
            byId.put(event.eventId(), event);
            services.add(event.eventSource());
            accounts.add(event.recipientAccountId());
        }
        double avg = (double) bytes / events.size();
        assertTrue(avg > 1350 && avg < 1750, "average size " + avg);
        assertTrue(services.size() >= 20, "services " + services.size());
        assertTrue(accounts.size() >= 30, "accounts " + accounts.size());
        assertEquals(2 * 3, attacks.size());
        for (TrafficGenerator.Attack attack : attacks) {
            assertTrue(attack.eventIds().stream().allMatch(byId::containsKey), attack.name());
            assertTrue(attack.eventIds().contains(attack.triggerEventId()));
        }
        long failures = attacks.stream().filter(a -> a.ruleId().equals("failed-console-login-burst"))
                .mapToLong(a -> a.eventIds().size()).sum();
        assertEquals(2L * TrafficGenerator.BURST_FAILURES, failures);
        assertTrue(attacks.stream().anyMatch(a -> a.ruleId().equals("cloudtrail-logging-stopped")));
        assertTrue(attacks.stream().anyMatch(a -> a.ruleId().equals("security-group-changed")));
    }

    /**
     * Real principals call a small, stable set of APIs from their own address and client; the bench's org must too,
     * or every read is new for its principal and the bench measures a scanner's traffic (docs/performance.md).
     */
    @Test
    void principalsKeepToTheirOwnFewCallsAddressesAndClients() {
        CloudTrailParser parser = new CloudTrailParser();
        Map<String, java.util.Set<String>> calls = new HashMap<>();
        Map<String, java.util.Set<String>> agents = new HashMap<>();
        Map<String, java.util.Set<String>> subnets = new HashMap<>();
        Map<String, java.util.Set<String>> resources = new HashMap<>();
        Map<String, Long> byName = new HashMap<>();
        long reads = 0;
        long repeats = 0;
        long total = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<TrafficGenerator.Event> events = new ArrayList<>();
        new TrafficGenerator(7, 5, START).generate(60_000, (i, e) -> events.add(e));
        for (TrafficGenerator.Event e : events) {
            CloudTrailEvent event = ((ParseResult.Parsed) parser.parse(e.value())).event();
            total++;
            byName.merge(event.eventName(), 1L, Long::sum);
            if (e.attackEventId() != null || event.isAwsServiceCall()) {
                continue;
            }
            String who = event.principal();
            String call = event.eventSource() + ":" + event.eventName();
            calls.computeIfAbsent(who, k -> new java.util.HashSet<>()).add(call);
            agents.computeIfAbsent(who, k -> new java.util.HashSet<>()).add(event.userAgent());
            String ip = event.sourceIpAddress();
            subnets.computeIfAbsent(who, k -> new java.util.HashSet<>()).add(ip.substring(0, ip.lastIndexOf('.')));
            String resource = event.requestParameters().elements().next().asText();
            resources.computeIfAbsent(who, k -> new java.util.HashSet<>())
                    .add(resource.substring(resource.lastIndexOf('/')));
            if (event.readOnly()) {
                reads++;
                if (!seen.add(who + " " + call)) {
                    repeats++;
                }
            }
        }
        assertTrue(calls.size() > 500, "principals " + calls.size());
        for (String who : calls.keySet()) {
            int most = who.contains(":user/") ? 9 : 5;
            assertTrue(calls.get(who).size() <= most, who + " calls " + calls.get(who));
            assertEquals(1, agents.get(who).size(), who + " agents " + agents.get(who));
            assertEquals(1, subnets.get(who).size(), who + " subnets " + subnets.get(who));
            assertTrue(resources.get(who).size() <= 3, who + " resources " + resources.get(who));
        }
        assertTrue(repeats > 0.8 * reads, "reads repeating a call of their principal: " + repeats + " of " + reads);
        // the mix of calls is the skewed one drawn per event: the most frequent read ~7%, the least ~2.6%
        double first = (double) byName.get("DescribeInstances") / total;
        double last = (double) byName.get("PutObject") / total;
        assertTrue(first > 0.06 && first < 0.085, "DescribeInstances " + first);
        assertTrue(last > 0.02 && last < 0.035, "PutObject " + last);
    }

    @Test
    void deterministicForASeed() {
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        List<byte[]> c = new ArrayList<>();
        var attacksA = new TrafficGenerator(42, 10, START).generate(5_000, (i, e) -> a.add(e.value()));
        var attacksB = new TrafficGenerator(42, 10, START).generate(5_000, (i, e) -> b.add(e.value()));
        new TrafficGenerator(43, 10, START).generate(5_000, (i, e) -> c.add(e.value()));
        assertEquals(attacksA, attacksB);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
        assertTrue(!java.util.Arrays.equals(a.get(0), c.get(0)));
    }

    @Test
    void liveTrafficFollowsTheWallClockAndNumbersItsRoundsAfterThePreload() {
        List<TrafficGenerator.Event> preload = new ArrayList<>();
        new TrafficGenerator(7, 10, START).generate(40_000, (i, e) -> preload.add(e));
        TrafficGenerator live = TrafficGenerator.live(8, 10, START.plusSeconds(3_600), 10_000, 2_000,
                TrafficGenerator.roundsFor(40_000));
        List<TrafficGenerator.Event> events = new ArrayList<>();
        List<TrafficGenerator.Attack> attacks = live.generate(20_000, (i, e) -> events.add(e));

        assertEquals(START.plusSeconds(3_600), live.timeOf(0));
        assertEquals(START.plusSeconds(3_602), live.timeOf(20_000), "10,000 events/s of event time");
        assertEquals(10 * 3, attacks.size(), "a round per 2,000 events");
        java.util.Set<String> earlierIps = ips(preload);
        java.util.Set<String> liveIps = ips(events);
        assertTrue(liveIps.size() >= 10 && java.util.Collections.disjoint(earlierIps, liveIps),
                "live rounds use other attacker IPs: " + liveIps + " vs " + earlierIps);
        assertTrue(events.stream().filter(e -> e.attackEventId() != null).count() >= 30);
    }

    private static java.util.Set<String> ips(List<TrafficGenerator.Event> events) {
        CloudTrailParser parser = new CloudTrailParser();
        java.util.Set<String> ips = new java.util.TreeSet<>();
        for (TrafficGenerator.Event e : events) {
            if (e.attackEventId() != null) {
                ips.add(((ParseResult.Parsed) parser.parse(e.value())).event().sourceIpAddress());
            }
        }
        return ips;
    }
}
