//! Importing advisories from other formats into a site (`seckb import technet`, `seckb
//! import csaf`, `seckb import osv`).
//!
//! Flow: collect the input files in sorted order -> read each into an edition, one
//! advisory in one language ([`technet`], [`csaf`]) -> group the editions by advisory id and merge
//! them into one advisory with a text per language, then plan every file to write:
//! advisories, products, settings, site texts ([`write`]) -> write them, unless it is a
//! dry run. Problems with one file fail that file only; everything is in the [`Report`].

pub mod csaf;
pub mod dates;
pub mod lexicon;
pub mod osv;
pub mod sources;
pub mod technet;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

/// How a note weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something was chosen or left out that a person should look at.
    Warning,
    /// For the record.
    Info,
}

/// A remark about an advisory or the site, with a kebab-case code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub level: Level,
    pub code: &'static str,
    pub message: String,
}

impl Note {
    pub fn warning(code: &'static str, message: impl Into<String>) -> Note {
        Note {
            level: Level::Warning,
            code,
            message: message.into(),
        }
    }

    pub fn info(code: &'static str, message: impl Into<String>) -> Note {
        Note {
            level: Level::Info,
            code,
            message: message.into(),
        }
    }
}

/// What `seckb import` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files and folders to read; folders are searched for `*.md` (TechNet) or `*.json`
    /// (CSAF, OSV).
    pub paths: Vec<PathBuf>,
    /// The site to import into.
    pub into: PathBuf,
    /// Plan and report, but write nothing.
    pub dry_run: bool,
    /// Overwrite advisories that exist.
    pub force: bool,
    /// A line naming source and licence, written as a comment atop each imported file.
    pub attribution: Option<String>,
    /// Vendor of the products found (TechNet; CSAF names its vendors).
    pub vendor: String,
}

/// What happened to one advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A new advisory folder.
    Created,
    /// An existing advisory overwritten (`--force`).
    Updated,
    /// Texts in new languages added to an existing advisory, which was kept otherwise.
    LanguagesAdded,
    /// The files would be byte for byte what they are.
    Unchanged,
    /// The advisory exists and was left as it is.
    Kept,
}

/// The report of one advisory.
#[derive(Debug, Clone, Serialize)]
pub struct AdvisoryReport {
    pub id: String,
    pub outcome: Outcome,
    /// Languages read, in the site's order.
    pub languages: Vec<String>,
    /// The files the editions came from.
    pub files: Vec<String>,
    /// Fields filled from the source, e.g. `3 revisions`.
    pub structured: Vec<String>,
    /// Sections kept as prose, as `<lang>: <title>`.
    pub prose: Vec<String>,
    /// Boilerplate left to the site texts, as `<lang>: <title>`.
    pub boilerplate: Vec<String>,
    pub notes: Vec<Note>,
}

/// A file that could not be imported, or was skipped.
#[derive(Debug, Clone, Serialize)]
pub struct FileProblem {
    pub file: String,
    pub message: String,
}

/// Everything an import did or would do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub dry_run: bool,
    /// Files read.
    pub files_read: usize,
    pub advisories: Vec<AdvisoryReport>,
    /// Files that failed; the import went on without them.
    pub failures: Vec<FileProblem>,
    /// Files found in folders that are not advisories (no front matter, CSAF feeds).
    pub skipped: Vec<FileProblem>,
    /// Changes to the site: languages, site texts, products.
    pub site: Vec<Note>,
    /// Files written (or, in a dry run, that would be), relative to the site.
    pub written: Vec<String>,
}

impl Report {
    /// Whether any file failed.
    pub fn failed(&self) -> bool {
        !self.failures.is_empty()
    }

