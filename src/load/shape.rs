//! Unknown fields, all at once: serde stops at the first one, so every mapping key of a
//! file is also checked against the JSON Schema generated from the model type.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use schemars::JsonSchema;
use serde_json::Value;

use super::did_you_mean;
use super::spans::{Seg, SpanIndex};
use crate::diag::Finding;

static SCHEMAS: LazyLock<Mutex<HashMap<&'static str, Arc<Value>>>> =
    LazyLock::new(Default::default);

/// The schema of `T`, generated once per type.
fn schema_of<T: JsonSchema>() -> Arc<Value> {
    let name = std::any::type_name::<T>();
    let mut cache = SCHEMAS.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(name)
        .or_insert_with(|| {
            Arc::new(serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null))
        })
        .clone()
}

/// Follows `$ref`s and picks the non-null branch of an `Option`.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        if let Some(name) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            node = &root["$defs"][name];
            continue;
        }
        let branches = node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array);
        if let Some(n) = branches.and_then(|b| {
            b.iter()
                .find(|n| n.get("type").and_then(Value::as_str) != Some("null"))
        }) {
            node = n;
            continue;
        }
        break;
    }
    node
}

fn child<'a>(root: &'a Value, node: &'a Value, seg: &Seg) -> Option<&'a Value> {
    let node = resolve(root, node);
    match seg {
        Seg::Key(k) => node
            .get("properties")
            .and_then(|p| p.get(k))
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
        Seg::Index(_) => node.get("items"),
    }
}

/// A finding for every key the schema of `T` does not allow.
pub fn unknown_fields<T: JsonSchema>(rel: &str, spans: &SpanIndex) -> Vec<Finding> {
    let root = schema_of::<T>();
    let mut out = Vec::new();
    'entries: for e in &spans.entries {
        let mut node: &Value = &root;
        for seg in &e.parent {
            match child(&root, node, seg) {
                Some(n) => node = n,
                None => continue 'entries,
            }
        }
        let node = resolve(&root, node);
        let Some(props) = node.get("properties").and_then(Value::as_object) else {
            continue;
        };
        if node.get("additionalProperties") != Some(&Value::Bool(false))
            || props.contains_key(&e.key)
        {
            continue;
        }
        let names: Vec<String> = props.keys().cloned().collect();
        let parent = e
            .path
            .strip_suffix(&e.key)
            .unwrap_or("")
            .trim_end_matches('.');
        let at = if parent.is_empty() {
            String::new()
        } else {
            format!(" in `{parent}`")
        };
        out.push(
            Finding::error(
                rel,
                e.pos,
                "unknown-field",
                format!("unknown field `{}`{at}", e.key),
            )
            .hint(did_you_mean(&e.key, &names, "field")),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Advisory;

    #[test]
    fn finds_every_unknown_field_with_suggestions() {
        let text = "id: x\ntitel: y\nrevisions:\n  - number: \"1.0\"\n    dtae: 2008-01-01\nproducts:\n  affected: []\n  not_affectd: []\n";
        let spans = SpanIndex::build(text).unwrap();
        let found: Vec<String> = unknown_fields::<Advisory>("a.yaml", &spans)
            .iter()
            .map(|f| format!("{} | {}", f.headline(), f.hint.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            found,
            [
                "a.yaml:2:1: error[unknown-field]: unknown field `titel` | expected one of `acknowledgments`, `aliases`, `bulletins`, `cves`, `id`, `kbs`, `kind`, `origin`, and 14 more",
                "a.yaml:5:5: error[unknown-field]: unknown field `dtae` in `revisions[0]` | did you mean `date`?",
                "a.yaml:8:3: error[unknown-field]: unknown field `not_affectd` in `products` | did you mean `not_affected`?",
            ]
        );
    }
}
