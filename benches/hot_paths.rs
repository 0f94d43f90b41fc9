//! Micro-benchmarks of the hot paths of a build, on the repository's own 64 advisories:
//! YAML load of one advisory, reading it back from the parse cache, validation of the
//! whole site, markdown, page render, and feed, API and CSAF serialization. Run with
//! `cargo bench --bench hot_paths`; whole-site figures against Hugo come from
//! `bench/compare.sh`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use seckb::diag::Findings;
use seckb::model::{Advisory, AdvisoryText};
use seckb::site::Site;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap()
}

fn yaml(c: &mut Criterion) {
    let facts = read("advisories/954474/advisory.yaml");
    let text = read("advisories/954474/nl-NL.yaml");
    let mut g = c.benchmark_group("yaml load");
    g.throughput(Throughput::Bytes(facts.len() as u64));
    g.bench_function("advisory.yaml", |b| {
        b.iter(|| {
            let mut f = Findings::default();
            black_box(seckb::load::parse::<Advisory>("a.yaml", &facts, &mut f).unwrap())
        })
    });
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("nl-NL.yaml", |b| {
        b.iter(|| {
            let mut f = Findings::default();
            black_box(seckb::load::parse::<AdvisoryText>("t.yaml", &text, &mut f).unwrap())
        })
    });
    g.finish();
}

/// What the parse cache does instead of parsing an unchanged file: read
/// the value back from its JSON. Throughput is of the YAML text it stands for.
fn cache_read(c: &mut Criterion) {
    let text = read("advisories/954474/nl-NL.yaml");
    let mut f = Findings::default();
    let value = seckb::load::parse::<AdvisoryText>("t.yaml", &text, &mut f).unwrap();
    let json = serde_json::to_string(&*value.value).unwrap();
    let mut g = c.benchmark_group("parse cache read");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("nl-NL.yaml", |b| {
        b.iter(|| black_box(serde_json::from_str::<AdvisoryText>(&json).unwrap()))
    });
    g.finish();
}

fn validate(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate");
    g.sample_size(20);
    g.bench_function("repository (64 advisories)", |b| {
        b.iter(|| {
            let (project, findings) = seckb::engine::check(repo(), &Default::default()).unwrap();
            assert!(findings.is_ok());
            black_box(project)
        })
    });
    g.finish();
}

fn markdown(c: &mut Criterion) {
    let mut f = Findings::default();
    let text =
        seckb::load::parse::<AdvisoryText>("t.yaml", &read("advisories/954474/nl-NL.yaml"), &mut f)
            .unwrap()
            .value;
    let mut g = c.benchmark_group("markdown");
    g.throughput(Throughput::Bytes(text.summary.len() as u64));
    g.bench_function("summary to sanitized HTML", |b| {
        b.iter(|| black_box(seckb::markdown::to_html(&text.summary)))
    });
    g.bench_function("summary to plain text", |b| {
        b.iter(|| black_box(seckb::markdown::to_plain(&text.summary)))
    });
    g.finish();
}

fn render(c: &mut Criterion) {
    let (project, findings) = seckb::engine::check(repo(), &Default::default()).unwrap();
    assert!(findings.is_ok());
    let site = Site::from_project(&project).unwrap();
    let integrity = seckb::search::library_integrity().unwrap();
    let mut g = c.benchmark_group("render");
    g.sample_size(10);
    // The path production takes: the whole site, as `build` and `serve` make it.
    g.bench_function("whole site in memory (64 advisories x 3 languages)", |b| {
        b.iter(|| black_box(seckb::engine::build_site(&project).unwrap().files().len()))
    });
    let pages = seckb::render::Pages::new(&site, repo(), &integrity).unwrap();
    g.bench_function("advisory pages (64 advisories x 3 languages)", |b| {
        b.iter(|| {
            for (a, texts) in &site.advisories {
                let memo = seckb::markdown::Memo::new();
                black_box(pages.advisory(a, texts, &memo).unwrap());
            }
        })
    });
    g.bench_function("CSAF documents (64 advisories)", |b| {
        b.iter(|| {
            for (a, texts) in &site.advisories {
                black_box(seckb::feeds::csaf::documents(&site, a, texts).unwrap());
            }
        })
    });
    g.bench_function("search index", |b| {
        b.iter(|| {
            for (language, records) in seckb::search::records_by_language(&site).unwrap() {
                let part = seckb::search::Part {
                    language,
                    number: 0,
                    records,
                };
                black_box(seckb::search::index_part(part).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, yaml, cache_read, validate, markdown, render);
criterion_main!(benches);
