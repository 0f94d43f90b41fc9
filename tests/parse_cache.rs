//! The parse cache: a run that reads parsed values from it must see
//! exactly what parsing would give, take a value only for the text it was made from, and
//! treat a damaged or unwritable cache as a cost, never as an error.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{copy_fixture, copy_tree, edit, read_tree};
use seckb::diag::Findings;
use seckb::load::cache::{ParseCache, default_dir};
use seckb::load::{Options, Project};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(root: &Path, cache: Option<&ParseCache>) -> (Project, Findings) {
    let mut findings = Findings::default();
    let options = Options {
        cache,
        ..Options::default()
    };
    let project = seckb::load::load(root, &mut findings, &options).unwrap();
    (project, findings)
}

/// Every advisory as text: the values, their files and digests; not the files' stats,
/// which depend on when the files were read (not within two seconds of a change).
fn shown(p: &Project) -> Vec<String> {
    p.advisories
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.facts.iter_mut().for_each(|f| f.stat = None);
            a.texts.values_mut().for_each(|t| t.stat = None);
            format!("{a:?}")
        })
        .collect()
}

/// The shard file of the cache in `dir` that has a line starting with `start`, and its text.
fn shard_holding(dir: &Path, start: &str) -> (std::path::PathBuf, String) {
    let holding: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), std::fs::read_to_string(p).unwrap()))
        .filter(|(_, text)| text.lines().any(|l| l.starts_with(start)))
        .collect();
    assert_eq!(holding.len(), 1, "{start} should be in one shard");
    holding.into_iter().next().unwrap()
}

fn seckb(root: &Path) -> Command {
    let mut c = common::seckb_bin();
    c.env("NO_COLOR", "1").arg("--root").arg(root);
    c
}

/// The repository's advisories (three languages, every field the model has) read back from
/// the cache equal what parsing gives, value for value; and the cache is really what they
/// were read from: an entry changed by hand shows through.
#[test]
fn values_read_from_the_cache_equal_parsed_ones() {
    let cache_dir = tempfile::tempdir().unwrap();
    let (parsed, findings) = load(repo(), None);
    assert!(findings.is_ok());
    assert!(parsed.advisories.len() > 50);
    let cold = ParseCache::open(cache_dir.path());
    assert!(cold.is_empty());
    assert!(cold.store(&parsed).unwrap() > 0);

    let warm = ParseCache::open(cache_dir.path());
    let files: usize = parsed
        .advisories
        .iter()
        .map(|a| a.texts.len() + usize::from(a.facts.is_some()))
        .sum();
    assert_eq!(warm.len(), files);
    let (cached, cached_findings) = load(repo(), Some(&warm));
    assert_eq!(shown(&cached), shown(&parsed));
    assert_eq!(cached_findings.to_json(), findings.to_json());
    // Nothing changed, so nothing is written.
    assert_eq!(warm.store(&cached).unwrap(), 0);

    let (file, text) = shard_holding(cache_dir.path(), "advisories/954474/nl-NL.yaml\t");
    let line = text
        .lines()
        .find(|l| l.starts_with("advisories/954474/nl-NL.yaml\t"))
        .unwrap();
    let title = &parsed
        .advisories
        .iter()
        .find(|a| a.dir == "954474")
        .unwrap()
        .texts["nl-NL"]
        .value
        .title;
    let forged = line.replacen(&format!("\"title\":\"{title}\""), "\"title\":\"forged\"", 1);
    assert_ne!(forged, line);
    std::fs::write(&file, text.replacen(line, &forged, 1)).unwrap();
    let (forged, _) = load(repo(), Some(&ParseCache::open(cache_dir.path())));
    let a = forged
        .advisories
        .iter()
        .find(|a| a.dir == "954474")
        .unwrap();
    assert_eq!(a.texts["nl-NL"].value.title, "forged");
}

