//! The page size follows the size of the site ([`seckb::memory`]). In a test binary of its
//! own, with one test: the setting is the process's.

#[cfg(target_os = "linux")]
#[test]
fn huge_pages_are_off_for_small_sites_and_on_for_large_ones() {
    use seckb::memory::{HUGE_PAGES_FROM, fit_pages_to};
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

    // Loading a site decides it: the example site is small.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut findings = seckb::diag::Findings::default();
    seckb::load::load(root, &mut findings).unwrap();
    assert!(
        disabled(),
        "the example site has fewer than {HUGE_PAGES_FROM} advisories"
    );
}
