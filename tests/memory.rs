//! The page size follows the size of the site ([`seckb::memory`]). In a test binary of its
//! own, with one test: the setting is the process's.

#[cfg(target_os = "linux")]
#[test]
fn huge_pages_are_off_for_small_sites_and_on_for_large_ones() {
    use seckb::memory::{HUGE_PAGES_FROM, fit_pages_to, fit_pages_to_site};
    let disabled = || rustix::thread::transparent_huge_pages_are_disabled().unwrap();
    fit_pages_to(HUGE_PAGES_FROM);
    assert!(
        !disabled(),
        "a site of {HUGE_PAGES_FROM} advisories keeps huge pages"
    );
    fit_pages_to(HUGE_PAGES_FROM - 1);
    assert!(disabled(), "a smaller site runs without them");
    fit_pages_to(100_000);
    assert!(!disabled(), "a larger one turns them on again");

    // Before the loader lists them, the entries of `advisories/` decide it.
    let many = tempfile::tempdir().unwrap();
    let advisories = many.path().join("advisories");
    std::fs::create_dir(&advisories).unwrap();
    fit_pages_to_site(many.path());
    assert!(disabled(), "an empty advisories folder is a small site");
    for i in 0..HUGE_PAGES_FROM {
        std::fs::File::create(advisories.join(i.to_string())).unwrap();
    }
    fit_pages_to_site(many.path());
    assert!(!disabled(), "{HUGE_PAGES_FROM} entries are a large site");
    fit_pages_to_site(&many.path().join("missing"));
    assert!(disabled(), "a site without advisories is a small one");
    fit_pages_to(100_000);

    // Loading a site decides it: the example site is small.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut findings = seckb::diag::Findings::default();
    seckb::load::load(root, &mut findings, &Default::default()).unwrap();
    assert!(
        disabled(),
        "the example site has fewer than {HUGE_PAGES_FROM} advisories"
    );
}
