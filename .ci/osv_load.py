"""Loads every OSV document of a built site with osv-utils (PyPI), a client library that
OSV consumers use, and fails on any it cannot load; prints what it read of the package
advisories (ecosystem, package, ranges, CVSS), so that a change that drops them shows."""
import json
import sys
from pathlib import Path

from osvutils.types.osv import OSV

folder = Path(sys.argv[1])
files = sorted(folder.glob("*.json"))
failed, with_affected, with_severity = [], 0, 0
for f in files:
    try:
        record = OSV(**json.loads(f.read_text(encoding="utf-8")))
    except Exception as e:  # report every document that does not load, then fail
        failed.append(f"{f.name}: {e}")
        continue
    if record.affected:
        with_affected += 1
        for a in record.affected:
            print(f"  {f.name}: {a.package.ecosystem.ecosystem.value} {a.package.name}: "
                  + "; ".join(str([e.version for e in r.events]) for r in a.ranges or []))
    if record.get_scores():
        with_severity += 1
print(f"osv-utils: {len(files)} documents, {len(failed)} failed, "
      f"{with_affected} with affected packages, {with_severity} with CVSS scores")
for line in failed:
    print("  " + line)
sys.exit(1 if failed or not files or not with_affected else 0)
