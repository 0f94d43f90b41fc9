#!/usr/bin/env python3
"""Imports Microsoft's archive as a new user would, and checks what issue 31 asks of it.

usage: import_archive.py SECKB SHARED OUT_SITE

1. A new site (the basic fixture's settings and catalog) takes the nl-NL and de-DE samples
   (advisories and the 2008 bulletins), then the whole es-ES archive (158 advisories and
   689 bulletins, 2005-2014).
2. Both imports: exit 0, no failed file, and every input file accounted for (imported,
   skipped with a reason, or failed with one). The es-ES import adds its text to every
   advisory and bulletin the samples already hold (outcome `languages-added`, no
   `not-merged`).
3. The site validates with no error and builds.
4. The product catalog holds no entry that is a KB number, a note, a "see the row above"
   cell, a category heading or a name with markup left in it: offenders are listed.
"""

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

seckb, shared, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
repo = Path(__file__).resolve().parent.parent

if out.exists():
    shutil.rmtree(out)
(out / "i18n").mkdir(parents=True)
basic = repo / "tests/fixtures/basic"
for f in ["seckb.yaml", "products.yaml", "i18n/en-US.yaml"]:
    shutil.copy(basic / f, out / f)

failed = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failed.append(what)


def md_files(*dirs):
    return sorted(p for d in dirs for p in Path(d).rglob("*.md"))


def run_import(*dirs):
    t = time.monotonic()
    p = subprocess.run(
        [seckb, "--no-cache", "import", "technet", "--format", "json", "--into", str(out), *map(str, dirs)],
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - t
    report = json.loads(p.stdout)
    files = md_files(*dirs)
    imported = {f for a in report["advisories"] for f in a["files"]}
    skipped = {s["file"] for s in report["skipped"]}
    failures = {s["file"] for s in report["failures"]}
    unaccounted = [str(f) for f in files if str(f) not in imported | skipped | failures]
    name = ", ".join(Path(d).name for d in dirs)
    print(f"-- import {name}: {len(files)} files in {took:.1f} s; {len(report['advisories'])} documents, "
          f"{len(report['skipped'])} skipped, {len(report['failures'])} failed")
    for s in report["skipped"]:
        print(f"   skipped {s['file']}: {s['message']}")
    for s in report["failures"]:
        print(f"   failed {s['file']}: {s['message']}")
    check(p.returncode == 0, f"import {name} exits 0 (got {p.returncode})")
    check(not report["failures"], f"import {name}: no file failed")
    check(not unaccounted, f"import {name}: every file is imported, skipped or failed {unaccounted[:5]}")
    return report


def ids_on_disk():
    return {p.name for p in (out / "advisories").iterdir() if p.is_dir()} if (out / "advisories").is_dir() else set()


run_import(shared / "corpus/technet", shared / "corpus/technet-bulletins")
before = ids_on_disk()
es = run_import(shared / "corpus/technet-es-ES")
shared_ids = {a["id"] for a in es["advisories"]} & before
not_merged = [(a["id"], n["message"]) for a in es["advisories"] for n in a["notes"] if n["code"] == "not-merged"]
not_added = sorted(a["id"] for a in es["advisories"] if a["id"] in shared_ids and a["outcome"] != "languages-added")
print(f"-- {len(shared_ids)} documents are in both the samples and the es-ES archive")
check(len(shared_ids) > 100, "the samples and the es-ES archive share more than 100 documents")
check(not not_merged, f"no not-merged note {not_merged[:3]}")
check(not not_added, f"the es-ES text is added to every shared document {not_added[:10]}")
documents = [a for a in es["advisories"]]
check(len(documents) >= 846, f"the es-ES archive gives 846 documents (847 files, one filed twice): {len(documents)}")

v = subprocess.run([seckb, "--root", str(out), "validate"], capture_output=True, text=True)
summary = [l for l in v.stderr.splitlines() if re.match(r"^\d+ errors?, \d+ warnings?", l)]
print("-- validate:", summary[-1] if summary else v.stderr[-500:])
errors = [l for l in v.stderr.splitlines() if "error[" in l]
for e in errors[:20]:
    print("  ", e)
check(v.returncode == 0 and not errors, "the imported site validates with no error")

t = time.monotonic()
b = subprocess.run([seckb, "--root", str(out), "build"], capture_output=True, text=True)
print(f"-- build: {time.monotonic() - t:.1f} s; {b.stderr.strip().splitlines()[-1] if b.stderr.strip() else ''}")
check(b.returncode == 0, "the imported site builds")

catalog = yaml.safe_load((out / "products.yaml").read_text())
names = [(p["id"], n) for p in catalog["products"] for n in [p["name"], *(p.get("names") or {}).values()]]
NOT_PRODUCTS = re.compile(
    r"""^\(?\s*(KB\s?)?\d{5,7}\s*\)?$          # a KB number
      | ^\(                                  # a note in brackets
      | [\\*:]$ | \*\*                       # markup or a label left in
      | (?i:consulte\ la\ fila|see\ the\ (previous|next)\ row|siehe\ (vorherige|nächste)\ zeile
         |zie\ (vorige|volgende)\ rij|no\ aplicable|not\ applicable|nicht\ zutreffend|niet\ van\ toepassing)
      | ^(?i:sistemas?\ operativos?(\ y\ componentes)?|operating\ systems?(\ and\ components)?
         |betriebssysteme?(\ und\ komponenten)?|besturingssyste(em|men)(\ en\ onderdelen)?
         |software|aplicación|conjunto\ de\ programas\ de\ office|office\ y\ otro\ software
         |office\ suite(\ (en|und|and)\ (andere|other)\ software)?|office\ (en|und|and)\ (overige|andere|other)\ software
         |overige\ office-software)$""",
    re.X,
)
offenders = [(i, n) for i, n in names if NOT_PRODUCTS.search(n.strip())]
print(f"-- catalog: {len(catalog['products'])} products, {len(offenders)} offenders")
for i, n in offenders:
    print(f"   {i}: {n!r}")
check(not offenders, "no catalog entry is a KB number, a note, a category heading or has markup left in it")

if failed:
    print(f"\n{len(failed)} check(s) failed")
    sys.exit(1)
print("\nall checks passed")
