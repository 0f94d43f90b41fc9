//! The binary as users run it: exit codes, where output goes, and what it says.

mod common;

use assert_cmd::Command;
use common::{copy_fixture, edit, fixture};

fn seckb() -> Command {
    let mut c = common::seckb_bin();
    c.env("NO_COLOR", "1");
    c
}

#[test]
fn validate_clean_site_exits_0_with_warnings_on_stderr() {
    let out = seckb()
        .arg("--root")
        .arg(fixture("basic"))
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning[outdated-translation]"), "{err}");
    assert!(err.ends_with("0 errors, 2 warnings\n"), "{err}");
}

#[test]
fn validate_errors_exit_1_with_snippet_and_help() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/en-US.yaml",
        "subtitle:",
        "subtitel:",
    );
    let out = seckb()
        .arg("--root")
        .arg(dir.path())
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let expected = "advisories/ADV-2024-0001/en-US.yaml:3:1: error[unknown-field]: unknown field `subtitel`\n  |\n3 | subtitel: A crafted request can run code on Widget Server\n  | ^^^^^^^^\n  |\n  = help: did you mean `subtitle`?\n";
    assert!(err.contains(expected), "{err}");
    assert!(err.ends_with("1 error, 2 warnings\n"), "{err}");
}

#[test]
fn validate_json_lists_the_same_findings_on_stdout() {
    let dir = copy_fixture("basic");
    edit(
        dir.path(),
        "advisories/ADV-2024-0001/advisory.yaml",
        "kind: bulletin",
        "kind: bulletn",
    );
    let out = seckb()
        .args(["validate", "--format", "json", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .unwrap();
    assert_eq!(first["file"], "advisories/ADV-2024-0001/advisory.yaml");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 7);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-value");
    assert_eq!(first["hint"], "did you mean `bulletin`?");
}

#[test]
fn usage_errors_exit_2() {
    let out = seckb().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = seckb()
        .args(["validate", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_root_reports_missing_files_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = seckb()
        .arg("--root")
        .arg(dir.path())
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("seckb.yaml:1:1: error[missing-file]: `seckb.yaml` is missing"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn schema_prints_json_schema() {
    let out = seckb().arg("schema").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "Advisory");
    assert!(v["properties"]["revisions"].is_object());
}

#[test]
fn build_writes_the_site_and_reports_on_stderr() {
    let out_dir = tempfile::tempdir().unwrap();
    let site = out_dir.path().join("site");
    let out = seckb()
        .arg("--root")
        .arg(fixture("basic"))
        .arg("build")
        .arg("--out")
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        site.join("nl-NL/advisories/ADV-2024-0001/index.html")
            .is_file()
    );
    assert!(String::from_utf8(out.stderr).unwrap().contains("built "));
}

/// `--out` as a bare folder name, relative to the working directory: the build cache goes
/// beside it, with no warning, and the next build reuses it.
#[test]
fn build_into_a_bare_relative_folder_keeps_its_cache_beside_it() {
    let cwd = tempfile::tempdir().unwrap();
    let build = || {
        seckb()
            .current_dir(cwd.path())
            .arg("--root")
            .arg(fixture("basic"))
            .args(["build", "--out", "public"])
            .output()
            .unwrap()
    };
    let first = build();
    let err = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(0), "{err}");
    assert!(!err.contains("warning: "), "{err}");
    assert!(cwd.path().join(".public.cache.json").is_file());
    let again = build();
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("0 of 2 advisories"), "{err}");
}

/// The README's usage block names every subcommand and option `--help` offers.
#[test]
fn readme_usage_matches_help() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let usage = readme
        .split("## Usage")
        .nth(1)
        .and_then(|s| s.split("```").nth(1))
        .expect("a usage block in README.md");
    for (args, words) in [
        (
            vec!["--help"],
            vec![
                "validate",
                "build",
                "check",
                "diff",
                "schema",
                "new",
                "serve",
                "import",
                "--root",
                "--cache-dir",
                "--no-cache",
            ],
        ),
        (
            vec!["check", "--help"],
            vec!["--against", "--site", "--format"],
        ),
        (vec!["diff", "--help"], vec!["--format"]),
        (vec!["validate", "--help"], vec!["--format", "--watch"]),
        (vec!["build", "--help"], vec!["--out"]),
        (vec!["schema", "--help"], vec!["--write"]),
        (vec!["new", "--help"], vec!["--lang", "--date"]),
        (vec!["serve", "--help"], vec!["--port"]),
        (vec!["import", "--help"], vec!["technet", "csaf"]),
        (
            vec!["import", "csaf", "--help"],
            vec!["--into", "--dry-run", "--force", "--format"],
        ),
        (
            vec!["import", "technet", "--help"],
            vec![
                "--into",
                "--dry-run",
                "--force",
                "--format",
                "--attribution",
                "--vendor",
            ],
        ),
    ] {
        let out = seckb().args(&args).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        for w in words {
            assert!(
                help.contains(w),
                "`seckb {}` no longer mentions {w}",
                args.join(" ")
            );
            assert!(usage.contains(w), "README usage lacks {w}");
        }
    }
}

#[test]
fn new_scaffolds_a_draft_that_validates_and_builds() {
    let dir = copy_fixture("basic");
    let out = seckb()
        .arg("--root")
        .arg(dir.path())
        .args([
            "new",
            "ADV-2025-0001",
            "--lang",
            "nl-NL",
            "--lang",
            "en-US",
            "--date",
            "2025-01-02",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let adv = dir.path().join("advisories/ADV-2025-0001");
    let facts = std::fs::read_to_string(adv.join("advisory.yaml")).unwrap();
    assert!(
        facts.contains("source_language: nl-NL")
            && facts.contains("published: 2025-01-02")
            && facts.contains("status: draft")
    );
    assert!(adv.join("en-US.yaml").is_file() && adv.join("nl-NL.yaml").is_file());
    let v = seckb()
        .arg("--root")
        .arg(dir.path())
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    let b = seckb()
        .arg("--root")
        .arg(dir.path())
        .args(["build"])
        .output()
        .unwrap();
    assert_eq!(
        b.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    assert!(
        dir.path()
            .join("site/nl-NL/advisories/ADV-2025-0001/index.html")
            .is_file()
    );
    // Drafts stay out of the feeds.
    assert!(
        !std::fs::read_to_string(dir.path().join("site/nl-NL/feed.json"))
            .unwrap()
            .contains("ADV-2025-0001")
    );
}

#[test]
fn new_refuses_bad_ids_existing_folders_and_unknown_languages() {
    let dir = copy_fixture("basic");
    for (args, says) in [
        (vec!["new", "../evil"], "cannot be an advisory id"),
        (vec!["new", "ADV-2024-0001"], "already exists"),
        (
            vec!["new", "ADV-2025-0002", "--lang", "fr-FR"],
            "`fr-FR` is not one of the site's languages",
        ),
        (
            vec!["new", "ADV-2025-0003", "--date", "2025-02-30"],
            "no such day",
        ),
    ] {
        let out = seckb()
            .arg("--root")
            .arg(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(!dir.path().join("advisories/ADV-2025-0002").exists());
}
