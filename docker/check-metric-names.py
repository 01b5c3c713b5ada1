"""Every metric that the alert rules and the dashboard query is documented in docs/operations.md.

A metric counts as documented when its name, or for `_bucket`/`_sum`/`_count`/`_max` series its base name, appears
in backticks in the document. Catches a typo in a query and a metric renamed in one place only.

Usage: python3 check-metric-names.py DOC.md RULES.yml... DASHBOARD.json...   (needs PyYAML)
"""
import json
import re
import sys

import yaml

# Metric names as the queries use them: a known prefix, then word characters (label names follow `{` or `by (`).
METRIC = re.compile(r"\b((?:trailwatch|kafka|jvm|process|system)_[a-z0-9_]+|up)\b(?=\s*[{\[)]|\s*$|\s*[<>=!]|\s*\))")
SUFFIXES = ("_bucket", "_sum", "_count", "_max")


def expressions(path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            stack = [json.load(f)]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("expr"), str):
                    yield node["expr"]
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    else:
        with open(path, encoding="utf-8") as f:
            for group in yaml.safe_load(f)["groups"]:
                for rule in group["rules"]:
                    yield rule["expr"]


def documented(name, doc):
    candidates = [name] + [name[: -len(s)] for s in SUFFIXES if name.endswith(s)]
    return any(f"`{c}`" in doc or f"`{c} " in doc or f"`{c}{{" in doc for c in candidates)


def main(doc_path, sources):
    with open(doc_path, encoding="utf-8") as f:
        doc = f.read()
    used = {}
    for path in sources:
        for expr in expressions(path):
            for name in METRIC.findall(expr):
                used.setdefault(name, path)
    missing = sorted(name for name in used if not documented(name, doc))
    for name in missing:
        print(f"{name} (used in {used[name]}) is not documented in {doc_path}")
    print(f"{len(used)} metrics used, {len(used) - len(missing)} documented")
    return 1 if missing or not used else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
