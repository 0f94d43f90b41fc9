//! `seckb import technet`: the sample corpus into an empty site, the hand-finished 954474,
//! broken inputs, and what `--dry-run`, `--force` and a second run do.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{copy_tree, fixture, read_tree};
use seckb::import::technet::{self, revision_line};
use seckb::import::{Options, Outcome, dates, import_technet};
use seckb::model::{Advisory, AdvisoryText, Catalog};

fn seckb() -> Command {
    let mut c = common::seckb_bin();
    c.env("NO_COLOR", "1");
    c
}

/// The TechNet sample corpus (64 advisories, 78 pages and its `SOURCES.md`).
fn corpus() -> PathBuf {
    common::data("technet")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site with nothing but settings, a product catalog and the English site text, copied
/// from the basic fixture (which lists `en-US` and `nl-NL`).
fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("basic");
    for f in ["seckb.yaml", "products.yaml", "i18n/en-US.yaml"] {
        let to = dir.path().join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(f), to).unwrap();
    }
    dir
}

fn options(paths: Vec<PathBuf>, into: &Path) -> Options {
    Options {
        paths,
        into: into.to_path_buf(),
        dry_run: false,
        force: false,
        attribution: Some("Content (c) Microsoft Corporation, CC BY 4.0.".into()),
        vendor: "Microsoft".into(),
    }
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn product_names(site: &Path, ids: &[seckb::model::ProductId]) -> Vec<String> {
    let cat: Catalog = read(&site.join("products.yaml"));
    let mut names: Vec<String> = ids
        .iter()
        .map(|id| {
            cat.products
                .iter()
                .find(|p| &p.id == id)
                .unwrap_or_else(|| panic!("product `{id}` not in the catalog"))
                .name
                .clone()
        })
        .collect();
    names.sort();
    names
}

/// `(id, language, title)` of every corpus file, read the simple way.
fn corpus_editions() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for lang in ["nl-NL", "de-DE"] {
        for year in std::fs::read_dir(corpus().join(lang)).unwrap() {
            for f in std::fs::read_dir(year.unwrap().path()).unwrap() {
                let path = f.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let id = path.file_stem().unwrap().to_string_lossy().into_owned();
                let title = text
                    .lines()
                    .skip_while(|l| *l != "Security Advisory")
                    .nth(2)
                    .unwrap()
                    .to_string();
                out.push((id, lang.to_string(), title));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_into_an_empty_site_validates_clean_and_builds() {
    let site = empty_site();
    let out = seckb()
        .args(["import", "technet"])
        .arg(corpus())
        .arg("--into")
        .arg(site.path())
        .args([
            "--attribution",
            "Content (c) Microsoft Corporation, CC BY 4.0.",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("64 advisories from 79 files: 64 created"),
        "{err}"
    );
    assert!(err.contains("skipped `"), "SOURCES.md is not a page: {err}");
    // The progress bar is drawn on a terminal only: piped output has no control characters.
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");

    let (project, findings) = seckb::engine::check(site.path(), &Default::default()).unwrap();
    let errors: Vec<String> = findings
        .sorted()
        .iter()
        .filter(|f| f.severity == seckb::diag::Severity::Error)
        .map(|f| f.headline())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(project.advisories.len(), 64);
    let built = seckb::engine::build_site(&project).unwrap();
    assert!(built.files().len() > 64 * 3);

    // Every edition became the text of its language, with its title and revisions; every
    // advisory has dates, revisions and products.
    let editions = corpus_editions();
    assert_eq!(editions.len(), 78);
    for (id, lang, title) in &editions {
        let dir = site.path().join("advisories").join(id);
        let facts: Advisory = read(&dir.join("advisory.yaml"));
        let text: AdvisoryText = read(&dir.join(format!("{lang}.yaml")));
        assert_eq!(&text.title, title, "{id} {lang}");
        assert!(!text.revisions.is_empty(), "{id} {lang}");
        for number in text.revisions.keys() {
            assert!(facts.revisions.iter().any(|r| &r.number == number));
        }
        assert_eq!(facts.published, facts.revisions[0].date);
        assert!(!facts.products.affected.is_empty());
        assert_eq!(facts.source_language.as_str(), "nl-NL");
    }
    let two: Vec<_> = editions.iter().filter(|e| e.1 == "de-DE").collect();
    assert_eq!(two.len(), 14);

    // The new language is listed and has its site text; the listed one got its own.
    let settings = std::fs::read_to_string(site.path().join("seckb.yaml")).unwrap();
    assert!(
        settings.contains("languages: [en-US, nl-NL, de-DE]"),
        "{settings}"
    );
    let de = std::fs::read_to_string(site.path().join("i18n/de-DE.yaml")).unwrap();
    assert!(de.contains("language_name: Deutsch"));
    assert!(de.contains("Haftungsausschluss"));
    let products = std::fs::read_to_string(site.path().join("products.yaml")).unwrap();
    let old = std::fs::read_to_string(fixture("basic").join("products.yaml")).unwrap();
    assert!(products.starts_with(&old), "new products are appended");
    // A German page that lists as many products gives their German names, row by row.
    let catalog: seckb::model::Catalog = read(&site.path().join("products.yaml"));
    let ws2008 = (catalog.products.iter())
        .find(|p| p.name == "Windows Server 2008 voor 32-bits systemen")
        .unwrap();
    assert_eq!(
        ws2008.name_in("de-DE"),
        "Windows Server 2008 für 32-Bit-Systeme"
    );
    assert_eq!(ws2008.name_in("en-US"), ws2008.name);
    let named = catalog
        .products
        .iter()
        .filter(|p| !p.names.is_empty())
        .count();
    assert_eq!(named, 15);
    assert!(
        catalog
            .products
            .iter()
            .flat_map(|p| p.names.keys())
            .all(|l| l == "de-DE"),
        "only German editions are beside the Dutch source"
    );

    // The attribution stands atop every imported file.
    let nl = std::fs::read_to_string(site.path().join("advisories/2269637/nl-NL.yaml")).unwrap();
    assert!(nl.starts_with("# yaml-language-server: $schema=../../schemas/text.schema.json\n"));
    assert!(nl.contains("# Content (c) Microsoft Corporation, CC BY 4.0.\n"));
    assert!(nl.contains("https://technet.microsoft.com/nl-NL/library/2269637"));
}

#[test]
fn imported_954474_agrees_with_the_hand_written_advisory() {
    let site = empty_site();
    let files = vec![
        corpus().join("nl-NL/2008/954474.md"),
        corpus().join("de-DE/2008/954474.md"),
    ];
    let report = import_technet(&options(files, site.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());

    let hand = repo().join("advisories/954474");
    let ours = site.path().join("advisories/954474");
    let a: Advisory = read(&hand.join("advisory.yaml"));
    let b: Advisory = read(&ours.join("advisory.yaml"));
    assert_eq!(a.published, b.published);
    assert_eq!(a.updated, b.updated);
    assert_eq!(a.version, b.version);
    let revs = |x: &Advisory| {
        x.revisions
            .iter()
            .map(|r| (r.number.clone(), r.date))
            .collect::<Vec<_>>()
    };
    assert_eq!(revs(&a), revs(&b));
    assert_eq!(a.kbs, b.kbs);
    assert_eq!(a.cves, b.cves);
    assert_eq!(a.security_vulnerability, b.security_vulnerability);
    assert_eq!(
        product_names(&repo(), &a.products.affected),
        product_names(site.path(), &b.products.affected)
    );
    assert_eq!(
        product_names(&repo(), &a.products.not_affected),
        product_names(site.path(), &b.products.not_affected)
    );
    // The KB article is the fix, as in the hand-written advisory.
    assert!(
        b.remediations
            .iter()
            .any(|r| r.kb.as_deref() == Some("954474"))
    );

    for lang in ["nl-NL", "de-DE"] {
        let x: AdvisoryText = read(&hand.join(format!("{lang}.yaml")));
        let y: AdvisoryText = read(&ours.join(format!("{lang}.yaml")));
        assert_eq!(x.revision, y.revision, "{lang}");
        assert_eq!(x.title, y.title, "{lang}");
        assert_eq!(x.subtitle, y.subtitle, "{lang}");
        assert_eq!(x.revisions, y.revisions, "{lang}");
        assert_eq!(x.faq.len(), y.faq.len(), "{lang}");
        assert_eq!(x.faq[1].symptom, y.faq[1].symptom, "{lang}");
        assert_eq!(x.symptoms[0].log_file, y.symptoms[0].log_file, "{lang}");
        assert_eq!(x.symptoms[0].log_lines, y.symptoms[0].log_lines, "{lang}");
        assert_eq!(
            x.symptoms[0].error_codes, y.symptoms[0].error_codes,
            "{lang}"
        );
        assert_eq!(x.suggested_actions[0].title, y.suggested_actions[0].title);
    }
}

#[test]
fn importing_into_the_repository_keeps_the_hand_finished_954474() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["advisories/954474", "i18n"] {
        copy_tree(&repo().join(d), &dir.path().join(d));
    }
    for f in ["seckb.yaml", "products.yaml"] {
        std::fs::copy(repo().join(f), dir.path().join(f)).unwrap();
    }
    let before = read_tree(&dir.path().join("advisories/954474"));
    let files = vec![
        corpus().join("nl-NL/2008/954474.md"),
        corpus().join("de-DE/2008/954474.md"),
    ];
    let report = import_technet(&options(files, dir.path())).unwrap();
    let a = &report.advisories[0];
    assert_eq!(a.outcome, Outcome::Kept, "{}", report.to_text());
    assert!(
        a.notes.iter().any(|n| n.code == "matches-existing"),
        "{}",
        report.to_text()
    );
    assert!(report.written.is_empty(), "{:?}", report.written);
    assert_eq!(before, read_tree(&dir.path().join("advisories/954474")));
}

#[test]
fn broken_and_non_advisory_files_fail_clearly_and_the_rest_is_imported() {
    let site = empty_site();
    let input = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(corpus().join("nl-NL/2009/977544.md")).unwrap();
    let put = |name: &str, bytes: &[u8]| {
        let p = input.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let ok = put("nl-NL/977544.md", good.as_bytes());
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            put("notes.md", b"# Just notes\n\nNothing here.\n"),
            "not a TechNet advisory: no front matter",
        ),
        (put("empty.md", b""), "no front matter"),
        (
            put("latin1.md", b"---\nTitle: caf\xe9\n---\n"),
            "not valid UTF-8",
        ),
        (
            put("open.md", b"---\nms:assetid: 1\nTitle: x\n"),
            "front matter is not closed",
        ),
        (
            put("bad-yaml.md", b"---\nms:assetid: [1\n---\n# T\n"),
            "invalid front matter",
        ),
        (
            put("nl-NL/no-id.md", b"---\nTitle: 'x'\n---\n\n# T\n"),
            "no `ms:assetid` or `TOCTitle`",
        ),
        (
            put("nl-NL/unsafe.md", b"---\nms:assetid: ../x\n---\n\n# T\n"),
            "advisory id `../x` cannot be used",
        ),
        (
            put("no-lang.md", b"---\nms:assetid: 123456\n---\n\n# T\n"),
            "no language",
        ),
        (
            put(
                "nl-NL/no-title.md",
                b"---\nms:assetid: 123456\nTitle: 'Advies 123456'\n---\n\nSecurity Advisory\n\nJust text.\n",
            ),
            "no title heading (`# ...`) for `Advies 123456`",
        ),
        (
            put(
                "nl-NL/bulletin.md",
                b"---\nms:assetid: ms08-037\n---\n\nSecurity Bulletin\n\nJust text.\n",
            ),
            "no title heading",
        ),
        (
            put(
                "nl-NL/no-date.md",
                b"---\nms:assetid: 123457\n---\n\n# Advies 123457\n\nTekst.\n",
            ),
            "no publication date",
        ),
        (put("nl-NL/binary.md", &[0u8, 159, 146, 150, 255]), "not valid UTF-8"),
    ];
    let mut cmd = seckb();
    cmd.args(["import", "technet", "--into"])
        .arg(site.path())
        .arg(&ok);
    for (p, _) in &cases {
        cmd.arg(p);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for (p, message) in &cases {
        let line = err
            .lines()
            .find(|l| l.starts_with(&format!("error: `{}`", p.display())))
            .unwrap_or_else(|| panic!("no error for {}:\n{err}", p.display()));
        assert!(line.contains(message), "{line}");
    }
    assert!(err.contains(&format!("{} failed", cases.len())), "{err}");
    assert!(site.path().join("advisories/977544/nl-NL.yaml").is_file());

    // The same as JSON, on stdout.
    let out = seckb()
        .args([
            "import",
            "technet",
            "--dry-run",
            "--format",
            "json",
            "--into",
        ])
        .arg(site.path())
        .arg(&cases[0].0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["failures"][0]["file"],
        cases[0].0.display().to_string().as_str()
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = seckb().args(["import", "technet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a path is required");
    let out = seckb().args(["import", "csv", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let nowhere = tempfile::tempdir().unwrap();
    let out = seckb()
        .args(["import", "technet", "--into"])
        .arg(nowhere.path())
        .arg(corpus())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("is not a seckb site"), "{err}");
}

#[test]
fn dry_run_writes_nothing_second_run_changes_nothing_force_overwrites() {
    let site = empty_site();
    let files = vec![corpus().join("nl-NL/2008"), corpus().join("de-DE/2008")];
    let untouched = read_tree(site.path());

    let mut dry = options(files.clone(), site.path());
    dry.dry_run = true;
    let report = import_technet(&dry).unwrap();
    assert_eq!(read_tree(site.path()), untouched);
    assert!(report.written.len() > 14 * 3, "{:?}", report.written.len());
    assert!(report.to_text().contains("dry run: nothing was written"));

    let first = import_technet(&options(files.clone(), site.path())).unwrap();
    assert_eq!(
        first.written, report.written,
        "a dry run shows what a run writes"
    );
    let after_first = read_tree(site.path());

    let second = import_technet(&options(files.clone(), site.path())).unwrap();
    assert!(second.written.is_empty(), "{:?}", second.written);
    assert!(
        second
            .advisories
            .iter()
            .all(|a| a.outcome == Outcome::Unchanged)
    );
    assert_eq!(read_tree(site.path()), after_first);

    // A hand edit is kept, and reported, unless --force.
    let nl = site.path().join("advisories/954474/nl-NL.yaml");
    let edited = std::fs::read_to_string(&nl)
        .unwrap()
        .replace("Advies gepubliceerd.", "Advies gepubliceerd (nagekeken).");
    std::fs::write(&nl, &edited).unwrap();
    let kept = import_technet(&options(files.clone(), site.path())).unwrap();
    let a = kept.advisories.iter().find(|a| a.id == "954474").unwrap();
    assert_eq!(a.outcome, Outcome::Kept);
    assert_eq!(std::fs::read_to_string(&nl).unwrap(), edited);

    let mut force = options(files, site.path());
    force.force = true;
    let forced = import_technet(&force).unwrap();
    let a = forced.advisories.iter().find(|a| a.id == "954474").unwrap();
    assert_eq!(a.outcome, Outcome::Updated);
    assert_eq!(forced.written, vec!["advisories/954474/nl-NL.yaml"]);
    assert_eq!(read_tree(site.path()), after_first);
}

#[test]
fn facts_that_disagree_between_editions_are_reported_with_the_choice() {
    let site = empty_site();
    // The Dutch date line of 2458511 says 11 March for an advisory of 3 November.
    let files = vec![corpus().join("nl-NL/2010/2458511.md")];
    let report = import_technet(&options(files, site.path())).unwrap();
    let notes = &report.advisories[0].notes;
    let n = notes
        .iter()
        .find(|n| n.code == "date-mismatch")
        .expect("a date-mismatch note");
    assert_eq!(
        n.message,
        "nl-NL: the date line says published 2010-03-11, the nl-NL revision list 2010-11-03; 2010-11-03 was kept"
    );
    // The German 954462 lists a revision the Dutch one lacks.
    let files = vec![
        corpus().join("nl-NL/2008/954462.md"),
        corpus().join("de-DE/2008/954462.md"),
    ];
    let report = import_technet(&options(files, site.path())).unwrap();
    let text = report.to_text();
    assert!(
        text.contains("warning[date-mismatch]: de-DE: the date line says updated 2008-06-25, the nl-NL revision list 2008-06-24; 2008-06-24 was kept"),
        "{text}"
    );
    assert!(
        text.contains(
            "de-DE: 1 revision(s) that the nl-NL history does not have were kept as prose"
        ),
        "{text}"
    );
}

#[test]
fn security_vulnerability_follows_cves_and_denials() {
    let site = empty_site();
    let files = vec![
        corpus().join("nl-NL/2008/954474.md"),
        corpus().join("nl-NL/2009/977544.md"),
        corpus().join("nl-NL/2011/2607712.md"),
    ];
    import_technet(&options(files, site.path())).unwrap();
    let vuln = |id: &str| {
        read::<Advisory>(&site.path().join(format!("advisories/{id}/advisory.yaml")))
            .security_vulnerability
    };
    // "Dit probleem is geen beveiligingslek", although the summary speaks of one.
    assert!(!vuln("954474"));
    // Names CVE-2009-3676.
    assert!(vuln("977544"));
    // Fraudulent certificates: "geen beveiligingslek in een Microsoft-product".
    assert!(!vuln("2607712"));
}

#[test]
fn revision_lines_in_their_forms() {
    let (r, _) = revision_line("nl-NL", "V1.0 (13 juli 2009): Advies gepubliceerd.").unwrap();
    assert_eq!(
        (
            r.number.as_deref(),
            r.date.to_string().as_str(),
            r.description.as_str()
        ),
        (Some("1.0"), "2009-07-13", "Advies gepubliceerd.")
    );
    let (r, _) = revision_line("nl-NL", "13 juni 2008: Advies gepubliceerd.").unwrap();
    assert_eq!((r.number, r.date.to_string()), (None, "2008-06-13".into()));
    let (r, _) = revision_line(
        "de-DE",
        "<p>17. Juni 2008: Aktualisierung der Empfehlung.</p>",
    )
    .unwrap();
    assert_eq!(r.date.to_string(), "2008-06-17");
    assert_eq!(r.description, "Aktualisierung der Empfehlung.");
    let (r, _) = revision_line(
        "nl-NL",
        "12 augustus 2008 Aan de sectie is iets toegevoegd.",
    )
    .unwrap();
    assert_eq!(r.description, "Aan de sectie is iets toegevoegd.");
    let (r, _) = revision_line("ja-JP", "V1.0（2008年6月13日）：アドバイザリ公開").unwrap();
    assert_eq!(
        (r.number.as_deref(), r.date.to_string().as_str()),
        (Some("1.0"), "2008-06-13")
    );
    let (r, _) = revision_line("fr-FR", "V2.1 (1er décembre 2008) : Avis mis à jour.").unwrap();
    assert_eq!(r.description, "Avis mis à jour.");
    assert!(revision_line("nl-NL", "Advies gepubliceerd.").is_err());
}

#[test]
fn dates_through_the_public_api() {
    for (lang, text, iso) in [
        ("nl-NL", "vrijdag 13 juni 2008", "2008-06-13"),
        ("de-DE", "Freitag, 13. Juni 2008", "2008-06-13"),
        ("fr-FR", "vendredi 13 juin 2008", "2008-06-13"),
        ("es-ES", "viernes, 13 de junio de 2008", "2008-06-13"),
        ("ja-JP", "2008年6月16日", "2008-06-16"),
        ("zh-CN", "2008年6月16日", "2008-06-16"),
        ("ko-KR", "2008년 6월 16일", "2008-06-16"),
        ("ru-RU", "13 июня 2008 г.", "2008-06-13"),
    ] {
        assert_eq!(
            dates::parse(lang, text).unwrap().date.to_string(),
            iso,
            "{lang}"
        );
    }
}

/// A French page, to show that nothing is tied to the corpus languages: headings, dates,
/// unnumbered revisions, the FAQ and the software table are all read.
#[test]
fn a_french_edition_is_read_in_its_own_words() {
    let page = "---\nTOCTitle: 999001\nTitle: 'Avis de sécurité Microsoft 999001'\nms:assetid: 999001\nms:mtpsurl: 'https://technet.microsoft.com/fr-FR/library/999001(v=Security.10)'\n---\n\nSecurity Advisory\n\nAvis de sécurité Microsoft 999001\n=================================\n\nUne vulnérabilité dans Widget pourrait permettre l'exécution de code\n--------------------------------------------------------------------\n\nDate de publication : vendredi 13 juin 2008 | Date de mise à jour : mardi 17 juin 2008\n\nMicrosoft a terminé l'examen d'une vulnérabilité ([CVE-2008-9999](http://www.cve.mitre.org/cgi-bin/cvename.cgi?name=cve-2008-9999)).\n\n### Informations générales\n\nVue d'ensemble\n--------------\n\n**Objectif de l'avis :** Informer les clients.\n\n**Recommandation :** Lire l'article [Article 999001 de la Base de connaissances Microsoft](http://support.microsoft.com/kb/999001).\n\nCet avis concerne les logiciels suivants :\n\n|                        |\n|------------------------|\n| Logiciels concernés    |\n| Widget Server 2        |\n| Logiciels non concernés |\n| Widget Server 3        |\n\nForum aux questions\n-------------------\n\n**Quelle est la portée de cet avis ?**\nCet avis concerne Widget.\n\n**Est-ce une vulnérabilité ?**\nOui.\n\n### Autres informations\n\n**Exclusion de garantie :**\n\nLes informations sont fournies « en l'état ».\n\n**Versions :**\n\n-   13 juin 2008 : Avis publié.\n-   17 juin 2008 : Avis mis à jour.\n\n*Built at 2014-04-18T01:50:00Z-07:00*\n";
    let e = technet::parse("999001.md", None, page).unwrap();
    assert_eq!(e.lang, "fr-FR");
    assert_eq!(e.title, "Avis de sécurité Microsoft 999001");
    assert_eq!(e.published.unwrap().to_string(), "2008-06-13");
    assert_eq!(e.updated.unwrap().to_string(), "2008-06-17");
    assert_eq!(e.revisions.len(), 2);
    assert_eq!(e.revisions[1].description, "Avis mis à jour.");
    assert_eq!(e.overview.purpose.as_deref(), Some("Informer les clients."));
    assert_eq!(e.affected, vec!["Widget Server 2"]);
    assert_eq!(e.not_affected, vec!["Widget Server 3"]);
    assert_eq!(e.faq.len(), 2);
    assert_eq!(e.cves, vec!["CVE-2008-9999"]);
    assert_eq!(e.kbs, vec!["999001"]);
    assert!(e.sections.is_empty(), "{:#?}", e.sections);
    assert!(e.boilerplate.disclaimer.is_some());

    // Merged into a site whose catalog already has the products: ids are reused, the
    // revisions are numbered 1.0 and 1.1, and French is added to the site.
    let site = empty_site();
    std::fs::copy(
        fixture("basic").join("i18n/nl-NL.yaml"),
        site.path().join("i18n/nl-NL.yaml"),
    )
    .unwrap();
    let input = tempfile::tempdir().unwrap();
    let f = input.path().join("999001.md");
    std::fs::write(&f, page).unwrap();
    let report = import_technet(&options(vec![f], site.path())).unwrap();
    assert!(!report.failed(), "{}", report.to_text());
    let a: Advisory = read(&site.path().join("advisories/999001/advisory.yaml"));
    assert_eq!(a.version, "1.1");
    assert_eq!(a.products.affected[0].as_str(), "widget-server-2");
    assert_eq!(a.source_language.as_str(), "fr-FR");
    let fr = std::fs::read_to_string(site.path().join("i18n/fr-FR.yaml")).unwrap();
    assert!(fr.contains("language_name: Français"), "{fr}");
    let (_, findings) = seckb::engine::check(site.path(), &Default::default()).unwrap();
    assert_eq!(findings.errors(), 0, "{}", findings.to_json());
}

/// A Japanese page: dates with 年月日 markers, full-width parentheses and colons in the
/// revision list, and headings in Japanese.
#[test]
fn a_japanese_edition_is_read_in_its_own_words() {
    let page = "---\nTOCTitle: 999002\nms:assetid: 999002\nms:mtpsurl: 'https://technet.microsoft.com/ja-JP/library/999002(v=Security.10)'\n---\n\nSecurity Advisory\n\n# マイクロソフト セキュリティ アドバイザリ 999002\n\n## Widget の脆弱性により、リモートでコードが実行される\n\n公開日: 2008年6月13日 | 最終更新日: 2008年6月17日\n\n**バージョン:** 1.1\n\nマイクロソフトは Widget の脆弱性の報告を調査しています。\n\n## よく寄せられる質問\n\n**このアドバイザリの範囲は?**\nWidget です。\n\n**これは脆弱性ですか?**\nはい。\n\n### その他の情報\n\n**更新履歴:**\n\n-   V1.0（2008年6月13日）：アドバイザリを公開しました。\n-   V1.1（2008年6月17日）：アドバイザリを更新しました。\n";
    let e = technet::parse("999002.md", None, page).unwrap();
    assert_eq!(e.lang, "ja-JP");
    assert_eq!(e.title, "マイクロソフト セキュリティ アドバイザリ 999002");
    assert_eq!(e.published.unwrap().to_string(), "2008-06-13");
    assert_eq!(e.updated.unwrap().to_string(), "2008-06-17");
    assert_eq!(e.version.as_deref(), Some("1.1"));
    assert_eq!(e.revisions.len(), 2);
    assert_eq!(e.revisions[1].number.as_deref(), Some("1.1"));
    assert_eq!(e.revisions[1].description, "アドバイザリを更新しました。");
    assert_eq!(e.faq.len(), 2);
    assert_eq!(e.faq[0].question, "このアドバイザリの範囲は?");
    assert!(e.vulnerability.is_some(), "the subtitle speaks of 脆弱性");
    assert!(e.sections.is_empty(), "{:#?}", e.sections);
}
