"""Checks a provisioned Grafana dashboard beyond "is it JSON".

- uid, title and schemaVersion are set; panel ids are unique; every panel sits inside the 24-column grid;
- every panel, query and template variable uses the Prometheus datasource through the dashboard's `datasource`
  variable (type datasource, Prometheus plugin), whose default is the provisioned datasource's uid, so the dashboard
  works as provisioned here and imported anywhere else (Grafana asks for the datasource);
- every query is valid PromQL: the queries (dashboard variables filled in) are written as recording rules to a
  temporary file and checked with `promtool check rules`.

Usage: python3 check-dashboard.py DASHBOARD.json DATASOURCES.yml   (needs PyYAML and promtool on PATH)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h", "$job": "trailwatch-detector",
             "$instance": ".*", "$account": ".*"}


def provisioned_uids(path):
    with open(path, encoding="utf-8") as f:
        return {ds["uid"] for ds in yaml.safe_load(f)["datasources"]}


def all_panels(panels):
    for panel in panels:
        yield panel
        yield from all_panels(panel.get("panels", []))


DATASOURCE_VARIABLE = "${datasource}"


def datasource_uids(dashboard, provisioned, problems):
    """The uids panels may use: the datasource variable, when it is a Prometheus one defaulting to a provisioned uid."""
    variables = [v for v in dashboard.get("templating", {}).get("list", []) if v.get("name") == "datasource"]
    if len(variables) != 1 or variables[0].get("type") != "datasource" or variables[0].get("query") != "prometheus":
        problems.append("no datasource variable of type datasource for the prometheus plugin")
        return set()
    default = variables[0].get("current", {}).get("value")
    if default not in provisioned:
        problems.append(f"the datasource variable defaults to {default!r}, not one of {sorted(provisioned)}")
    return {DATASOURCE_VARIABLE}


def check(dashboard, provisioned):
    problems = []
    uids = datasource_uids(dashboard, provisioned, problems)
    for key in ("uid", "title", "schemaVersion"):
        if not dashboard.get(key):
            problems.append(f"dashboard has no {key}")
    panels = list(all_panels(dashboard.get("panels", [])))
    ids = [p.get("id") for p in panels]
    if len(ids) != len(set(ids)) or None in ids:
        problems.append(f"panel ids missing or repeated: {ids}")
    queries = []
    for panel in panels:
        name = f"panel {panel.get('id')} '{panel.get('title')}'"
        grid = panel.get("gridPos", {})
        if not grid or grid.get("x", 0) + grid.get("w", 0) > 24:
            problems.append(f"{name}: gridPos missing or wider than 24 columns: {grid}")
        if panel.get("type") == "row":
            continue
        if panel.get("datasource", {}).get("uid") not in uids:
            problems.append(f"{name}: datasource {panel.get('datasource')} is not one of {sorted(uids)}")
        if not panel.get("targets"):
            problems.append(f"{name}: no queries")
        for t in panel.get("targets", []):
            if t.get("datasource", {}).get("uid") not in uids:
                problems.append(f"{name} query {t.get('refId')}: datasource {t.get('datasource')} not provisioned")
            queries.append((f"{name} query {t.get('refId')}", t.get("expr", "")))
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") == "query" and var.get("datasource", {}).get("uid") not in uids:
            problems.append(f"variable {var.get('name')}: datasource {var.get('datasource')} not provisioned")
    problems += check_promql(queries)
    return len(panels), len(queries), problems


def fill(expr):
    for name, value in sorted(VARIABLES.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


def check_promql(queries):
    if not queries:
        return []
    rules = [{"record": f"dashboard:query_{i}", "expr": fill(expr)} for i, (_, expr) in enumerate(queries)]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)
    try:
        result = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if result.returncode == 0:
        return []
    out = result.stdout + result.stderr
    bad = {int(m) for m in re.findall(r"dashboard:query_(\d+)", out)}
    named = [f"{queries[i][0]}: invalid PromQL: {queries[i][1]}" for i in sorted(bad) if i < len(queries)]
    return named or [f"promtool rejected the dashboard queries:\n{out}"]


def main(dashboard_path, datasources_path):
    with open(dashboard_path, encoding="utf-8") as f:
        dashboard = json.load(f)
    panels, queries, problems = check(dashboard, provisioned_uids(datasources_path))
    for problem in problems:
        print(problem)
    print(f"{dashboard_path}: {panels} panels, {queries} queries, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