/// A file edited after it was cached is parsed again: its new value and its new problems
/// are what a run sees, and the cache then holds the new value.
#[test]
fn an_edited_file_is_parsed_again() {
    let site = copy_fixture("basic");
    // Settled files have their stats recorded from the first run, so that which shards are
    // rewritten does not depend on how long the test takes.
    settle(site.path());
    let cache_dir = tempfile::tempdir().unwrap();
    let (before, _) = load(site.path(), None);
    ParseCache::open(cache_dir.path()).store(&before).unwrap();

    let file = "advisories/ADV-2024-0001/en-US.yaml";
    edit(
        site.path(),
        file,
        "subtitle:",
        "subtitle: Edited\nsubtitel:",
    );
    let (p, findings) = load(site.path(), Some(&ParseCache::open(cache_dir.path())));
    let json = findings.to_json();
    assert!(json.contains("unknown-field"), "{json}");
    let adv = p
        .advisories
        .iter()
        .find(|a| a.dir == "ADV-2024-0001")
        .unwrap();
    assert!(!adv.texts.contains_key("en-US"));

    edit(
        site.path(),
        file,
        "subtitle: Edited\nsubtitel:",
        "subtitle:",
    );
    edit(
        site.path(),
        file,
        "\ntitle: Widget Server remote",
        "\ntitle: Retitled Widget Server remote",
    );
    let cache = ParseCache::open(cache_dir.path());
    let (p, findings) = load(site.path(), Some(&cache));
    assert!(findings.is_ok(), "{}", findings.to_json());
    let adv = p
        .advisories
        .iter()
        .find(|a| a.dir == "ADV-2024-0001")
        .unwrap();
    assert!(adv.texts["en-US"].value.title.starts_with("Retitled "));
    // One advisory changed: one shard of the cache is rewritten.
    assert_eq!(cache.store(&p).unwrap(), 1);
    let (again, _) = load(site.path(), Some(&ParseCache::open(cache_dir.path())));
    assert_eq!(shown(&again), shown(&p));
}

/// A file whose size, times and inode are those recorded with its digest is not read again:
/// an entry forged by hand (another digest and value) shows through for it. Once the file is
/// rewritten, even with the same size and its old modification time put back, it is read.
#[test]
fn a_file_with_the_stat_recorded_is_not_read_again() {
    let site = copy_fixture("basic");
    let file = "advisories/ADV-2024-0001/en-US.yaml";
    let path = site.path().join(file);
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let set_old_time = || {
        let f = std::fs::File::options().append(true).open(&path).unwrap();
        f.set_modified(an_hour_ago).unwrap();
    };
    set_old_time();
    let cache_dir = tempfile::tempdir().unwrap();
    let (before, _) = load(site.path(), None);
    let text = |p: &Project| {
        let adv = p.advisories.iter().find(|a| a.dir == "ADV-2024-0001");
        adv.unwrap().texts["en-US"].clone()
    };
    assert!(text(&before).stat.is_some(), "a settled file has a stat");
    // A file just written has none: the other files of the fixture.
    let facts = before.advisories.iter().find(|a| a.dir == "ADV-2024-0001");
    assert!(facts.unwrap().facts.as_ref().unwrap().stat.is_none());
    ParseCache::open(cache_dir.path()).store(&before).unwrap();

    let (shard, shard_text) = shard_holding(cache_dir.path(), &format!("{file}\t"));
    let line = shard_text
        .lines()
        .find(|l| l.starts_with(&format!("{file}\t")))
        .unwrap();
    let title = text(&before).value.title.clone();
    let digest = seckb::util::hex(&text(&before).digest);
    let forged = line.replacen(&digest, &"0".repeat(64), 1).replacen(
        &format!("\"title\":\"{title}\""),
        "\"title\":\"forged\"",
        1,
    );
    assert_eq!(forged.matches("forged").count(), 1);
    assert!(forged.contains(&"0".repeat(64)));
    std::fs::write(&shard, shard_text.replacen(line, &forged, 1)).unwrap();
    let (trusted, _) = load(site.path(), Some(&ParseCache::open(cache_dir.path())));
    assert_eq!(text(&trusted).value.title, "forged");
    assert_eq!(text(&trusted).digest, [0; 32]);

    // Same size, old time put back: the change time still differs.
    let renamed = title.replacen("Widget", "Wodget", 1);
    assert_ne!(renamed, title);
    edit(site.path(), file, &title, &renamed);
    set_old_time();
    let (read, findings) = load(site.path(), Some(&ParseCache::open(cache_dir.path())));
    assert!(findings.is_ok(), "{}", findings.to_json());
    assert_eq!(text(&read).value.title, renamed);
}

