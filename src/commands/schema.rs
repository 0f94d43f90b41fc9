//! `seckb schema`: the JSON Schema of each file kind, generated from the model types, so
//! editors can complete and check advisory files.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use schemars::JsonSchema;

use crate::cli::SchemaKind;
use crate::model::{Advisory, AdvisoryText, Catalog, Settings, SiteText};

/// Every kind with the file name its schema is committed under.
pub const ALL: &[(SchemaKind, &str)] = &[
    (SchemaKind::Advisory, "advisory.schema.json"),
    (SchemaKind::Text, "text.schema.json"),
    (SchemaKind::Products, "products.schema.json"),
    (SchemaKind::Settings, "settings.schema.json"),
    (SchemaKind::SiteText, "site-text.schema.json"),
];

/// The schema of `kind`, pretty-printed with a final newline.
pub fn schema_json(kind: SchemaKind) -> String {
    fn of<T: JsonSchema>() -> String {
        let schema = schemars::schema_for!(T);
        let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
        s.push('\n');
        s
    }
    match kind {
        SchemaKind::Advisory => of::<Advisory>(),
        SchemaKind::Text => of::<AdvisoryText>(),
        SchemaKind::Products => of::<Catalog>(),
        SchemaKind::Settings => of::<Settings>(),
        SchemaKind::SiteText => of::<SiteText>(),
    }
}

pub fn run(kind: SchemaKind, write: Option<&Path>) -> Result<ExitCode> {
    match write {
        Some(dir) => {
            fs_err::create_dir_all(dir)?;
            for (k, name) in ALL {
                fs_err::write(dir.join(name), schema_json(*k))?;
            }
        }
        None => super::write_stdout(schema_json(kind).as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