    /// The report for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for a in &self.advisories {
            let what = match a.outcome {
                Outcome::Created => "created".to_string(),
                Outcome::Updated => "overwritten (--force)".to_string(),
                Outcome::LanguagesAdded => "kept; texts in new languages added".to_string(),
                Outcome::Unchanged => "unchanged".to_string(),
                Outcome::Kept => "kept as it is (exists; --force overwrites it)".to_string(),
            };
            out.push_str(&format!("{} ({}): {what}\n", a.id, a.languages.join(", ")));
            if !a.structured.is_empty() {
                out.push_str(&format!("  structured: {}\n", a.structured.join(", ")));
            }
            if !a.prose.is_empty() {
                out.push_str(&format!("  kept as prose: {}\n", a.prose.join("; ")));
            }
            if !a.boilerplate.is_empty() {
                out.push_str(&format!(
                    "  left to the site texts: {}\n",
                    a.boilerplate.join("; ")
                ));
            }
            for n in &a.notes {
                let level = match n.level {
                    Level::Warning => "warning",
                    Level::Info => "note",
                };
                out.push_str(&format!("  {level}[{}]: {}\n", n.code, n.message));
            }
        }
        for n in &self.site {
            let level = match n.level {
                Level::Warning => "warning",
                Level::Info => "site",
            };
            out.push_str(&format!("{level}[{}]: {}\n", n.code, n.message));
        }
        for s in &self.skipped {
            out.push_str(&format!("skipped `{}`: {}\n", s.file, s.message));
        }
        for f in &self.failures {
            out.push_str(&format!("error: `{}`: {}\n", f.file, f.message));
        }
        let count = |o: Outcome| self.advisories.iter().filter(|a| a.outcome == o).count();
        let verb = if self.dry_run { "would write" } else { "wrote" };
        out.push_str(&format!(
            "{} advisories from {} files: {} created, {} overwritten, {} with languages added, {} unchanged, {} kept; {verb} {} files; {} failed\n",
            self.advisories.len(),
            self.files_read,
            count(Outcome::Created),
            count(Outcome::Updated),
            count(Outcome::LanguagesAdded),
            count(Outcome::Unchanged),
            count(Outcome::Kept),
            self.written.len(),
            self.failures.len(),
        ));
        if self.dry_run {
            out.push_str("dry run: nothing was written\n");
        }
        out
    }

    /// The report for tools.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// One kind of input that `seckb import` reads. The driver ([`import`]) finds the files,
/// reads each under a progress bar, reports the ones that fail or are skipped, leaves out a
/// second edition of the same advisory in the same language, and writes the plan unless it
/// is a dry run; a source only reads one file and plans the files of what it read.
pub trait Source: Sized + Sync {
    /// One file read: one advisory in one language.
    type Edition: Send;
    /// How the files to read in a folder end, in lower case (`.md`).
    const EXTENSION: &'static str;
    /// Whether two advisory ids that differ only in case are the same advisory when
    /// editions are compared (see [`Source::identity`]).
    const CASE_BLIND_IDS: bool = false;

    /// The reader for the site imported into.
    fn for_site(site: &write::Site) -> Self;

    /// Reads one file: an edition, a file to skip (and why), or what is wrong with it.
    fn read(&self, file: &InputFile) -> Result<Found<Self::Edition>, String>;

    /// The advisory id and language of an edition, as the messages name them.
    fn identity(edition: &Self::Edition) -> (&str, &str);

    /// Whether edition `a` is a later revision of the same document than `b` (the archive
    /// holds some documents twice, under the year of each revision); None when the two
    /// cannot be told apart.
    fn newer(_a: &Self::Edition, _b: &Self::Edition) -> Option<bool> {
        None
    }

    /// Every file to write for the editions read (in the order read), and the reports.
    fn plan(&self, site: &write::Site, editions: Vec<Self::Edition>, opts: &Options)
    -> write::Plan;
}

/// What a file turned out to be.
pub enum Found<E> {
    Edition(E),
    /// Not an advisory, and found in a folder rather than named (a README, a CSAF feed);
    /// why.
    Skip(String),
}