/// Sets the modification time of every file under `dir` to an hour ago, as files are that
/// were not just written: their size, times and inode then stand for their text.
fn settle(dir: &Path) {
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            settle(&path);
        } else {
            settle_file(&path, an_hour_ago);
        }
    }
}

/// Sets the modification time of the file at `path` (which changes its change time).
fn settle_file(path: &Path, time: std::time::SystemTime) {
    let f = std::fs::File::options().append(true).open(path).unwrap();
    f.set_modified(time).unwrap();
}

/// `validate` takes what the rules found in an unchanged advisory folder from the cache
/// without reading the folder, and gives the findings a run without the cache gives: the
/// rule that compares advisories (`duplicate-id`) still sees every folder. A result forged
/// by hand shows through, which proves it was used, until the settings change.
#[test]
fn validate_takes_unchanged_folders_from_the_cache() {
    let site = copy_fixture("basic");
    let root = site.path();
    // The same id in two folders, one of which differs from its id.
    copy_tree(
        &root.join("advisories/ADV-2024-0001"),
        &root.join("advisories/adv-2024-0001"),
    );
    settle(root);
    let cache = tempfile::tempdir().unwrap();
    let validate = |cached: bool| {
        let mut c = seckb(root);
        match cached {
            true => c.arg("--cache-dir").arg(cache.path()),
            false => c.arg("--no-cache"),
        };
        let out = c.args(["validate", "--format", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let uncached = validate(false);
    for code in ["duplicate-id", "id-mismatch", "missing-translation"] {
        assert!(uncached.contains(code), "{code}: {uncached}");
    }
    assert_eq!(validate(true), uncached, "a cold cache");
    assert_eq!(validate(true), uncached, "a warm cache");

    let folder = "advisories/ADV-2023-0002/\t";
    let (shard, text) = shard_holding(cache.path(), folder);
    let line = text.lines().find(|l| l.starts_with(folder)).unwrap();
    let forged = line.replacen("missing-translation", "forged-finding", 1);
    assert_ne!(forged, line);
    std::fs::write(&shard, text.replacen(line, &forged, 1)).unwrap();
    assert!(validate(true).contains("forged-finding"));
    // `build` reads every folder, but does not run the rules again on one whose result the
    // cache holds for its files.
    let out = tempfile::tempdir().unwrap();
    let build = seckb(root)
        .arg("--cache-dir")
        .arg(cache.path())
        .arg("build")
        .arg("--out")
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("forged-finding"), "{stderr}");
    assert!(stderr.contains("already used by"), "{stderr}");

    // An edit of one folder: it is read, the others are not, and the duplicate id in the
    // folder that was not read is still found.
    edit(
        root,
        "advisories/ADV-2024-0001/en-US.yaml",
        "\ntitle: Widget Server remote",
        "\ntitle: Retitled Widget Server remote",
    );
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    settle_file(
        &root.join("advisories/ADV-2024-0001/en-US.yaml"),
        an_hour_ago,
    );
    let edited = validate(true);
    assert!(edited.contains("forged-finding"), "{edited}");
    assert!(edited.contains("already used by"), "{edited}");
    assert_eq!(
        edited.replace("forged-finding", "missing-translation"),
        validate(false)
    );

    // The settings are part of every folder's result: a change there reads every folder.
    edit(
        root,
        "seckb.yaml",
        "name: Example Security Response",
        "name: Example Security Team",
    );
    settle_file(&root.join("seckb.yaml"), an_hour_ago);
    assert_eq!(validate(true), validate(false));
    assert!(!validate(true).contains("forged-finding"));
}

/// The command line: `validate` and `build` give the same findings and byte-identical
/// sites with a cold cache, a warm one, a damaged one and none at all.
#[test]
fn commands_give_the_same_results_with_and_without_the_cache() {
    let site = copy_fixture("basic");
    let root = site.path();
    let home = tempfile::tempdir().unwrap();
    let seckb = |root: &Path| {
        let mut c = seckb(root);
        c.env("XDG_CACHE_HOME", home.path());
        c
    };
    let site_files = read_tree(root).len();
    // A warning and an error, so that findings are compared, not just "no problems".
    edit(
        root,
        "advisories/ADV-2024-0001/advisory.yaml",
        "kind: bulletin",
        "kind: bulletn",
    );
    let validate = |extra: &[&str]| {
        let out = seckb(root)
            .args(extra)
            .args(["validate", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let uncached = validate(&["--no-cache"]);
    assert!(uncached.contains("\"error\""), "{uncached}");
    assert!(
        !home.path().join("seckb").exists(),
        "--no-cache wrote a cache"
    );
    assert_eq!(validate(&[]), uncached);
    // The cache is in the user's cache folder, one folder per site; nothing is written in
    // the site.
    let sites: Vec<_> = std::fs::read_dir(home.path().join("seckb/parse"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(sites.len(), 1);
    let cache = sites[0].clone();
    assert_eq!(read_tree(root).len(), site_files);
    // The file with the error is not cached; the others are.
    let (_, shard) = shard_holding(&cache, "advisories/ADV-2024-0001/en-US.yaml\t");
    assert!(!shard.contains("advisories/ADV-2024-0001/advisory.yaml\t"));
    assert_eq!(validate(&[]), uncached);

    edit(
        root,
        "advisories/ADV-2024-0001/advisory.yaml",
        "kind: bulletn",
        "kind: bulletin",
    );
    let build = |extra: &[&str], out: &Path| {
        let run = seckb(root)
            .args(extra)
            .arg("build")
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        String::from_utf8(run.stderr).unwrap()
    };
    let outs = tempfile::tempdir().unwrap();
    build(&["--no-cache"], &outs.path().join("plain"));
    let plain = read_tree(&outs.path().join("plain"));
    build(&[], &outs.path().join("cached"));
    assert_eq!(read_tree(&outs.path().join("cached")), plain);

    // Shards cut in the middle of a line are ignored as a whole, and written afresh.
    let shards = read_tree(&cache);
    for (name, bytes) in &shards {
        std::fs::write(cache.join(name), &bytes[..bytes.len() / 2]).unwrap();
    }
    let err = build(&[], &outs.path().join("damaged"));
    assert!(!err.contains("warning: the parse cache"), "{err}");
    assert_eq!(read_tree(&outs.path().join("damaged")), plain);
    assert_eq!(without_stats(&read_tree(&cache)), without_stats(&shards));
}

/// Shards with the stat of every line (its third field) replaced by `-`: whether a file
/// gets a stat depends on when it was read (not within two seconds of its last change).
fn without_stats(shards: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    shards
        .iter()
        .map(|(name, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            let lines: Vec<String> = text
                .lines()
                .map(|line| {
                    let mut fields: Vec<&str> = line.splitn(4, '\t').collect();
                    if fields.len() == 4 {
                        fields[2] = "-";
                    }
                    fields.join("\t")
                })
                .collect();
            (name.clone(), lines.join("\n"))
        })
        .collect()
}

/// A cache that cannot be written (here `--cache-dir` names a file) is a warning; the run
/// succeeds with the same result.
#[test]
fn an_unwritable_cache_is_a_warning() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&common::fixture("basic"), site.path());
    let blocker = site.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let out = seckb(site.path())
        .arg("--cache-dir")
        .arg(&blocker)
        .arg("validate")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: the parse cache was not saved"),
        "{err}"
    );
    assert!(err.ends_with("0 errors, 2 warnings\n"), "{err}");
}

/// By default the cache is never inside the site, where a checkout could bring one along
/// that makes the site differ from its YAML: a cache in the site folder is not read.
#[test]
fn a_cache_inside_the_site_is_not_read_by_default() {
    let site = copy_fixture("basic");
    let root = site.path();
    let home = tempfile::tempdir().unwrap();
    if let Some(dir) = default_dir(root) {
        assert!(!dir.starts_with(root), "{}", dir.display());
    }
    // A cache forged into the site, with the right digest for the file and another title.
    let (parsed, _) = load(root, None);
    let planted = root.join(".seckb-cache");
    ParseCache::open(&planted).store(&parsed).unwrap();
    for (name, text) in read_tree(&planted) {
        let text = String::from_utf8(text).unwrap();
        let forged = text.replace(
            "\"title\":\"Widget Server remote",
            "\"title\":\"Forged Widget Server remote",
        );
        std::fs::write(planted.join(name), forged).unwrap();
    }
    // The page a build makes, with `cache_args` before the command.
    let page_built_with = |cache_args: &[&std::ffi::OsStr]| {
        let out = tempfile::tempdir().unwrap();
        let run = seckb(root)
            .env("XDG_CACHE_HOME", home.path())
            .args(cache_args)
            .arg("build")
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0));
        std::fs::read_to_string(out.path().join("en-US/advisories/ADV-2024-0001/index.html"))
            .unwrap()
    };
    let page = page_built_with(&[]);
    assert!(page.contains("Widget Server remote"));
    assert!(!page.contains("Forged"));
    // Read from there on purpose, it is used: the forged cache shows that it is really read.
    let page = page_built_with(&["--cache-dir".as_ref(), planted.as_os_str()]);
    assert!(page.contains("Forged Widget Server remote"));
}

/// `serve` loads with the previous project rather than the cache: what the rules found in an
/// unchanged folder is taken from it (a result forged in memory shows through), and not once
/// the settings change, nor for a folder whose files changed.
#[test]
fn what_the_rules_found_is_taken_from_the_previous_load() {
    use seckb::engine::check;
    use seckb::load::Options;
    let after = |previous| Options {
        previous,
        ..Options::default()
    };
    let site = copy_fixture("basic");
    let root = site.path();
    let (mut previous, findings) = check(root, &after(None)).unwrap();
    assert!(findings.to_json().contains("missing-translation"));
    for adv in &mut previous.advisories {
        let checked = adv.checked.as_mut().expect("a clean folder has its result");
        for f in &mut checked.findings {
            f.message = format!("forged: {}", f.message);
        }
    }
    let (_, again) = check(root, &after(Some(&previous))).unwrap();
    let json = again.to_json();
    assert!(json.contains("forged: no `nl-NL` text"), "{json}");

    // The folder whose files changed is checked again; the other is still taken.
    edit(
        root,
        "advisories/ADV-2023-0002/en-US.yaml",
        "\ntitle: ",
        "\ntitle: Retitled ",
    );
    let (_, edited) = check(root, &after(Some(&previous))).unwrap();
    let json = edited.to_json();
    assert!(!json.contains("forged: no `nl-NL` text"), "{json}");
    assert!(json.contains("no `nl-NL` text"), "{json}");
    assert!(
        json.contains("forged: this translation is at revision"),
        "{json}"
    );

    edit(
        root,
        "seckb.yaml",
        "name: Example Security Response",
        "name: Example Security Team",
    );
    let (_, after_settings) = check(root, &after(Some(&previous))).unwrap();
    assert!(!after_settings.to_json().contains("forged"));
}
