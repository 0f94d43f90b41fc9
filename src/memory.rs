//! Transparent huge pages, on or off by the size of the site.
//!
//! mimalloc asks the kernel for transparent huge pages (`madvise`) for its arenas. The kernel
//! then zeroes a whole 2 MiB page at its first touch, however little of it is used, and
//! again after mimalloc purges part of it; with the small pages it zeroes only what is
//! touched. On the 2-core benchmark VM (bench/RESULTS.md, tenth session) that zeroing was
//! 45 % of the CPU samples of a rebuild after a title edit at 10,000 advisories, and with
//! huge pages off a rebuild took 12-28 % less time (a no-op, a title edit). A large site
//! gains from huge pages instead: the model of every advisory stays in memory for the whole
//! run (1.7 GB at 30,000, 5.5 GB at 100,000), and with small pages the misses in the
//! translation buffer cost more than the zeroing saved: a title edit took 28 % longer at
//! 20,000, a no-op 13 % longer at 30,000 and 19 % longer at 100,000 (at 15,000 both were
//! still faster with small pages). So huge pages are off below [`HUGE_PAGES_FROM`]
//! advisories.

/// The number of advisory folders from which a run keeps transparent huge pages on.
pub const HUGE_PAGES_FROM: usize = 20_000;

/// [`fit_pages_to`] the number of entries in the `advisories/` folder of the site at
/// `root`, before the loader has listed them: the parse cache, read first, is as large as
/// the YAML of every advisory (186 MB at 10,000), and with huge pages the kernel zeroed it
/// in 2 MiB pages (a sixth of a no-op's samples). The loader decides again from the same
/// listing. A folder that cannot be read counts as empty.
pub fn fit_pages_to_site(root: &std::path::Path) {
    let entries = std::fs::read_dir(root.join("advisories")).map_or(0, |dir| dir.count());
    fit_pages_to(entries);
}

/// Turns transparent huge pages off for this process when the site has fewer than
/// [`HUGE_PAGES_FROM`] advisories, and back on otherwise (`PR_SET_THP_DISABLE`, which the
/// kernel checks at each page fault, so it applies to memory already reserved). Best
/// effort: where the setting does not exist, the kernel's default stays.
pub fn fit_pages_to(advisories: usize) {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::thread::disable_transparent_huge_pages(advisories < HUGE_PAGES_FROM);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = advisories;
}
