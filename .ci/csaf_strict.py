#!/usr/bin/env python3
"""Every CSAF document of the given sites against all of csaf-validator-lib's tests: schema
and mandatory tests must pass; every finding of the optional and informative tests must be
an exception listed, with its reason, in .ci/csaf-exceptions.tsv. An exception that no
longer matches anything fails too, so the list stays true.

usage: csaf_strict.py VALIDATE_MJS SITE...
"""
import csv
import pathlib
import re
import subprocess
import sys

here = pathlib.Path(__file__).parent
validate, sites = sys.argv[1], sys.argv[2:]
docs = sorted(
    str(p)
    for site in sites
    for p in pathlib.Path(site, ".well-known/csaf/white").rglob("*.json")
    if re.fullmatch(r"\d{4}", p.parent.name)
)
if not docs:
    sys.exit("csaf_strict: no CSAF documents found")

exceptions = []
with open(here / "csaf-exceptions.tsv", newline="") as f:
    for row in csv.reader((l for l in f if not l.startswith("#") and l.strip()), delimiter="\t"):
        test, doc, message, reason = row
        if not test.startswith(("optionalTest_", "informativeTest_")):
            sys.exit(f"csaf_strict: {test}: only optional and informative tests may have exceptions")
        exceptions.append({"test": test, "doc": re.compile(doc), "message": re.compile(message),
                           "reason": reason, "hits": 0, "docs": set()})

run = subprocess.run(["node", validate, "--informative", "--verbose", *docs],
                     capture_output=True, text=True)
finding = re.compile(r"^  \[(ERROR|WARN|INFO)\] (\S+) (\S*): (.*)$")
current, unlisted, mandatory = None, [], []
for line in run.stdout.splitlines():
    if line.startswith(("OK ", "FAIL ")):
        current = line.split(None, 1)[1].strip()
        continue
    m = finding.match(line)
    if not m or current is None:
        continue
    tag, test, path, message = m.groups()
    if not test.startswith(("optionalTest_", "informativeTest_")):
        mandatory.append(f"{current}: {test} {path}: {message}")
        continue
    for e in exceptions:
        if e["test"] == test and e["doc"].search(current) and e["message"].search(message):
            e["hits"] += 1
            e["docs"].add(current)
            break
    else:
        unlisted.append(f"{current}: [{tag}] {test} {path}: {message}")

summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
print(f"{len(docs)} CSAF documents; {summary}")
for e in exceptions:
    print(f"  exception {e['test']} /{e['doc'].pattern}/: {e['hits']} findings in "
          f"{len(e['docs'])} documents ({e['reason']})")
failed = False
if mandatory or run.returncode not in (0, 1):
    print("schema or mandatory test failures (never excepted):", *mandatory[:50], sep="\n  ")
    print(run.stderr[-2000:])
    failed = True
if unlisted:
    print(f"{len(unlisted)} findings of optional or informative tests that no exception lists:",
          *unlisted[:50], sep="\n  ")
    failed = True
stale = [e for e in exceptions if e["hits"] == 0]
if stale:
    print("exceptions that match nothing any more (remove them):",
          *(f"{e['test']} /{e['doc'].pattern}/" for e in stale), sep="\n  ")
    failed = True
sys.exit(1 if failed else 0)