/// One file to read, with its text.
pub struct InputFile {
    pub path: PathBuf,
    /// The path as messages name it.
    pub name: String,
    pub text: String,
    /// Named on the command line, rather than found in a folder.
    pub explicit: bool,
}

/// Imports the advisories that source `S` reads into the site at `opts.into`.
pub fn import<S: Source>(opts: &Options) -> Result<Report> {
    let site = write::Site::load(&opts.into)?;
    let source = S::for_site(&site);
    let mut report = Report {
        dry_run: opts.dry_run,
        ..Report::default()
    };
    let editions = read_editions(&source, &opts.paths, &mut report);
    let plan = source.plan(&site, editions, opts);
    report.advisories = plan.reports;
    report.site = plan.site_notes;
    report.written = plan.files.keys().cloned().collect();
    if !opts.dry_run {
        write::write_files(&opts.into, &plan.files)?;
    }
    Ok(report)
}

/// Imports TechNet advisories into the site at `opts.into`.
pub fn import_technet(opts: &Options) -> Result<Report> {
    import::<sources::TechNet>(opts)
}

/// Imports CSAF 2.0 documents into the site at `opts.into`.
pub fn import_csaf(opts: &Options) -> Result<Report> {
    import::<sources::Csaf>(opts)
}

/// The editions of the files under `paths`, in the order read. A file that fails is in the
/// report's failures; one that is not an advisory, in its skipped files.
fn read_editions<S: Source>(source: &S, paths: &[PathBuf], report: &mut Report) -> Vec<S::Edition> {
    let mut editions = Vec::new();
    // (advisory, language) -> the file and text it was first read from.
    let mut seen: BTreeMap<(String, String), (String, String, usize)> = BTreeMap::new();
    // Files are read on every core (each alone; an archive is hundreds of pages), then
    // taken in order, so that the first of two editions is the same whatever the timing.
    let files = read_inputs(paths, S::EXTENSION, report);
    let results: Vec<_> = {
        use rayon::prelude::*;
        files.par_iter().map(|f| source.read(f)).collect()
    };
    for (file, result) in files.into_iter().zip(results) {
        let edition = match result {
            Ok(Found::Edition(e)) => e,
            Ok(Found::Skip(message)) => {
                report.skipped.push(FileProblem {
                    file: file.name,
                    message,
                });
                continue;
            }
            Err(message) => {
                report.failures.push(FileProblem {
                    file: file.name,
                    message,
                });
                continue;
            }
        };
        let (id, lang) = S::identity(&edition);
        let (id, lang) = (id.to_string(), lang.to_string());
        let key = (
            if S::CASE_BLIND_IDS {
                id.to_lowercase()
            } else {
                id.to_string()
            },
            lang.to_string(),
        );
        let Some((first, first_text, at)) = seen.get(&key).cloned() else {
            seen.insert(key, (file.name, file.text, editions.len()));
            editions.push(edition);
            continue;
        };
        // The same document filed twice, but for white space (indentation, trailing spaces).
        let squash = |t: &str| t.split_whitespace().collect::<String>();
        if first_text != file.text && squash(&first_text) == squash(&file.text) {
            report.skipped.push(FileProblem {
                file: file.name,
                message: format!(
                    "advisory `{id}` in `{lang}` was already read from `{first}` (the same text but for white space)"
                ),
            });
            continue;
        }
        // Two revisions of one document: the later one is imported, the earlier skipped.
        if first_text != file.text
            && let Some(later) = S::newer(&edition, &editions[at])
        {
            let (older, newer) = if later {
                editions[at] = edition;
                seen.insert(key, (file.name.clone(), file.text, at));
                (first, file.name)
            } else {
                (file.name, first)
            };
            report.skipped.push(FileProblem {
                file: older,
                message: format!(
                    "an earlier revision of advisory `{id}` in `{lang}`; the later one, `{newer}`, was imported"
                ),
            });
            continue;
        }
        // A second edition is left out: a copy of the first is merely skipped, another text
        // fails, as the import cannot tell which of the two is right.
        let same = first_text == file.text;
        let problem = FileProblem {
            file: file.name,
            message: format!(
                "advisory `{id}` in `{lang}` was already read from `{first}`{}",
                if same {
                    " (the same text)"
                } else {
                    "; this one is left out"
                }
            ),
        };
        if same {
            report.skipped.push(problem);
        } else {
            report.failures.push(problem);
        }
    }
    editions
}

