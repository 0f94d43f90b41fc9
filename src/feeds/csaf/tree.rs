//! The product tree of a CSAF document: the catalog's tree (vendor, product family, product
//! name, product version, as CSAF `branches`) cut down to the products the advisory names,
//! each with its identification helpers (CPE, package URL, and its page in the catalog).
//!
//! Branches are sorted (vendors, families and names by name, versions in version order), so
//! the tree does not depend on the order in which the advisory happens to name products.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use serde_json::Map;

use crate::csaf::PURL_ECOSYSTEMS;
use crate::csaf::model::{Branch, FullProductName, ProductTree};
use crate::model::{Advisory, Product, compare_versions};
use crate::site::Site;

/// The products of the tree below a vendor: by family (`None`: of no family), by product
/// name, by version (`None`: the product itself, without a version).
type Families<'p> =
    BTreeMap<Option<&'p str>, BTreeMap<&'p str, Vec<(Option<&'p str>, &'p Product)>>>;

/// The product tree of advisory `a`: every product it names, in the advisory's products,
/// its vulnerabilities and its remediations.
pub(super) fn product_tree(site: &Site, a: &Advisory) -> Result<Option<ProductTree>> {
    let mut named = BTreeSet::new();
    // The advisory's own product lists where a vulnerability is written with them (an
    // informational advisory's notes, or one per CVE it lists without vulnerability data);
    // else only products a vulnerability names (validation warns of the others).
    let of_cves =
        (a.cves.iter()).any(|c| !a.vulnerabilities.iter().any(|v| v.cve.as_ref() == Some(c)));
    let own = a.vulnerabilities.is_empty() || of_cves;
    let listed = (own.then(|| a.products.affected.iter().chain(&a.products.not_affected)))
        .into_iter()
        .flatten();
    let of_vulns = a.vulnerabilities.iter().flat_map(|v| {
        let statuses = v.products.all().into_iter().flat_map(|(_, ps)| ps);
        statuses.chain(v.affected.iter().map(|x| &x.product))
    });
    let of_remediations = a.remediations.iter().flat_map(|r| &r.products);
    let mut by_vendor: BTreeMap<&str, Families> = BTreeMap::new();
    for id in listed.chain(of_vulns).chain(of_remediations) {
        if !named.insert(id.as_str()) {
            continue;
        }
        let p = site
            .product(id.as_str())
            .with_context(|| format!("advisory `{}` names unknown product `{id}`", a.id))?;
        let version = p.version.as_deref();
        by_vendor
            .entry(&p.vendor)
            .or_default()
            .entry(p.family.as_deref())
            .or_default()
            .entry(p.product_name())
            .or_default()
            .push((version, p));
    }
    if by_vendor.is_empty() {
        return Ok(None);
    }
    let namespace = site.url(&format!("{}/products/", site.settings.default_language));
    let branches = by_vendor
        .into_iter()
        .map(|(vendor, families)| {
            let mut branches = Vec::new();
            for (family, names) in families {
                let named: Vec<Branch> = names
                    .into_iter()
                    .flat_map(|(name, versions)| name_branches(name, versions, &namespace))
                    .collect();
                match family {
                    None => branches.extend(named),
                    Some(f) => branches.push(branch("product_family", f, named, None)),
                }
            }
            branch("vendor", vendor, branches, None)
        })
        .collect();
    Ok(Some(ProductTree {
        branches,
        ..ProductTree::default()
    }))
}

/// The branches of one product name: the product itself where it has no version, and a
/// branch with its versions (a branch holds either a product or branches).
fn name_branches(
    name: &str,
    mut versions: Vec<(Option<&str>, &Product)>,
    namespace: &str,
) -> Vec<Branch> {
    versions.sort_by(|x, y| compare_versions(x.0, y.0).then(x.1.id.0.cmp(&y.1.id.0)));
    let mut out = Vec::new();
    let mut leaves = Vec::new();
    for (version, p) in versions {
        match version {
            None => out.push(branch(
                "product_name",
                name,
                Vec::new(),
                Some(full(p, namespace)),
            )),
            Some(v) => leaves.push(branch(
                "product_version",
                v,
                Vec::new(),
                Some(full(p, namespace)),
            )),
        }
    }
    if !leaves.is_empty() {
        out.push(branch("product_name", name, leaves, None));
    }
    out
}

fn branch(
    category: &str,
    name: &str,
    branches: Vec<Branch>,
    product: Option<FullProductName>,
) -> Branch {
    Branch {
        branches,
        category: category.to_string(),
        name: name.to_string(),
        product,
    }
}

/// A product with its identification helpers: its CPE, its package URL (given, or made from
/// its package), and its page in the catalog (the identifier every product has, so that
/// optional test 6.2.16 holds).
fn full(p: &Product, namespace: &str) -> FullProductName {
    let mut helper = Map::new();
    if let Some(cpe) = &p.cpe {
        helper.insert("cpe".into(), cpe.clone().into());
    }
    if let Some(purl) = purl(p) {
        helper.insert("purl".into(), purl.into());
    }
    helper.insert(
        "x_generic_uris".into(),
        serde_json::json!([{
            "namespace": namespace,
            "uri": format!("{namespace}{}/", p.id),
        }]),
    );
    FullProductName {
        name: p.name.clone(),
        product_id: p.id.0.clone(),
        product_identification_helper: Some(helper),
    }
}

/// The package URL of a product: its own, else one made from its package where the
/// ecosystem has a purl type.
pub fn purl(p: &Product) -> Option<String> {
    if let Some(purl) = &p.purl {
        return Some(purl.clone());
    }
    let package = p.package.as_ref()?;
    let (kind, _) = PURL_ECOSYSTEMS
        .iter()
        .find(|(_, ecosystem)| *ecosystem == package.ecosystem)?;
    // A Maven package is `group:artifact`; a Go module path or an npm scope is the purl's
    // namespace, up to the last `/`.
    let split = if *kind == "maven" { ':' } else { '/' };
    let (namespace, name) = match package.name.rsplit_once(split) {
        Some((ns, name)) => (Some(ns), name),
        None => (None, package.name.as_str()),
    };
    let mut purl = packageurl::PackageUrl::new(*kind, name).ok()?;
    if let Some(ns) = namespace {
        purl.with_namespace(ns).ok()?;
    }
    Some(purl.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Package, ProductId};

    #[test]
    fn packages_get_a_purl() {
        let mut p = Product::named(ProductId("t".into()), "tokio-rustls", "tokio");
        assert_eq!(purl(&p), None);
        p.package = Some(Package {
            ecosystem: "crates.io".into(),
            name: "tokio-rustls".into(),
        });
        assert_eq!(purl(&p).as_deref(), Some("pkg:cargo/tokio-rustls"));
        p.package = Some(Package {
            ecosystem: "Go".into(),
            name: "golang.org/x/net".into(),
        });
        assert_eq!(purl(&p).as_deref(), Some("pkg:golang/golang.org/x/net"));
        p.purl = Some("pkg:cargo/own@1.0".into());
        assert_eq!(purl(&p).as_deref(), Some("pkg:cargo/own@1.0"));
    }
}
