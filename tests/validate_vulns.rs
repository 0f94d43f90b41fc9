//! The rules on vulnerabilities and product identity: a valid advisory with every field
//! passes, and each broken variant gives exactly its finding, at the value at fault.

mod common;

use common::{copy_fixture, edit};
use seckb::engine::check;

const ADV: &str = "advisories/ADV-2024-0001/advisory.yaml";
const EN: &str = "advisories/ADV-2024-0001/en-US.yaml";
const NL: &str = "advisories/ADV-2024-0001/nl-NL.yaml";

/// Products of the fixture's catalog with identity: a crate with its package and purl, and
/// a vendor product with its CPE.
const PRODUCTS: &str = "  - id: widget-rs
    name: widget (Rust crate)
    vendor: Example
    purl: pkg:cargo/widget
    package: {ecosystem: crates.io, name: widget}
  - id: widget-server-3-sp1
    name: Widget Server 3 SP1
    vendor: Example
    family: Widget Server
    version: 3 SP1
    cpe: cpe:2.3:a:example:widget_server:3:sp1:*:*:*:*:*:*
";

/// A vulnerability using every field, valid. Line 35 of the advisory is its `- id`.
const VULN: &str = "vulnerabilities:
  - id: v1
    cve: CVE-2024-0002
    ids: [GHSA-jfh8-c2jp-5v3q]
    cwes: [CWE-787]
    scores:
      cvss_v3: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
      cvss_v4: \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"
    products:
      known_affected: [widget-server-2, widget-rs]
      fixed: [widget-server-3-sp1]
      known_not_affected:
        - product: widget-client
          justification: component_not_present
    affected:
      - product: widget-rs
        ranges:
          - type: semver
            events:
              - introduced: \"0\"
              - fixed: 1.2.3
      - product: widget-rs
        versions: [0.9.0]
    exploited: {since: 2024-03-01}
";

const TEXT: &str = "vulnerabilities:
  v1:
    title: Heap overflow in the request parser
    description: A long header overflows a buffer.
    impact: Remote code execution.
";

