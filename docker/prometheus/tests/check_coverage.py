"""Every alert in ../rules/*.yml has a promtool test that expects it to fire and one that expects silence.

Usage: python3 check_coverage.py RULES_DIR TESTS_DIR   (needs PyYAML)
"""
import glob
import os
import sys

import yaml


def alerts_in(rules_dir):
    names = []
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.yml"))):
        with open(path, encoding="utf-8") as f:
            for group in yaml.safe_load(f)["groups"]:
                names += [rule["alert"] for rule in group["rules"] if "alert" in rule]
    return names


def cases_in(tests_dir):
    firing, quiet = set(), set()
    for path in sorted(glob.glob(os.path.join(tests_dir, "*.yml"))):
        with open(path, encoding="utf-8") as f:
            for test in yaml.safe_load(f).get("tests", []):
                for case in test.get("alert_rule_test", []):
                    (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    return firing, quiet


def main(rules_dir, tests_dir):
    alerts = alerts_in(rules_dir)
    firing, quiet = cases_in(tests_dir)
    problems = [f"{name}: no test expects it to fire" for name in alerts if name not in firing]
    problems += [f"{name}: no test expects it to stay quiet" for name in alerts if name not in quiet]
    problems += [f"{name}: tested but not defined" for name in sorted((firing | quiet) - set(alerts))]
    for problem in problems:
        print(problem)
    print(f"{len(alerts)} alerts, {len(alerts) - len({p.split(':')[0] for p in problems})} with firing and quiet tests")
    return 1 if problems or not alerts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
