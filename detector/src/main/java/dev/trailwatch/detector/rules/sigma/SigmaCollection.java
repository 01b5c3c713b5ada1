package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compilation of a collection of Sigma files: the documents seen so far, by id and name, and what was refused.
 * Global filters and correlations are resolved once every file is read, as they may refer to rules in other files.
 */
final class SigmaCollection {

    private final List<SigmaRule> rules = new ArrayList<>();
    private final List<SigmaRule> feeders = new ArrayList<>();
    private final List<SigmaCorrelation> correlations = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();
    private final List<SigmaRefusal> refusals = new ArrayList<>();
    /** Sigma id or name -> refusal of that document, to explain a correlation that refers to it. */
    private final Map<String, SigmaRefusal> refusedByRef = new HashMap<>();
    private final Map<String, String> takenIds = new HashMap<>();

    private record Filter(String source, SigmaYaml.Document doc, String title, List<String> rules,
                          Map<String, Search> searches, Cond condition, String conditionText) {
    }

    SigmaRules.Loaded compile(List<SigmaRules.Input> inputs) {
        for (SigmaRules.Input input : inputs) {
            List<SigmaYaml.Document> docs;
            try {
                docs = SigmaYaml.read(input.text());
            } catch (SigmaException e) {
                refusals.add(new SigmaRefusal(input.location(), 1, "", "", 0, e.kind(), e.getMessage()));
                continue;
            }
            if (docs.isEmpty()) {
                refusals.add(new SigmaRefusal(input.location(), 1, "", "", 0, SigmaRefusal.Kind.INVALID,
                        "the file is empty"));
            }
            for (SigmaYaml.Document doc : docs) {
                document(input.location(), doc, docs.size());
            }
        }
        applyFilters();
        resolveCorrelations();
        return new SigmaRules.Loaded(rules, correlations, feeders, refusals);
    }

    private void document(String source, SigmaYaml.Document doc, int documents) {
        JsonNode root = doc.root();
        String title = root.isObject() ? root.path("title").asText("") : "";
        String name = root.isObject() ? root.path("name").asText("") : "";
        String ruleId = SigmaRules.ruleId(source, doc.index(), documents, name);
        try {
            if (!root.isObject()) {
                throw new SigmaException("", "a Sigma document must be a map");
            }
            if (root.has("correlation")) {
                SigmaCorrelation correlation = CorrelationParser.parse(source, doc.index(), ruleId, root);
                claim(ruleId, correlation.meta(), source);
                correlations.add(correlation);
            } else if (root.has("detection")) {
                SigmaRule rule = RuleCompiler.compile(ruleId, source, doc);
                claim(ruleId, rule.meta(), source);
                rules.add(rule);
            } else if (root.has("filter")) {
                filters.add(filter(source, doc));
            } else {
                throw new SigmaException("", "neither 'detection' (a rule), 'correlation' nor 'filter' (a global"
                        + " filter)");
            }
        } catch (SigmaException e) {
            SigmaRefusal refusal = new SigmaRefusal(source, doc.index(), title, e.path(), doc.line(e.path()),
                    e.kind(), e.getMessage());
            refusals.add(refusal);
            for (String ref : List.of(root.path("id").asText(""), name)) {
                if (!ref.isEmpty()) {
                    refusedByRef.put(ref, refusal);
                }
            }
        }
    }

    /** Ids must be unique: the alert's ruleId, and the Sigma id (correlations and filters refer to it). */
    private void claim(String ruleId, SigmaMeta meta, String source) {
        for (String key : List.of("ruleId " + ruleId, "Sigma id " + meta.id(), "Sigma name " + meta.name())) {
            if (key.endsWith(" ")) {
                continue;
            }
            String other = takenIds.get(key);
            if (other != null) {
                throw new SigmaException(key.startsWith("ruleId") ? "" : key.startsWith("Sigma id") ? "id" : "name",
                        "duplicate " + key + " (also in " + other + ")");
            }
        }
        for (String key : List.of("ruleId " + ruleId, "Sigma id " + meta.id(), "Sigma name " + meta.name())) {
            if (!key.endsWith(" ")) {
                takenIds.put(key, source);
            }
        }
    }

