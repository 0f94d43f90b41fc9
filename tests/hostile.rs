//! Hostile input: each case breaks the basic fixture in one way and asserts the exit code,
//! the diagnostic (file:line:col and code), and that the previously built site is intact.
//! Inputs that must work (CRLF, BOM, long strings) must build.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{copy_fixture, edit, read_tree};

const EN: &str = "advisories/ADV-2024-0001/en-US.yaml";
const ADV: &str = "advisories/ADV-2024-0001/advisory.yaml";

fn seckb(root: &Path, args: &[&str]) -> std::process::Output {
    common::seckb_bin()
        .env("NO_COLOR", "1")
        .arg("--root")
        .arg(root)
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

/// Builds the fixture once, lets `break_it` damage it, builds again; returns stderr after
/// checking the exit code and that the site from the first build is untouched.
fn refused(break_it: impl FnOnce(&Path)) -> String {
    let dir = copy_fixture("basic");
    assert!(seckb(dir.path(), &["build"]).status.success());
    let before = read_tree(&dir.path().join("site"));
    break_it(dir.path());
    let start = Instant::now();
    let out = seckb(dir.path(), &["build"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        read_tree(&dir.path().join("site")),
        before,
        "the previous site changed"
    );
    err
}

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(root.join(rel), bytes).unwrap();
}

#[test]
fn malformed_yaml() {
    let err = refused(|r| write(r, EN, "title: [unclosed\nsummary: x\n"));
    assert!(
        err.contains("advisories/ADV-2024-0001/en-US.yaml:2:8: error[yaml-syntax]"),
        "{err}"
    );
}

#[test]
fn wrong_types_and_unknown_fields() {
    let err = refused(|r| {
        edit(
            r,
            ADV,
            "security_vulnerability: true",
            "security_vulnerability: [yes]",
        );
        edit(r, EN, "subtitle:", "sub_title:");
    });
    assert!(
        err.contains("advisories/ADV-2024-0001/advisory.yaml:13:25: error[invalid-type]"),
        "{err}"
    );
    assert!(err.contains("advisories/ADV-2024-0001/en-US.yaml:3:1: error[unknown-field]: unknown field `sub_title`"), "{err}");
}

#[test]
fn billion_laughs() {
    let mut bomb = String::from(
        "revision: \"1.1\"\ntitle: t\nsummary: s\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
        ("i", "h"),
    ] {
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    bomb.push_str("faq: *i\n");
    let err = refused(|r| write(r, EN, &bomb));
    assert!(
        err.contains(
            "advisories/ADV-2024-0001/en-US.yaml:4:1: error[unknown-field]: unknown field `a`"
        ),
        "{err}"
    );
}

#[test]
fn deep_nesting() {
    let err = refused(|r| write(r, EN, format!("title: {}\n", "[".repeat(50_000))));
    assert!(
        err.contains("advisories/ADV-2024-0001/en-US.yaml:1:")
            && err.contains("error[yaml-syntax]"),
        "{err}"
    );
}

#[test]
fn a_100_mb_file() {
    let err = refused(|r| {
        let f = std::fs::File::create(r.join(EN)).unwrap();
        f.set_len(100 * 1024 * 1024).unwrap();
    });
    assert!(err.contains("advisories/ADV-2024-0001/en-US.yaml:1:1: error[file-too-large]: `advisories/ADV-2024-0001/en-US.yaml` is 104857600 bytes, more than the limit of 4194304"), "{err}");
}

#[test]
fn invalid_utf8() {
    let err = refused(|r| write(r, EN, b"revision: \"1.1\"\ntitle: \xff\xfe\n"));
    assert!(
        err.contains("advisories/ADV-2024-0001/en-US.yaml:2:8: error[invalid-utf8]"),
        "{err}"
    );
}

#[test]
fn tabs_for_indentation() {
    let err = refused(|r| edit(r, EN, "  purpose: Tell", "\tpurpose: Tell"));
    assert!(err.contains("advisories/ADV-2024-0001/en-US.yaml:8:2: error[yaml-syntax]: invalid YAML: tabs disallowed within this context (block indentation)"), "{err}");
}

#[test]
fn duplicate_keys_in_a_map() {
    // `links` is a map of reference id to label: YAML parsers keep the last of two equal
    // keys silently, seckb refuses them.
    let err = refused(|r| {
        let path = r.join(EN);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}links:\n  kb: one\n  kb: two\n")).unwrap();
    });
    assert!(
        err.contains("error[duplicate-key]: key `links.kb` appears twice"),
        "{err}"
    );
}

#[test]
fn duplicate_keys() {
    let err = refused(|r| {
        edit(
            r,
            ADV,
            "kind: bulletin\n",
            "kind: bulletin\nkind: advisory\n",
        )
    });
    assert!(err.contains("advisories/ADV-2024-0001/advisory.yaml:3:1: error[duplicate-key]: key `kind` appears twice"), "{err}");
}

#[test]
fn traversal_and_reserved_ids() {
    for bad in ["..", "CON", "a/b", "%2e%2e", "nul.txt"] {
        let err = refused(|r| edit(r, ADV, "id: ADV-2024-0001", &format!("id: \"{bad}\"")));
        assert!(
            err.contains("advisories/ADV-2024-0001/advisory.yaml:1:5: error[unsafe-id]"),
            "{bad}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "title: secret\n").unwrap();
    let err = refused(|r| {
        std::os::unix::fs::symlink(
            outside.path().join("secret.yaml"),
            r.join("advisories/ADV-2024-0001/de-DE.yaml"),
        )
        .unwrap();
    });
    assert!(
        err.contains("advisories/ADV-2024-0001/de-DE.yaml:1:1: error[symlink]"),
        "{err}"
    );
}

#[test]
fn product_id_collision() {
    let err = refused(|r| {
        edit(
            r,
            "products.yaml",
            "id: widget-server-3",
            "id: WIDGET-server-2",
        )
    });
    assert!(err.contains("products.yaml:5:9: error[duplicate-id]: product id `WIDGET-server-2` is already used by product 1"), "{err}");
}

#[test]
fn two_advisories_on_one_output_path() {
    let err = refused(|r| {
        common::copy_tree(
            &r.join("advisories/ADV-2023-0002"),
            &r.join("advisories/adv-2023-0002"),
        );
        edit(
            r,
            "advisories/adv-2023-0002/advisory.yaml",
            "id: ADV-2023-0002",
            "id: adv-2023-0002",
        );
    });
    assert!(err.contains("error[duplicate-id]: id `adv-2023-0002` is already used by `advisories/ADV-2023-0002/advisory.yaml`"), "{err}");
}

#[test]
fn impossible_dates() {
    for (bad, why) in [
        ("2008-02-30", "no such day"),
        ("0000-01-01", "the year must be 1 or later"),
        ("10000-01-01", "expected the form YYYY-MM-DD"),
    ] {
        let err = refused(|r| {
            edit(
                r,
                ADV,
                "published: 2024-03-12",
                &format!("published: {bad}"),
            )
        });
        assert!(err.contains(&format!("advisories/ADV-2024-0001/advisory.yaml:5:12: error[invalid-date]: invalid date `{bad}`: {why}")), "{bad}: {err}");
    }
}

#[test]
fn crlf_bom_and_long_strings_work() {
    let dir = copy_fixture("basic");
    let path = dir.path().join(EN);
    let text = std::fs::read_to_string(&path).unwrap();
    let long: String = (0..10_000)
        .map(|i| format!("  line {i} of a very long log excerpt\n"))
        .collect();
    let text = text.replace("summary: |\n", &format!("summary: |\n{long}"));
    std::fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    let start = Instant::now();
    let out = seckb(dir.path(), &["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    let page = std::fs::read_to_string(
        dir.path()
            .join("site/en-US/advisories/ADV-2024-0001/index.html"),
    )
    .unwrap();
    assert!(page.contains("line 9999 of a very long log excerpt"));
}

/// A file outside the site, with a line that must never show in a message.
#[cfg(unix)]
fn secret() -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    let lines: String = (0..50)
        .map(|i| format!("secret-{i}:x:0:0:root:/root:/bin/sh\n"))
        .collect();
    std::fs::write(outside.path().join("passwd"), lines).unwrap();
    outside
}

/// A refused link is never opened: the snippet of its finding does not show the target.
#[cfg(unix)]
#[test]
fn a_refused_link_shows_nothing_of_its_target() {
    let outside = secret();
    let err = refused(|r| {
        std::fs::remove_file(r.join(EN)).unwrap();
        std::os::unix::fs::symlink(outside.path().join("passwd"), r.join(EN)).unwrap();
    });
    assert!(
        err.contains("advisories/ADV-2024-0001/en-US.yaml:1:1: error[symlink]: `advisories/ADV-2024-0001/en-US.yaml` is a symbolic link"),
        "{err}"
    );
    assert!(!err.contains("secret-"), "{err}");
}

/// No link under the site root is followed, whatever it is: settings, catalog, folders.
#[cfg(unix)]
#[test]
fn no_link_under_the_root_is_followed() {
    let outside = secret();
    let target = outside.path().join("passwd");
    for rel in ["products.yaml", "seckb.yaml", "i18n/en-US.yaml"] {
        let err = refused(|r| {
            std::fs::remove_file(r.join(rel)).unwrap();
            std::os::unix::fs::symlink(&target, r.join(rel)).unwrap();
        });
        assert!(
            err.contains(&format!(
                "{rel}:1:1: error[symlink]: `{rel}` is a symbolic link"
            )),
            "{rel}: {err}"
        );
        assert!(!err.contains("secret-"), "{rel}: {err}");
    }
    // A link to a copy of the site's own folder is refused as well: the rule is about what
    // an entry is, not where it points.
    for rel in ["advisories", "i18n"] {
        let err = refused(|r| {
            let real = outside.path().join(rel);
            common::copy_tree(&r.join(rel), &real);
            std::fs::remove_dir_all(r.join(rel)).unwrap();
            std::os::unix::fs::symlink(&real, r.join(rel)).unwrap();
        });
        assert!(
            err.contains(&format!(
                "{rel}:1:1: error[symlink]: `{rel}` is a symbolic link"
            )),
            "{rel}: {err}"
        );
    }
}

/// A site template that is a link, or a `templates/` that is one, stops the build.
#[cfg(unix)]
#[test]
fn a_template_link_is_refused() {
    let outside = secret();
    let dir = copy_fixture("basic");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("passwd"),
        dir.path().join("templates/style.css"),
    )
    .unwrap();
    let out = seckb(dir.path(), &["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`templates/style.css` is a symbolic link, not a regular file"),
        "{err}"
    );
    assert!(!dir.path().join("site/style.css").exists());
}

/// A named pipe where a file is read is refused at once, not waited on.
#[cfg(unix)]
#[test]
fn a_named_pipe_does_not_hang_the_build() {
    let fifo = |path: &Path| {
        let mode = rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR;
        rustix::fs::mkfifoat(rustix::fs::CWD, path, mode).unwrap();
    };
    for rel in ["products.yaml", EN] {
        let err = refused(|r| {
            std::fs::remove_file(r.join(rel)).unwrap();
            fifo(&r.join(rel));
        });
        assert!(
            err.contains(&format!(
                "{rel}:1:1: error[not-a-file]: `{rel}` is a named pipe (FIFO), not a regular file"
            )),
            "{rel}: {err}"
        );
    }
    let dir = copy_fixture("basic");
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    fifo(&dir.path().join("templates/base.html"));
    let out = seckb(dir.path(), &["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`templates/base.html` is a named pipe (FIFO), not a regular file"),
        "{err}"
    );
}

/// `seckb new` reads the settings as the loader does: a pipe does not hang it, and a link
/// is not followed.
#[test]
fn new_reads_no_pipe_and_no_link() {
    let dir = copy_fixture("basic");
    let settings = dir.path().join("seckb.yaml");
    std::fs::rename(&settings, dir.path().join("real.yaml")).unwrap();
    let mode = rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR;
    rustix::fs::mkfifoat(rustix::fs::CWD, &settings, mode).unwrap();
    let out = seckb(dir.path(), &["new", "ADV-2025-0001"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`seckb.yaml` is a named pipe (FIFO)"), "{err}");
    std::fs::remove_file(&settings).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real.yaml"), &settings).unwrap();
    let out = seckb(dir.path(), &["new", "ADV-2025-0001"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`seckb.yaml` is a symbolic link"), "{err}");
    assert!(!dir.path().join("advisories/ADV-2025-0001").exists());
}

/// A raw NUL is reported where it stands.
#[test]
fn a_nul_byte_is_reported_at_its_place() {
    let err = refused(|r| write(r, EN, "revision: \"1.1\"\ntitle: a\0b\nsummary: s\n"));
    assert!(
        err.contains("advisories/ADV-2024-0001/en-US.yaml:2:9: error[yaml-syntax]: invalid YAML: control character U+0000 is not allowed"),
        "{err}"
    );
    assert!(!err.contains('\0'), "{err:?}");
}

/// A message quotes an excerpt of a value, never the whole file, and a snippet shows a
/// window of a long line.
#[test]
fn messages_quote_only_an_excerpt() {
    let long: String = (0..2000).map(|i| format!("word{i} ")).collect();
    let err = refused(|r| write(r, "products.yaml", format!("{long}\nmore text\n")));
    assert!(
        err.contains(
            "products.yaml:1:1: error[invalid-type]: invalid type: string \"word0 word1 word2 word3 word4 word5 word\u{2026}\", expected struct Catalog"
        ),
        "{err}"
    );
    assert!(!err.contains("word1999"), "{}", &err[..err.len().min(2000)]);
    assert!(
        !err.contains("more text"),
        "{}",
        &err[..err.len().min(2000)]
    );
}
