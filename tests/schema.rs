//! The committed JSON Schemas in `schemas/` must match the model; regenerate them with
//! `cargo run -- schema --write schemas`.

use seckb::commands::schema::{ALL, schema_json};

#[test]
fn committed_schemas_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for (kind, name) in ALL {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == schema_json(*kind),
            "schemas/{name} is stale: run `cargo run -- schema --write schemas`"
        );
    }
}
