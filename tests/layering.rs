//! The layering of `src/`: data flows one way, so a module may use only modules of a lower
//! layer. This reads every source file, finds each path into the crate (`crate::x`, and the
//! names in `use crate::{...}` groups) and fails on any that points to the same or a higher
//! layer, which also rules out import cycles between modules. A new top-level module must
//! be given its place here. Within one module, its root file and its children may use each
//! other (`load/mod.rs` holds the types `load/cache.rs` fills): the module is the unit of
//! the layering, as a crate would be.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Modules from the bottom up. A module may use the modules of the layers before its own,
/// not those of its own layer. `commands::*` are the subcommands (each its own module, using
/// `commands` for the shared report functions); `root` is `lib.rs` and `main.rs`.
const LAYERS: &[&[&str]] = &[
    // Depend on nothing in seckb.
    &["model", "util", "memory", "cwe"],
    &["i18n", "markdown", "diag", "vuln"],
    // A format: CSAF 2.0 documents, written and read.
    &["csaf"],
    &["load"],
    &["validate"],
    // The read-only view of a valid project that every output is made from.
    &["site"],
    // The names of a build's units.
    &["unit"],
    // The outputs: functions of the site that give files and units, and never see the
    // sink or the previous build.
    &["search", "feeds"],
    &["render"],
    // Where built files go: the sinks.
    &["output"],
    // What runs a build (its ledger and incrementality inside), compares sites, imports.
    &["engine", "guard", "import"],
    &["serve"],
    &["cli"],
    &["commands"],
    &[
        "commands::build",
        "commands::guard",
        "commands::import",
        "commands::new",
        "commands::schema",
        "commands::serve",
        "commands::validate",
    ],
    &["root"],
];

/// The module a file of `src/` belongs to.
fn module_of(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [one] if one == "lib" || one == "main" => "root".to_string(),
        [one] => one.clone(),
        [dir, sub, ..] if dir == "commands" && sub != "mod" => format!("commands::{sub}"),
        [dir, ..] => dir.clone(),
        [] => unreachable!("a file has a name"),
    }
}

/// The code of a file without its comments (doc links name modules without using them).
/// Strings are kept: a `//` inside a string literal ends no code here, so only comments that
/// start a line (after white space) or follow code after a space are dropped.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let line = match line.find(" // ") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The top-level modules (and subcommands) that `code` names through `crate::`.
fn used(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while let Some(i) = code[at..].find("crate::") {
        let start = at + i + "crate::".len();
        at = start;
        // Not part of a longer name such as `seckb_crate::`.
        if start > 7 && (bytes[start - 8].is_ascii_alphanumeric() || bytes[start - 8] == b'_') {
            continue;
        }
        if code[start..].starts_with('{') {
            // `use crate::{a, b::c, d::{e, f}}`: the first name of each item of the group.
            let mut depth = 0;
            let mut item_start = true;
            for (k, ch) in code[start..].char_indices() {
                match ch {
                    '{' => {
                        depth += 1;
                        if depth == 1 {
                            item_start = true;
                        }
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            at = start + k;
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if depth == 1 && item_start && (c.is_alphanumeric() || c == '_') => {
                        item_start = false;
                        used.insert(path_at(&code[start + k..]));
                    }
                    _ => {}
                }
            }
        } else {
            used.insert(path_at(&code[start..]));
        }
    }
    used
}

/// The module named at the start of `rest` (`commands::build::...` names the subcommand).
fn path_at(rest: &str) -> String {
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name == "commands"
        && let Some(sub) = rest.strip_prefix("commands::")
    {
        let sub: String = sub
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if LAYERS
            .iter()
            .flat_map(|l| l.iter())
            .any(|m| *m == format!("commands::{sub}"))
        {
            return format!("commands::{sub}");
        }
    }
    name
}

/// Every use of a module by another in `src/`: (user, used) to the files that make it.
fn uses(src: &Path) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut uses: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let user = module_of(rel);
            let text = std::fs::read_to_string(&path).unwrap();
            for target in used(&code(&text)) {
                if target != user {
                    let file = rel.to_string_lossy().into_owned();
                    uses.entry((user.clone(), target)).or_default().insert(file);
                }
            }
        }
    }
    uses
}

/// Each module's layer; items of the crate root (`crate::write_stdout`) are the root's.
fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// What is wrong with the uses: a module not in [`LAYERS`], or a use of the same or a higher
/// layer.
fn problems(uses: &BTreeMap<(String, String), BTreeSet<String>>) -> Vec<String> {
    let mut problems = Vec::new();
    for ((user, target), files) in uses {
        let files = files.iter().cloned().collect::<Vec<_>>().join(", ");
        let (Some(from), to) = (layer(user), layer(target)) else {
            problems.push(format!("`{user}` ({files}) has no place in LAYERS"));
            continue;
        };
        // A name that is not a module is an item of the crate root, such as `write_stdout`.
        let to = to.unwrap_or(layer("root").unwrap());
        if to >= from {
            problems.push(format!(
                "`{user}` uses `{target}` ({files}), which is not in a lower layer"
            ));
        }
    }
    problems
}

#[test]
fn every_module_uses_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = problems(&uses(&src));
    assert!(
        problems.is_empty(),
        "layering broken (see tests/layering.rs):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_sees_uses_in_every_form() {
    let text = "use crate::model::Advisory;\n\
                use crate::{diag::Findings, load, site::{Site, text_for}};\n\
                // crate::engine in a comment is not a use\n\
                let x = crate::util::hex(b); // crate::serve neither\n\
                crate::commands::build::run();\n";
    let used = used(&code(text));
    let want = ["commands::build", "diag", "load", "model", "site", "util"];
    assert_eq!(used, want.iter().map(|s| s.to_string()).collect());
}

#[test]
fn the_check_fails_on_a_use_of_a_higher_layer_and_on_a_cycle() {
    let mut uses = BTreeMap::new();
    fn add(uses: &mut BTreeMap<(String, String), BTreeSet<String>>, from: &str, to: &str) {
        let files = BTreeSet::from(["x.rs".to_string()]);
        uses.insert((from.to_string(), to.to_string()), files);
    }
    add(&mut uses, "render", "site");
    assert!(problems(&uses).is_empty());
    // Upwards, and two modules of one layer using each other.
    add(&mut uses, "load", "engine");
    add(&mut uses, "search", "feeds");
    add(&mut uses, "feeds", "search");
    add(&mut uses, "nowhere", "model");
    let problems = problems(&uses);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems[0].contains("`feeds` uses `search`"),
        "{problems:#?}"
    );
}
