//! `seckb import technet` on security bulletins: MS08-037 in Spanish, Dutch and German is one
//! bulletin with its vulnerabilities, severity matrix and texts, whichever language comes
//! first; a 2013 bulletin's matrix (group rows, KB numbers, markdown in HTML) gives exactly
//! its products.

mod common;

use std::path::{Path, PathBuf};

use seckb::import::{Options, import_technet};
use seckb::model::{Advisory, AdvisoryText, Catalog, Kind, Severity};

fn data(lang: &str, file: &str) -> PathBuf {
    common::data("technet-bulletins").join(lang).join(file)
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    for f in ["seckb.yaml", "products.yaml", "i18n/en-US.yaml"] {
        let to = dir.path().join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(f), to).unwrap();
    }
    dir
}

fn import(site: &Path, paths: Vec<PathBuf>) -> seckb::import::Report {
    import_technet(&Options {
        paths,
        into: site.to_path_buf(),
        dry_run: false,
        force: false,
        attribution: Some("Content (c) Microsoft Corporation, CC BY 4.0.".into()),
        vendor: "Microsoft".into(),
    })
    .unwrap()
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The catalog name of a product in `lang` (its own name when it has none there).
fn name_in(catalog: &Catalog, id: &seckb::model::ProductId, lang: &str) -> String {
    let p = catalog.products.iter().find(|p| &p.id == id).unwrap();
    p.names.get(lang).cloned().unwrap_or_else(|| p.name.clone())
}

/// The Spanish severity matrix of MS08-037, as the page gives it: product, then the rating
/// for CVE-2008-1447 and CVE-2008-1454 (None: "No aplicable").
const MATRIX_ES: &[(&str, Option<&str>, Option<&str>)] = &[
    (
        "Microsoft Windows 2000 Service Pack 4",
        Some("important"),
        Some("important"),
    ),
    (
        "Windows XP Service Pack 2 y Windows XP Service Pack 3",
        Some("important"),
        None,
    ),
    (
        "Windows XP Professional x64 Edition y Windows XP Professional x64 Edition Service Pack 2",
        Some("important"),
        None,
    ),
    (
        "Windows Server 2003 Service Pack 1 y Windows Server 2003 Service Pack 2",
        Some("important"),
        Some("important"),
    ),
    (
        "Windows Server 2003 x64 Edition y Windows Server 2003 x64 Edition Service Pack 2",
        Some("important"),
        Some("important"),
    ),
    (
        "Windows Server 2003 con SP1 para sistemas con Itanium y Windows Server 2003 con SP2 para sistemas con Itanium",
        Some("important"),
        Some("important"),
    ),
    (
        "Windows Server 2008 para sistemas de 32 bits",
        None,
        Some("important"),
    ),
    (
        "Windows Server 2008 para sistemas x64",
        None,
        Some("important"),
    ),
];

fn check_ms08_037(site: &Path) {
    let dir = site.join("advisories/ms08-037");
    let a: Advisory = read(&dir.join("advisory.yaml"));
    let catalog: Catalog = read(&site.join("products.yaml"));
    assert_eq!(a.kind, Kind::Bulletin);
    assert_eq!(a.published.to_string(), "2008-07-08");
    assert_eq!(a.updated.to_string(), "2009-12-09");
    assert_eq!(a.version, "3.1");
    let revs: Vec<String> = a
        .revisions
        .iter()
        .map(|r| format!("{} {}", r.number, r.date))
        .collect();
    assert_eq!(
        revs,
        [
            "1.0 2008-07-08",
            "2.0 2008-07-10",
            "2.1 2008-07-23",
            "2.2 2008-07-25",
            "2.3 2009-01-13",
            "3.0 2009-12-08",
            "3.1 2009-12-09"
        ]
    );
    assert!(a.kbs.contains(&"953230".to_string()), "{:?}", a.kbs);
    assert!(a.kbs.contains(&"951748".to_string()), "{:?}", a.kbs);
    for replaced in ["MS06-064", "MS07-062", "MS08-001", "MS08-020"] {
        assert!(
            a.bulletins.contains(&replaced.to_string()),
            "{replaced}: {:?}",
            a.bulletins
        );
    }
    assert!(
        !a.bulletins.contains(&"MS08-037".to_string()),
        "its own id is no related bulletin"
    );
    let cves: Vec<&str> = a
        .vulnerabilities
        .iter()
        .map(|v| v.cve.as_deref().unwrap())
        .collect();
    assert_eq!(cves, ["CVE-2008-1447", "CVE-2008-1454"]);

    // Every row of the matrix: the products affected by each CVE, with their rating.
    for (col, v) in a.vulnerabilities.iter().enumerate() {
        let mut want: Vec<(&str, &str)> = MATRIX_ES
            .iter()
            .filter_map(|(p, a, b)| [*a, *b][col].map(|r| (*p, r)))
            .collect();
        let mut got: Vec<(String, String)> = v
            .products
            .known_affected
            .iter()
            .map(|id| {
                let rating = v.ratings.iter().find(|r| r.products.contains(id)).unwrap();
                let s = match rating.severity {
                    Severity::Critical => "critical",
                    Severity::Important => "important",
                    Severity::Moderate => "moderate",
                    Severity::Low => "low",
                };
                (name_in(&catalog, id, "es-ES"), s.to_string())
            })
            .collect();
        got.sort();
        want.sort();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want, "{}", v.id);
    }
    // The catalog knows each product under its name in every language.
    let w2k3 = &a.vulnerabilities[1].products.known_affected[5];
    assert_eq!(
        name_in(&catalog, w2k3, "de-DE"),
        "Windows Server 2008 für x64-basierte Systeme"
    );

    // The texts: per language, each vulnerability's title, description, mitigations,
    // workarounds and FAQ.
    for (lang, title, faq_first) in [
        (
            "es-ES",
            "Vulnerabilidad de entropía de socket insuficiente en DNS",
            "¿Cuál es el alcance de esta vulnerabilidad?",
        ),
        ("nl-NL", "", ""),
        (
            "de-DE",
            "Sicherheitsanfälligkeit durch unzureichende DNS-Socket-Entropie",
            "",
        ),
    ] {
        let t: AdvisoryText = read(&dir.join(format!("{lang}.yaml")));
        assert_eq!(t.vulnerabilities.len(), 2, "{lang}");
        let v = &t.vulnerabilities["cve-2008-1447"];
        if !title.is_empty() {
            assert_eq!(v.title, title, "{lang}");
        }
        assert!(!v.title.contains("CVE"), "{lang}: {}", v.title);
        // The description is the section's own text, not the parts after it.
        assert!(v.description.contains("2008-1447"), "{lang}");
        assert!(
            !v.description.contains("\n-   "),
            "{lang}: {}",
            v.description
        );
        assert!(v.mitigating_factors.is_some(), "{lang}");
        assert!(v.workarounds.is_some(), "{lang}");
        assert!(v.faq.len() >= 8, "{lang}: {} questions", v.faq.len());
        if !faq_first.is_empty() {
            assert_eq!(v.faq[0].question, faq_first);
        }
    }
}

