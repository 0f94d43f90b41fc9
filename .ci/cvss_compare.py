"""Recomputes the base scores seckb wrote (tests/cvss.rs, target/tmp/cvss-scores.tsv) with
the Python `cvss` package, an implementation independent of RustSec's crate, and fails on
any disagreement in score or severity."""
import sys

from cvss import CVSS3, CVSS4

path = sys.argv[1]
rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if line.strip()]
bad = []
for vector, score, severity in rows:
    if vector.startswith("CVSS:4.0/"):
        c = CVSS4(vector)
        want_score, want_severity = float(c.base_score), c.severity
    else:
        c = CVSS3(vector)
        want_score, want_severity = float(c.scores()[0]), c.severities()[0]
    if abs(want_score - float(score)) > 1e-9 or want_severity.upper() != severity:
        bad.append(f"{vector}: seckb {score} {severity}, python cvss {want_score} {want_severity}")
print(f"cvss: {len(rows)} vectors, {len(bad)} disagreements")
for line in bad:
    print("  " + line)
sys.exit(1 if bad or not rows else 0)