/// Every finding (errors and warnings) after adding the vulnerability, the catalog entries
/// and its texts to the basic fixture, then applying `edits` (file, from, to).
fn findings_after(edits: &[(&str, &str, &str)]) -> Vec<String> {
    let dir = copy_fixture("basic");
    let root = dir.path();
    edit(
        root,
        "products.yaml",
        "  - id: widget-client\n",
        &format!("{PRODUCTS}  - id: widget-client\n"),
    );
    edit(
        root,
        ADV,
        "acknowledgments:",
        &format!("{VULN}acknowledgments:"),
    );
    edit(root, ADV, "severity: important\n", "severity: critical\n");
    for lang in [EN, NL] {
        let text = std::fs::read_to_string(root.join(lang)).unwrap();
        std::fs::write(root.join(lang), format!("{text}{TEXT}")).unwrap();
    }
    for (file, from, to) in edits {
        edit(root, file, from, to);
    }
    let (_, findings) = check(root, &Default::default()).expect("loads");
    findings
        .sorted()
        .into_iter()
        // The fixture's own warnings, which every variant has.
        .filter(|f| !matches!(&*f.code, "missing-translation" | "outdated-translation"))
        .map(|f| format!("{} | {}", f.headline(), f.hint.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn a_vulnerability_with_every_field_is_valid() {
    assert_eq!(findings_after(&[]), Vec::<String>::new());
}

/// The findings of a broken variant.
fn only(edits: &[(&str, &str, &str)]) -> Vec<String> {
    findings_after(edits)
}

const V3_HINT: &str = "write the vector as the CVSS calculator gives it, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`";

/// Line 40 is `      cvss_v3: CVSS:3.1/...`: the value starts at column 16, `UI:X` 24
/// characters into it.
#[test]
fn a_bad_cvss_metric_is_named_at_its_column() {
    assert_eq!(
        only(&[(
            ADV,
            "AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "AC:L/PR:N/UI:X/S:U/C:H/I:H/A:H"
        )]),
        [format!(
            "{ADV}:40:40: error[invalid-cvss]: not a valid CVSS v3.1 vector: invalid CVSSv3 UI (User Interaction) metric: `X` | {V3_HINT}"
        )]
    );
}

/// Line 41 holds the v4 vector in quotes from column 16: `VA:Q` is 44 characters into it.
#[test]
fn a_quoted_v4_vector_is_located_inside_its_quotes() {
    let found = only(&[(ADV, "VC:H/VI:H/VA:H/SC:N", "VC:H/VI:H/VA:Q/SC:N")]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!("{ADV}:41:61: error[invalid-cvss]: not a valid CVSS v4.0 vector: invalid CVSSv4 VA (Availability Impact to the Vulnerable System) metric: `Q`")),
        "{found:?}"
    );
}

#[test]
fn ids_of_the_wrong_shape() {
    assert_eq!(
        only(&[
            (ADV, "cwes: [CWE-787]", "cwes: [CWE787]"),
            (ADV, "cve: CVE-2024-0002", "cve: CVE-24-2"),
        ]),
        [
            format!(
                "{ADV}:36:10: error[invalid-id]: `CVE-24-2` is not a valid CVE id | a CVE id is `CVE-`, a four-digit year, `-` and at least four digits, e.g. `CVE-2024-1234`"
            ),
            format!(
                "{ADV}:38:12: error[invalid-id]: `CWE787` is not a valid CWE id | a CWE id is `CWE-` and its number, e.g. `CWE-79`"
            ),
        ]
    );
}

#[test]
fn a_range_whose_fix_precedes_its_introduction() {
    assert_eq!(
        only(&[(ADV, "- introduced: \"0\"", "- introduced: 1.3.0")]),
        [format!(
            "{ADV}:54:24: error[range-order]: `fixed: 1.2.3` does not come after `introduced: 1.3.0` | list the events of a range in increasing version order"
        )]
    );
}

#[test]
fn a_version_that_is_not_semver() {
    assert_eq!(
        only(&[(ADV, "- fixed: 1.2.3", "- fixed: 1.2")]),
        [format!(
            "{ADV}:54:24: error[invalid-version]: `1.2` is not a SemVer version: unexpected end of input while parsing minor version number | write all three numbers, e.g. `1.2.0`, or use `type: ecosystem`"
        )]
    );
}

#[test]
fn a_range_must_start_with_introduced() {
    assert_eq!(
        only(&[(
            ADV,
            "- introduced: \"0\"\n              - fixed: 1.2.3",
            "- fixed: 1.2.3"
        )]),
        [format!(
            "{ADV}:53:15: error[range-order]: a range must start with an `introduced` event | start with `- introduced: \"0\"` when every version before the fix is affected"
        )]
    );
}

#[test]
fn an_event_with_two_versions() {
    let found = only(&[(
        ADV,
        "- fixed: 1.2.3",
        "- {fixed: 1.2.3, last_affected: 1.2.2}",
    )]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(&format!("{ADV}:53:15: error[")),
        "{found:?}"
    );
    assert!(
        found[0].contains("an event has exactly one of `introduced`, `fixed` and `last_affected`"),
        "{found:?}"
    );
}

#[test]
fn a_product_both_fixed_and_affected() {
    assert_eq!(
        only(&[(
            ADV,
            "fixed: [widget-server-3-sp1]",
            "fixed: [widget-server-3-sp1, widget-rs]"
        )]),
        [format!(
            "{ADV}:43:41: error[product-conflict]: product `widget-rs` is both `fixed` and `known_affected` for vulnerability `v1` | a product has one status per vulnerability: name each version as its own product"
        )]
    );
}

#[test]
fn not_affected_without_a_justification() {
    assert_eq!(
        only(&[(ADV, "          justification: component_not_present\n", "")]),
        [format!(
            "{ADV}:46:11: warning[missing-justification]: product `widget-client` is known not to be affected, but not why; the advisory cannot be published as a VEX statement | add `justification:` (component_not_present, vulnerable_code_not_present, vulnerable_code_cannot_be_controlled_by_adversary, vulnerable_code_not_in_execute_path or inline_mitigations_already_exist)"
        )]
    );
}

#[test]
fn versions_of_a_product_that_is_no_package_or_unknown() {
    let more = "versions: [0.9.0]\n      - product: widget-server-2\n        versions: [\"2.0\"]\n      - product: widget-rz\n        versions: [\"1\"]";
    assert_eq!(
        only(&[(ADV, "versions: [0.9.0]", more)]),
        [
            format!(
                "{ADV}:57:18: error[not-a-package]: product `widget-server-2` has versions here but no `package` in `products.yaml` | give the product `package: {{ecosystem: ..., name: ...}}` in `products.yaml`, or name each version as a product under `products`"
            ),
            format!(
                "{ADV}:59:18: error[unknown-product]: product `widget-rz` is not in `products.yaml` | did you mean `widget-rs`?"
            ),
        ]
    );
}

#[test]
fn vulnerability_text_missing_in_the_source_language() {
    // The whole entry missing is `missing-text`; a part of it missing, a missing field.
    let found = only(&[(EN, TEXT, "")]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .contains("error[missing-text]: no text in `vulnerabilities` for vulnerability `v1`"),
        "{found:?}"
    );
    let text = "    description: A long header overflows a buffer.\n";
    assert_eq!(
        only(&[(EN, text, "")]),
        [
            "advisories/ADV-2024-0001/en-US.yaml:38:5: error[missing-field]: missing field `description` at `vulnerabilities.v1` | add `description`; `seckb schema` lists every field"
        ]
    );
}

#[test]
fn a_bad_purl_and_a_bad_cpe_in_the_catalog() {
    assert_eq!(
        only(&[
            (
                "products.yaml",
                "purl: pkg:cargo/widget",
                "purl: cargo/widget"
            ),
            (
                "products.yaml",
                "cpe:2.3:a:example:widget_server:3:sp1:*:*:*:*:*:*",
                "cpe:2.3:a:example:widget server:3"
            ),
        ]),
        [
            "products.yaml:11:11: error[invalid-purl]: `cargo/widget` is not a package URL: missing scheme | a purl is `pkg:<type>/<namespace>/<name>@<version>`, e.g. `pkg:cargo/smallvec`",
            "products.yaml:18:10: error[invalid-cpe]: `cpe:2.3:a:example:widget server:3` is not a CPE name: it has 6 parts separated by `:`, not 13 | a CPE 2.3 name has 13 parts, e.g. `cpe:2.3:a:microsoft:exchange_server:2010:-:*:*:*:*:*:*`",
        ]
    );
}

#[test]
fn a_stated_severity_that_the_scores_contradict() {
    assert_eq!(
        only(&[(ADV, "severity: critical\n", "severity: low\n")]),
        [format!(
            "{ADV}:14:11: warning[severity-mismatch]: the stated severity `low` is not the `critical` computed from the highest CVSS base score | remove `severity` to use the computed one, or check the vectors"
        )]
    );
}

#[test]
fn the_same_cve_in_two_advisories_is_a_warning() {
    let other = "advisories/ADV-2023-0002/advisory.yaml";
    assert_eq!(
        only(&[(other, "products:\n", "cves: [CVE-2024-0002]\nproducts:\n")]),
        // The later advisory in folder order gets it, at its vulnerability's `cve`.
        [format!(
            "{ADV}:36:10: warning[duplicate-cve]: `CVE-2024-0002` is also in `{other}` | describe a vulnerability in one advisory, or name the other advisory's id under `related` in one of them"
        )]
    );
}

#[test]
fn advisories_that_name_each_other_as_related_may_share_a_cve() {
    let other = "advisories/ADV-2023-0002/advisory.yaml";
    let shared = "cves: [CVE-2024-0002]\nrelated: [ADV-2024-0001]\nproducts:\n";
    assert_eq!(
        only(&[(other, "products:\n", shared)]),
        Vec::<String>::new()
    );
}

/// An advisory that points to the bulletin with the fix (as Microsoft's do), and two that
/// point to the same bulletin, share its CVEs knowingly; a bulletin that names no such
/// relation still gets the warning.
#[test]
fn advisories_that_name_a_bulletin_may_share_its_cves() {
    let other = "advisories/ADV-2023-0002/advisory.yaml";
    let pointing = "cves: [CVE-2024-0002]\nbulletins: [adv-2024-0001]\nproducts:\n";
    assert_eq!(
        only(&[(other, "products:\n", pointing)]),
        Vec::<String>::new()
    );
    let same = "cves: [CVE-2024-0002]\nbulletins: [MS24-001]\nproducts:\n";
    assert_eq!(
        only(&[
            (other, "products:\n", same),
            (
                ADV,
                "security_vulnerability: true\n",
                "security_vulnerability: true\nbulletins: [MS24-001]\n"
            ),
        ]),
        Vec::<String>::new()
    );
    let elsewhere = "cves: [CVE-2024-0002]\nbulletins: [MS24-002]\nproducts:\n";
    assert_eq!(only(&[(other, "products:\n", elsewhere)]).len(), 1);
}

/// A CWE id of the right form that the CWE List does not have: CSAF needs its name.
#[test]
fn a_cwe_the_cwe_list_does_not_have() {
    assert_eq!(
        only(&[(ADV, "cwes: [CWE-787]", "cwes: [CWE-787, CWE-99999]")]),
        [format!(
            "{ADV}:38:21: error[unknown-cwe]: `CWE-99999` is not in the CWE List seckb knows (968 weaknesses) | check the number at https://cwe.mitre.org/; a newer weakness needs a newer `src/data/cwe.tsv`"
        )]
    );
}

/// A remediation for some vulnerabilities names ones the advisory lists.
#[test]
fn a_remediation_for_a_vulnerability_the_advisory_does_not_list() {
    assert_eq!(
        only(&[(
            ADV,
            "  - id: block-port\n    kind: workaround\n",
            "  - id: block-port\n    kind: no_fix_planned\n    vulnerabilities: [v1, v2]\n",
        )]),
        [format!(
            "{ADV}:27:27: error[unknown-vulnerability]: remediation `block-port` is for vulnerability `v2`, which the advisory does not list | did you mean `v1`?"
        )]
    );
    // Naming the vulnerabilities it lists is valid.
    assert_eq!(
        only(&[(
            ADV,
            "  - id: block-port\n    kind: workaround\n",
            "  - id: block-port\n    kind: workaround\n    vulnerabilities: [v1]\n",
        )]),
        Vec::<String>::new()
    );
}

/// The CPE 2.2 URI form is accepted, as CSAF accepts it; a broken one is not.
#[test]
fn cpe_2_2_uris_are_accepted() {
    let cpe = "cpe:2.3:a:example:widget_server:3:sp1:*:*:*:*:*:*";
    assert_eq!(
        only(&[(
            "products.yaml",
            cpe,
            "\"cpe:/a:example:widget_server:3:sp1\""
        )]),
        Vec::<String>::new()
    );
    assert_eq!(
        only(&[("products.yaml", cpe, "\"cpe:/a:example:widget server\"")]),
        [
            "products.yaml:18:10: error[invalid-cpe]: `cpe:/a:example:widget server` is not a CPE name: a CPE 2.2 URI has up to 7 parts after `cpe:/` of letters, digits and `._-~%` | a CPE 2.3 name has 13 parts, e.g. `cpe:2.3:a:microsoft:exchange_server:2010:-:*:*:*:*:*:*`"
        ]
    );
}

/// A product's name in a language the site does not have.
#[test]
fn a_product_name_in_a_language_the_site_does_not_have() {
    assert_eq!(
        only(&[(
            "products.yaml",
            "    name: widget (Rust crate)\n",
            "    name: widget (Rust crate)\n    names: {nl-NL: widget (Rust-crate), fr-FR: widget (crate Rust)}\n",
        )]),
        [
            "products.yaml:10:41: error[unknown-language]: product `widget-rs` has a name in `fr-FR`, which is not one of the site's languages | expected one of `en-US`, `nl-NL`"
        ]
    );
}

/// Pages show a product's name in their language, where it has one.
#[test]
fn pages_show_product_names_in_their_language() {
    let dir = common::copy_fixture("basic");
    let root = dir.path();
    edit(
        root,
        "products.yaml",
        "  - id: widget-client\n    name: Widget Client\n",
        "  - id: widget-client\n    name: Widget Client\n    names: {nl-NL: Widget-cliënt}\n",
    );
    let (project, findings) = check(root, &Default::default()).expect("loads");
    assert!(findings.is_ok(), "{:?}", findings.sorted());
    let files = seckb::engine::build_site(&project).unwrap().contents();
    let page = |p: &str| String::from_utf8_lossy(&files[p]).into_owned();
    let (nl, en) = (
        page("nl-NL/advisories/ADV-2024-0001/index.html"),
        page("en-US/advisories/ADV-2024-0001/index.html"),
    );
    assert!(nl.contains(">Widget-cliënt</a>") && !nl.contains(">Widget Client</a>"));
    assert!(en.contains(">Widget Client</a>") && !en.contains("Widget-cliënt"));
    assert!(page("nl-NL/products/index.html").contains(">Widget-cliënt</a>"));
    assert!(page("en-US/products/index.html").contains(">Widget Client</a>"));
}

/// A vulnerability that gives no product a status says nothing CSAF can carry.
#[test]
fn a_vulnerability_without_a_status() {
    let found = only(&[(
        ADV,
        "      known_affected: [widget-server-2, widget-rs]\n      fixed: [widget-server-3-sp1]\n      known_not_affected:\n        - product: widget-client\n          justification: component_not_present\n",
        "      {}\n",
    )]);
    assert!(
        found.contains(&format!(
            "{ADV}:35:9: error[missing-status]: vulnerability `v1` gives no product a status | name the products it concerns under `products:` (`known_affected: [...]`, `fixed: [...]`, ...)"
        )),
        "{found:#?}"
    );
}

/// The same product twice in one status, and the same CVE in two vulnerabilities.
#[test]
fn a_product_twice_in_a_status_and_a_cve_twice() {
    assert_eq!(
        only(&[(
            ADV,
            "known_affected: [widget-server-2, widget-rs]",
            "known_affected: [widget-server-2, widget-rs, widget-server-2]"
        )]),
        [format!(
            "{ADV}:43:52: error[product-conflict]: product `widget-server-2` is `known_affected` twice for vulnerability `v1` | name each product once per status"
        )]
    );
    let second = "    exploited: {since: 2024-03-01}\n  - id: v2\n    cve: CVE-2024-0002\n    products:\n      known_affected: [widget-server-2]\n";
    let found = only(&[
        (ADV, "    exploited: {since: 2024-03-01}\n", second),
        (
            EN,
            "    impact: Remote code execution.\n",
            "    impact: Remote code execution.\n  v2:\n    title: Again\n    description: Again.\n",
        ),
        (
            NL,
            "    impact: Remote code execution.\n",
            "    impact: Remote code execution.\n  v2:\n    title: Again\n    description: Again.\n",
        ),
    ]);
    assert_eq!(
        found,
        [format!(
            "{ADV}:59:10: error[duplicate-id]: `CVE-2024-0002` is also the CVE of vulnerability `v1` | a CVE is one vulnerability: describe it once"
        )]
    );
}

/// A product the advisory names that no vulnerability gives a status is left out of CSAF.
#[test]
fn a_listed_product_that_no_vulnerability_names() {
    // Without CVEs of its own (those are written with the advisory's products).
    let found = only(&[(ADV, "cves: [CVE-2024-0001]\n", "")]);
    assert_eq!(
        found,
        [format!(
            "{ADV}:17:31: warning[product-without-status]: product `widget-server-3` is in `products.affected`, but no vulnerability gives it a status; CSAF and OSV leave it out | give it a status in the vulnerabilities that concern it"
        )]
    );
    assert_eq!(
        only(&[]),
        Vec::<String>::new(),
        "with CVEs of its own, its lists are written with them"
    );
}

/// A catalog version is one version; a range is a vulnerability's `affected`.
#[test]
fn a_catalog_version_that_is_a_range() {
    assert_eq!(
        only(&[("products.yaml", "version: 3 SP1", "version: \">=3 <3.2\"")]),
        [
            "products.yaml:17:14: error[invalid-version]: `>=3 <3.2` is a range of versions, not one version | an entry with a `version` is one version of a product; give affected ranges in a vulnerability's `affected`"
        ]
    );
}