/// The files to import, each with its name and text, read under a progress bar; a file
/// that cannot be read is a failure in the report.
fn read_inputs(paths: &[PathBuf], ext: &str, report: &mut Report) -> Vec<InputFile> {
    let inputs = collect(paths, ext, report);
    let bar = progress(inputs.len());
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        bar.inc(1);
        report.files_read += 1;
        let name = input.path.display().to_string();
        match read_text(&input.path) {
            Ok(text) => out.push(InputFile {
                path: input.path,
                name,
                text,
                explicit: input.explicit,
            }),
            Err(message) => report.failures.push(FileProblem {
                file: name,
                message,
            }),
        }
    }
    bar.finish_and_clear();
    out
}

/// A progress bar over the files to read, drawn on a terminal only: piped or redirected
/// output stays free of control characters.
fn progress(files: usize) -> indicatif::ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("reading {pos}/{len} files {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

struct Input {
    path: PathBuf,
    /// Named on the command line, rather than found in a folder.
    explicit: bool,
}

/// Files named, and files ending in `ext` in folders named, each once, folders in sorted
/// order.
fn collect(paths: &[PathBuf], ext: &str, report: &mut Report) -> Vec<Input> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<Input>, report: &mut Report) {
        let mut entries: Vec<_> = match fs_err::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok()).collect(),
            Err(e) => {
                report.failures.push(FileProblem {
                    file: dir.display().to_string(),
                    message: format!("cannot read the folder: {e}"),
                });
                return;
            }
        };
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(ft) = e.file_type() else { continue };
            if name.starts_with('.') || ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                walk(&path, ext, out, report);
            } else if name.to_ascii_lowercase().ends_with(ext) {
                out.push(Input {
                    path,
                    explicit: false,
                });
            }
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, ext, &mut out, report);
        } else if p.exists() {
            // A file, or a pipe or device that reading then refuses by name.
            out.push(Input {
                path: p.clone(),
                explicit: true,
            });
        } else {
            report.failures.push(FileProblem {
                file: p.display().to_string(),
                message: "no such file or folder".into(),
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|i| seen.insert(i.path.clone()));
    out
}

fn read_text(path: &Path) -> Result<String, String> {
    use crate::load::file;
    // A file named on the command line may be a link; a pipe or device is not read, as
    // opening one could wait forever.
    let bytes = match file::read(path, crate::load::MAX_FILE_BYTES, file::Links::Follow) {
        Ok(file::Read::Bytes(bytes)) => bytes,
        Ok(file::Read::TooLarge(size)) => {
            return Err(format!(
                "the file is {size} bytes, more than the limit of {}",
                crate::load::MAX_FILE_BYTES
            ));
        }
        Ok(file::Read::Refused(refused)) => {
            return Err(format!("{}, not a regular file", refused.what()));
        }
        Err(e) => return Err(e.to_string()),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (at byte {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })?;
    // A byte order mark says only that the file is UTF-8 (some editors and exporters on
    // Windows write one); JSON parsers, serde_json included, refuse it.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_report_ends_with_a_summary() {
        let r = Report {
            dry_run: true,
            files_read: 2,
            failures: vec![FileProblem {
                file: "a.md".into(),
                message: "not a TechNet advisory: no front matter".into(),
            }],
            ..Report::default()
        };
        let text = r.to_text();
        assert!(text.contains("error: `a.md`: not a TechNet advisory: no front matter\n"));
        assert!(
            text.ends_with("1 failed\ndry run: nothing was written\n"),
            "{text}"
        );
        assert!(r.failed());
    }
}