    private Filter filter(String source, SigmaYaml.Document doc) {
        JsonNode root = doc.root();
        SigmaMeta meta = RuleCompiler.meta(root, new ArrayList<>());
        JsonNode logsource = root.path("logsource");
        if (!logsource.path("product").asText("").equalsIgnoreCase("aws")
                || !logsource.path("service").asText("").equalsIgnoreCase("cloudtrail")) {
            throw new SigmaException(SigmaRefusal.Kind.OTHER_LOG_SOURCE, "logsource", "the global filter's"
                    + " logsource is not product: aws, service: cloudtrail", null);
        }
        JsonNode body = root.path("filter");
        List<String> targets = RuleCompiler.list(body, "rules");
        if (targets.isEmpty()) {
            throw new SigmaException("filter.rules", "a global filter names the rules it applies to");
        }
        Map<String, Search> searches = new LinkedHashMap<>();
        body.fields().forEachRemaining(e -> {
            if (!Set.of("rules", "condition").contains(e.getKey())) {
                searches.put(e.getKey(), SelectionCompiler.search(e.getValue(), "filter." + e.getKey()));
            }
        });
        if (!body.path("condition").isTextual() || searches.isEmpty()) {
            throw new SigmaException("filter.condition", "a global filter needs selections and a condition");
        }
        String text = body.path("condition").asText();
        Cond condition = ConditionParser.parse(text, "filter.condition", searches);
        return new Filter(source, doc, meta.title(), targets, searches, condition, text);
    }

    private void applyFilters() {
        for (Filter filter : filters) {
            for (int i = 0; i < filter.rules().size(); i++) {
                String target = filter.rules().get(i);
                int index = indexOf(target);
                if (index < 0) {
                    String path = "filter.rules[" + i + "]";
                    refusals.add(new SigmaRefusal(filter.source(), filter.doc().index(), filter.title(), path,
                            filter.doc().line(path), SigmaRefusal.Kind.INVALID, "no loaded Sigma rule has id or"
                            + " name '" + target + "'" + because(target)));
                    continue;
                }
                rules.set(index, rules.get(index).withFilter("filter '" + filter.title() + "'", filter.searches(),
                        filter.condition(), filter.conditionText()));
            }
        }
    }

    private int indexOf(String ref) {
        for (int i = 0; i < rules.size(); i++) {
            SigmaMeta meta = rules.get(i).meta();
            if (ref.equals(meta.id()) || ref.equals(meta.name())) {
                return i;
            }
        }
        return -1;
    }

    private String because(String ref) {
        SigmaRefusal refused = refusedByRef.get(ref);
        return refused == null ? "" : " (it was refused: " + refused.reason() + ")";
    }

    /**
     * Every reference of a correlation must name a loaded rule or correlation. A rule that only correlations with
     * {@code generate: false} refer to does not alert on its own (the specification's default).
     */
    private void resolveCorrelations() {
        List<SigmaCorrelation> resolved = new ArrayList<>();
        for (SigmaCorrelation c : correlations) {
            String missing = null;
            int at = -1;
            for (int i = 0; i < c.rules().size() && missing == null; i++) {
                String ref = c.rules().get(i);
                boolean found = indexOf(ref) >= 0 || correlations.stream()
                        .anyMatch(o -> o != c && (ref.equals(o.meta().id()) || ref.equals(o.meta().name())));
                if (!found) {
                    missing = ref;
                    at = i;
                }
            }
            if (missing != null) {
                String path = "correlation.rules[" + at + "]";
                refusals.add(new SigmaRefusal(c.source(), c.document(), c.meta().title(), path, 0,
                        SigmaRefusal.Kind.INVALID, "no loaded Sigma rule or correlation has id or name '"
                        + missing + "'" + because(missing)));
            } else {
                resolved.add(c);
            }
        }
        correlations.retainAll(resolved);
        for (SigmaCorrelation c : resolved) {
            if (c.generate()) {
                continue;
            }
            for (String ref : c.rules()) {
                int index = indexOf(ref);
                if (index >= 0 && resolved.stream().noneMatch(o -> o.generate() && o.rules().contains(ref))) {
                    SigmaRule rule = rules.remove(index);
                    feeders.add(rule);
                    refusals.add(new SigmaRefusal(rule.source(), rule.document(), rule.meta().title(), "", 0,
                            SigmaRefusal.Kind.CORRELATION_NOT_RUN, "only feeds correlation '" + c.meta().title()
                            + "' (" + c.source() + ", generate: false): it raises no alert of its own"));
                }
            }
        }
    }
}
