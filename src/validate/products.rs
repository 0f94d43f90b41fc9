//! Advisories name products by catalog id: each must exist (`unknown-product`), and no
//! product is both affected and not affected (`product-conflict`).

use crate::diag::{Finding, Findings};
use crate::load::{Project, did_you_mean};
use crate::model::ProductId;

pub fn check(p: &Project, findings: &mut Findings) {
    let Some(cat) = &p.catalog else { return };
    let known: Vec<String> = cat.value.products.iter().map(|p| p.id.0.clone()).collect();
    for adv in &p.advisories {
        let Some(facts) = &adv.facts else { continue };
        let a = &facts.value;
        let lists: [(&str, &Vec<ProductId>); 2] = [
            ("products.affected", &a.products.affected),
            ("products.not_affected", &a.products.not_affected),
        ];
        let rem = a
            .remediations
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("remediations[{i}].products"), &r.products));
        for (path, ids) in lists.iter().map(|(p, v)| (p.to_string(), *v)).chain(rem) {
            for (i, id) in ids.iter().enumerate() {
                if !known.contains(&id.0) {
                    findings.push(
                        Finding::error(
                            &facts.file,
                            facts.spans.value(&format!("{path}[{i}]")),
                            "unknown-product",
                            format!("product `{id}` is not in `products.yaml`"),
                        )
                        .hint(did_you_mean(id.as_str(), &known, "product")),
                    );
                }
            }
        }
        for (i, id) in a.products.not_affected.iter().enumerate() {
            if a.products.affected.contains(id) {
                findings.push(
                    Finding::error(
                        &facts.file,
                        facts.spans.value(&format!("products.not_affected[{i}]")),
                        "product-conflict",
                        format!("product `{id}` is both affected and not affected"),
                    )
                    .hint("remove it from one of the two lists"),
                );
            }
        }
        if a.products.affected.is_empty() && a.status == crate::model::Status::Draft {
            findings.push(
                Finding::warning(&facts.file, facts.spans.value("products.affected"), "missing-text", "no affected products yet")
                    .hint("name at least one product from `products.yaml` under `products.affected` before publishing"),
            );
        } else if a.products.affected.is_empty() {
            findings.push(
                Finding::error(
                    &facts.file,
                    facts.spans.value("products.affected"),
                    "missing-text",
                    "no affected products",
                )
                .hint("name at least one product from `products.yaml` under `products.affected`"),
            );
        }
    }
}