#[test]
fn ms08_037_in_three_languages_is_one_bulletin_in_any_order() {
    let es = data("es-ES", "ms08-037.md");
    let nl = data("nl-NL", "ms08-037.md");
    let de = data("de-DE", "ms08-037.md");
    // All three at once.
    let s = site();
    let report = import(s.path(), vec![es.clone(), nl.clone(), de.clone()]);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    check_ms08_037_languages(s.path());
    // One after the other, Spanish first: the later languages add their texts.
    let s = site();
    for f in [&es, &de, &nl] {
        let report = import(s.path(), vec![f.clone()]);
        assert!(report.failures.is_empty(), "{:?}", report.failures);
    }
    for lang in ["es-ES", "nl-NL", "de-DE"] {
        let t: AdvisoryText = read(&s.path().join(format!("advisories/ms08-037/{lang}.yaml")));
        assert_eq!(t.vulnerabilities.len(), 2, "{lang}");
    }
}

/// With all three read at once, the facts are Dutch (the site's language) and the matrix
/// rows name the products in every language.
fn check_ms08_037_languages(site: &Path) {
    let a: Advisory = read(&site.join("advisories/ms08-037/advisory.yaml"));
    assert_eq!(a.source_language.as_str(), "nl-NL");
    assert_eq!(a.severity, Some(Severity::Important));
    check_ms08_037(site);
}

#[test]
fn the_german_edition_states_another_severity_and_is_reported() {
    let s = site();
    let report = import(
        s.path(),
        vec![data("nl-NL", "ms08-037.md"), data("de-DE", "ms08-037.md")],
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("de-DE: severity Critical"), "{json}");
}

#[test]
fn a_2013_matrix_gives_exactly_its_products() {
    let s = site();
    let report = import(s.path(), vec![data("es-ES", "ms13-040.md")]);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let a: Advisory = read(&s.path().join("advisories/ms13-040/advisory.yaml"));
    let catalog: Catalog = read(&s.path().join("products.yaml"));
    let names: Vec<String> = a
        .products
        .affected
        .iter()
        .map(|id| name_in(&catalog, id, "es-ES"))
        .collect();
    // The page's matrix: 47 product rows under group rows, each with the KB of its update.
    assert_eq!(names.len(), 47, "{names:#?}");
    let offenders: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.starts_with('(')
                || n.ends_with('*')
                || n.ends_with('\\')
                || n.contains("**")
                || n.chars().all(|c| c.is_ascii_digit() || "() ".contains(c))
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:?}");
    assert!(
        names.contains(
            &"Microsoft .NET Framework 2.0 Service Pack 2 en Windows Vista Service Pack 2"
                .to_string()
        ),
        "{names:#?}"
    );
    // A group row ("Microsoft .NET Framework 2.0 Service Pack 2") is no product.
    assert!(!names.contains(&"Microsoft .NET Framework 2.0 Service Pack 2".to_string()));
    assert!(
        a.kbs.contains(&"2804580".to_string()) || a.kbs.contains(&"2836440".to_string()),
        "{:?}",
        a.kbs
    );
    let cves: Vec<&str> = a
        .vulnerabilities
        .iter()
        .map(|v| v.cve.as_deref().unwrap())
        .collect();
    assert_eq!(cves, ["CVE-2013-1336", "CVE-2013-1337"]);
}

#[test]
fn index_pages_are_skipped_and_a_blank_line_before_the_front_matter_is_no_matter() {
    let s = site();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("es-ES/boletinesdeseguridad.md");
    std::fs::create_dir_all(index.parent().unwrap()).unwrap();
    std::fs::write(
        &index,
        "---\nTOCTitle: Boletines de seguridad\nms:assetid: '57fb5cd3-ecd2-46f5-b174-eb36c156a69e'\n---\n\n# Boletines de seguridad\n\nTexto.\n",
    )
    .unwrap();
    let late = dir.path().join("es-ES/ms08-037.md");
    let text = std::fs::read_to_string(data("es-ES", "ms08-037.md")).unwrap();
    std::fs::write(&late, format!("\n{text}")).unwrap();
    let report = import(s.path(), vec![dir.path().to_path_buf()]);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let skipped = &report.skipped;
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].message.contains("an index page"), "{skipped:?}");
    assert_eq!(report.advisories.len(), 1);
    assert!(s.path().join("advisories/ms08-037/es-ES.yaml").is_file());
}

#[test]
fn a_2013_advisory_lists_exactly_the_products_of_its_html_table() {
    let s = site();
    let report = import(s.path(), vec![data("es-ES", "2862973.md")]);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let a: Advisory = read(&s.path().join("advisories/2862973/advisory.yaml"));
    assert_eq!(a.kind, Kind::Advisory);
    let catalog: Catalog = read(&s.path().join("products.yaml"));
    let names: Vec<String> = (a.products.affected.iter())
        .map(|id| name_in(&catalog, id, "es-ES"))
        .collect();
    // The rows of the page's table, but for its heading ("Sistema operativo") and its group
    // row ("Opción de instalación Server Core").
    let table = [
        "Windows Vista Service Pack 2",
        "Windows Vista x64 Edition Service Pack 2",
        "Windows Server 2008 para sistemas de 32 bits Service Pack 2",
        "Windows Server 2008 para sistemas x64 Service Pack 2",
        "Windows Server 2008 para sistemas con Itanium Service Pack 2",
        "Windows 7 para sistemas de 32 bits Service Pack 1",
        "Windows 7 para sistemas x64 Service Pack 1",
        "Windows Server 2008 R2 para sistemas x64 Service Pack 1",
        "Windows Server 2008 R2 para sistemas con Itanium Service Pack 1",
        "Windows 8 para sistemas de 32 bits",
        "Windows 8 para sistemas de 64 bits",
        "Windows Server 2012",
        "Windows RT",
        "Windows Server 2008 para sistemas de 32 bits Service Pack 2 (instalación Server Core)",
        "Windows Server 2008 para sistemas x64 Service Pack 2 (instalación Server Core)",
        "Windows Server 2008 R2 para sistemas x64 Service Pack 1 (instalación Server Core)",
        "Windows Server 2012 (instalación Server Core)",
    ];
    assert_eq!(names, table);
    assert!(a.products.not_affected.is_empty());
}
