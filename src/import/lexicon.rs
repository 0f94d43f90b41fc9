//! The words TechNet advisories use for their headings and labels, per language.
//!
//! Dutch and German are checked against the sample corpus; the other languages Microsoft
//! published in are the usual Microsoft terms and are a best effort. English is always
//! consulted too, since localized pages often kept English headings. A heading no list
//! knows is not an error: its text is kept as a section of prose.
//!
//! Labels are compared after [`normalize`]; a label ending in `*` also matches a longer
//! heading that starts with it ("veelgestelde vragen over dit advies").

/// What a heading, a bold label or a table row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// "Summary" (the opening text).
    Summary,
    /// "Overview" (purpose, status, recommendation, references, software).
    Overview,
    /// "General information": a container heading.
    GeneralInfo,
    /// "Advisory details": a container heading.
    Details,
    /// "Other information": a container heading.
    OtherInfo,
    /// "Frequently asked questions".
    Faq,
    /// "Suggested actions".
    Actions,
    /// "Workarounds".
    Workarounds,
    /// "Mitigating factors".
    Mitigations,
    /// "Revisions".
    Revisions,
    /// "Resources" (support boilerplate).
    Resources,
    /// "Feedback" (support boilerplate).
    Feedback,
    /// "Support" (support boilerplate).
    Support,
    /// "Disclaimer" (boilerplate).
    Disclaimer,
    /// "Acknowledgments".
    Acknowledgments,
    /// "Issue references" (the references table).
    References,
    /// A section or table listing affected (and non-affected) software.
    Software,
    /// Overview label "Purpose of advisory".
    Purpose,
    /// Overview label "Advisory status".
    Status,
    /// Overview label "Recommendation".
    Recommendation,
    /// Software table label: affected software.
    Affected,
    /// Software table label: non-affected software.
    NotAffected,
    /// Software table row naming a category, not a product ("Operating system").
    Category,
    /// Software table row saying "none".
    Nothing,
    /// The sentence before the software table ("This advisory discusses the following
    /// software"), which the site writes itself.
    SoftwareIntro,
    /// The version label of the header ("Version").
    Version,
}

/// Roles of headings, in the order they are tried (the first match wins).
pub const HEADING_ROLES: &[Role] = &[
    Role::Summary,
    Role::Overview,
    Role::GeneralInfo,
    Role::Details,
    Role::OtherInfo,
    Role::Faq,
    Role::Workarounds,
    Role::Mitigations,
    Role::Actions,
    Role::Revisions,
    Role::Resources,
    Role::Feedback,
    Role::Support,
    Role::Disclaimer,
    Role::Acknowledgments,
    Role::References,
    Role::Software,
];

/// The words of one language.
#[derive(Debug, Default)]
pub struct Words {
    /// The language's own name, for `i18n/<lang>.yaml`.
    pub name: &'static str,
    /// Labels per role.
    pub labels: &'static [(Role, &'static [&'static str])],
    /// Phrases saying the issue is not a security vulnerability.
    pub not_vulnerability: &'static [&'static str],
    /// Words naming a security vulnerability.
    pub vulnerability: &'static [&'static str],
}

/// The words of language `lang` (a BCP 47 tag), if known.
pub fn words(lang: &str) -> Option<&'static Words> {
    let primary = crate::i18n::language_of(lang).to_ascii_lowercase();
    let key = match primary.as_str() {
        "zh" if is_traditional(lang) => "zh-Hant",
        "zh" => "zh-Hans",
        "no" | "nn" => "nb",
        p => p,
    };
    ALL.iter().find(|(k, _)| *k == key).map(|(_, w)| w)
}

fn is_traditional(lang: &str) -> bool {
    let l = lang.to_ascii_lowercase();
    ["hant", "-tw", "-hk", "-mo"].iter().any(|s| l.contains(s))
}

/// The language's own name, or the tag when unknown.
pub fn language_name(lang: &str) -> String {
    words(lang).map_or_else(|| lang.to_string(), |w| w.name.to_string())
}

/// Lowercase, without markdown emphasis, trailing `:`/`.` or repeated spaces.
pub fn normalize(text: &str) -> String {
    let plain: String = text
        .replace("**", " ")
        .replace("__", " ")
        .chars()
        .filter(|c| !matches!(c, '*' | '\\'))
        .collect();
    let mut s = plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    while let Some(t) = s
        .strip_suffix(':')
        .or_else(|| s.strip_suffix('.'))
        .or_else(|| s.strip_suffix('：'))
        .or_else(|| s.strip_suffix('。'))
    {
        s = t.trim_end().to_string();
    }
    s
}

fn label_matches(label: &str, text: &str) -> bool {
    match label.strip_suffix('*') {
        Some(prefix) => {
            text == prefix
                || text
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with([' ', '(', ',', '-']))
        }
        None => text == label,
    }
}

/// Whether `text` (already normalized) is a label of `role` in `lang` or in English.
pub fn is(lang: &str, role: Role, text: &str) -> bool {
    [words(lang), words("en")].into_iter().flatten().any(|w| {
        w.labels
            .iter()
            .filter(|(r, _)| *r == role)
            .flat_map(|(_, ls)| ls.iter())
            .any(|l| label_matches(l, text))
    })
}

/// Whether `text` is the usual label of `role` (the first one listed), possibly with a
/// note in parentheses ("Häufig gestellte Fragen (FAQs)"), rather than a longer heading
/// such as "Extra voorgestelde acties": such labels may stand for the whole site.
pub fn is_plain_label(lang: &str, role: Role, text: &str) -> bool {
    let n = normalize(text);
    [words(lang), words("en")].into_iter().flatten().any(|w| {
        w.labels
            .iter()
            .find(|(r, _)| *r == role)
            .and_then(|(_, ls)| ls.first())
            .map(|l| l.trim_end_matches('*'))
            .is_some_and(|l| n == l || n.strip_prefix(l).is_some_and(|r| r.starts_with(" (")))
    })
}

/// The first of `roles` that `text` names, in `lang` or in English.
pub fn role_of(lang: &str, roles: &[Role], text: &str) -> Option<Role> {
    let n = normalize(text);
    if n.is_empty() {
        return None;
    }
    roles.iter().copied().find(|r| is(lang, *r, &n))
}

/// Whether the plain text says the issue is not a security vulnerability.
pub fn says_not_vulnerability(lang: &str, text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    [words(lang), words("en")]
        .into_iter()
        .flatten()
        .flat_map(|w| w.not_vulnerability.iter())
        .copied()
        .find(|p| contains_phrase(&lower, p))
}

/// Whether the plain text speaks of a security vulnerability.
pub fn says_vulnerability(lang: &str, text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    [words(lang), words("en")]
        .into_iter()
        .flatten()
        .flat_map(|w| w.vulnerability.iter())
        .copied()
        .find(|p| lower.contains(p))
}

/// `phrase` in `text` as whole words: "geen beveiligingslek" is not found in "geen
/// beveiligingslekken" (which is the general "issues that are not vulnerabilities").
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let mut start = 0;
    while let Some(i) = text[start..].find(phrase) {
        let at = start + i;
        let end = at + phrase.len();
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        start = end;
    }
    false
}

use Role::*;

static ALL: &[(&str, Words)] = &[
    (
        "en",
        Words {
            name: "English",
            labels: &[
                (Summary, &["executive summary", "summary"]),
                (Overview, &["overview"]),
                (GeneralInfo, &["general information"]),
                (Details, &["advisory details"]),
                (OtherInfo, &["other information"]),
                (Faq, &["frequently asked questions*", "faq"]),
                (
                    Actions,
                    &["suggested actions*", "additional suggested actions"],
                ),
                (Workarounds, &["workarounds", "workaround"]),
                (Mitigations, &["mitigating factors*", "mitigations"]),
                (Revisions, &["revisions"]),
                (Resources, &["resources"]),
                (Feedback, &["feedback"]),
                (Support, &["support"]),
                (Disclaimer, &["disclaimer"]),
                (Acknowledgments, &["acknowledgments", "acknowledgements"]),
                (References, &["issue references"]),
                (
                    Software,
                    &[
                        "affected software*",
                        "affected and non-affected software*",
                        "non-affected software*",
                    ],
                ),
                (Purpose, &["purpose of advisory", "advisory purpose"]),
                (Status, &["advisory status"]),
                (Recommendation, &["recommendation"]),
                (Affected, &["affected software", "affected devices"]),
                (
                    NotAffected,
                    &["non-affected software", "non-affected devices"],
                ),
                (
                    Category,
                    &[
                        "operating system",
                        "operating systems",
                        "operating systems and components",
                        "office and other software",
                        "office suite",
                        "office suite and other software",
                        "other office software",
                        "software",
                        "anti-malware software",
                        "server core installation option",
                    ],
                ),
                (Nothing, &["none"]),
                (SoftwareIntro, &["this advisory discusses the following*"]),
                (Version, &["version"]),
            ],
            not_vulnerability: &[
                "not a security vulnerability",
                "non-security issue",
                "is not a vulnerability",
            ],
            vulnerability: &["vulnerability", "vulnerabilities"],
        },
    ),
    (
        "nl",
        Words {
            name: "Nederlands",
            labels: &[
                (Summary, &["samenvatting"]),
                (Overview, &["overzicht"]),
                (GeneralInfo, &["algemene informatie"]),
                (Details, &["details van het advies"]),
                (OtherInfo, &["overige informatie"]),
                (Faq, &["veelgestelde vragen*"]),
                (
                    Actions,
                    &["voorgestelde acties*", "extra voorgestelde acties"],
                ),
                (
                    Workarounds,
                    &[
                        "tijdelijke oplossingen",
                        "tijdelijke oplossing",
                        // Bulletins: "Oplossingen voor het beveiligingslek ... - CVE-...".
                        "oplossingen voor*",
                    ],
                ),
                (Mitigations, &["beperkende factoren*"]),
                (Revisions, &["revisies"]),
                (Resources, &["informatiebronnen"]),
                (Feedback, &["feedback"]),
                (Support, &["ondersteuning"]),
                (Disclaimer, &["uitsluiting van aansprakelijkheid"]),
                (Acknowledgments, &["dankbetuiging", "dankbetuigingen"]),
                (References, &["referenties met betrekking tot het probleem"]),
                (
                    Software,
                    &[
                        "software waarin dit probleem optreedt*",
                        "software waarin het probleem optreedt*",
                        "software en apparaten waarin dit probleem optreedt*",
                        "verwante software",
                    ],
                ),
                (Purpose, &["doel van het advies"]),
                (Status, &["status van het advies"]),
                (Recommendation, &["aanbeveling", "aanbevelingen"]),
                (
                    Affected,
                    &[
                        "verwante software",
                        "software waarin het probleem optreedt",
                        "software waarin dit probleem optreedt",
                        "getroffen software",
                        "getroffen apparaten",
                        "apparaten waarin dit probleem optreedt",
                    ],
                ),
                (
                    NotAffected,
                    &[
                        "software waarin dit probleem niet optreedt",
                        "software waarin het probleem niet optreedt",
                        "apparaten waarop het probleem niet optreedt",
                        "apparaten waarin dit probleem niet optreedt",
                        "niet-getroffen software",
                    ],
                ),
                (
                    Category,
                    &[
                        "besturingssysteem",
                        "besturingssystemen",
                        "besturingssystemen en onderdelen",
                        "office en andere software",
                        "office en overige software",
                        "overige office-software",
                        "office suite",
                        "office suite en andere software",
                        "anti-malwaresoftware",
                        "software",
                        "server core-installatieoptie",
                    ],
                ),
                (Nothing, &["geen"]),
                (SoftwareIntro, &["dit advies betreft de volgende*"]),
                (Version, &["versie"]),
            ],
            not_vulnerability: &[
                "geen beveiligingslek",
                "geen beveiligingsprobleem",
                "geen veiligheidsprobleem",
            ],
            vulnerability: &["beveiligingslek"],
        },
    ),
    (
        "de",
        Words {
            name: "Deutsch",
            labels: &[
                (Summary, &["zusammenfassung", "kurzzusammenfassung"]),
                (Overview, &["übersicht"]),
                (GeneralInfo, &["allgemeine informationen"]),
                (
                    Details,
                    &["details der empfehlung", "details zur empfehlung"],
                ),
                (OtherInfo, &["weitere informationen"]),
                (Faq, &["häufig gestellte fragen*"]),
                (
                    Actions,
                    &["empfohlene maßnahmen*", "weitere empfohlene maßnahmen"],
                ),
                (Workarounds, &["problemumgehungen", "problemumgehung"]),
                (
                    Mitigations,
                    &["schadensbegrenzende faktoren*", "mildernde faktoren*"],
                ),
                (Revisions, &["revisionen"]),
                (Resources, &["ressourcen"]),
                (Feedback, &["feedback"]),
                (Support, &["support", "unterstützung"]),
                (Disclaimer, &["haftungsausschluss"]),
                (Acknowledgments, &["danksagung", "danksagungen"]),
                (References, &["verweise zu diesem problem"]),
                (
                    Software,
                    &[
                        "betroffene software*",
                        "betroffene und nicht betroffene software*",
                    ],
                ),
                (
                    Purpose,
                    &["zweck dieser sicherheitsempfehlung", "zweck der empfehlung"],
                ),
                (
                    Status,
                    &["status der empfehlung", "status der sicherheitsempfehlung"],
                ),
                (Recommendation, &["empfehlung"]),
                (Affected, &["betroffene software", "betroffene geräte"]),
                (
                    NotAffected,
                    &["nicht betroffene software", "nicht betroffene geräte"],
                ),
                (
                    Category,
                    &[
                        "betriebssystem",
                        "betriebssysteme",
                        "betriebssysteme und komponenten",
                        "office und andere software",
                        "office suite",
                        "office suite und andere software",
                        "andere office-software",
                        "software",
                        "server core-installationsoption",
                    ],
                ),
                (Nothing, &["keine"]),
                (SoftwareIntro, &["diese empfehlung betrifft die folgende*"]),
                (Version, &["version"]),
            ],
            not_vulnerability: &[
                "keine sicherheitsanfälligkeit",
                "nicht sicherheitsrelevantes problem",
                "nicht sicherheitsrelevantes",
            ],
            vulnerability: &["sicherheitsanfälligkeit", "sicherheitslücke"],
        },
    ),
    (
        "fr",
        Words {
            name: "Français",
            labels: &[
                (Summary, &["résumé", "synthèse", "résumé analytique"]),
                (Overview, &["vue d'ensemble", "présentation"]),
                (GeneralInfo, &["informations générales"]),
                (Details, &["détails de l'avis"]),
                (OtherInfo, &["autres informations"]),
                (Faq, &["forum aux questions*", "questions fréquentes*"]),
                (Actions, &["actions suggérées*", "autres actions suggérées"]),
                (
                    Workarounds,
                    &["solutions de contournement", "solution de contournement"],
                ),
                (Mitigations, &["facteurs atténuants*"]),
                (Revisions, &["versions", "révisions"]),
                (Resources, &["ressources"]),
                (Feedback, &["commentaires"]),
                (Support, &["support"]),
                (Disclaimer, &["exclusion de garantie"]),
                (Acknowledgments, &["remerciements"]),
                (References, &["références"]),
                (Software, &["logiciels concernés*", "logiciels affectés*"]),
                (Purpose, &["objectif de l'avis"]),
                (Status, &["état de l'avis", "statut de l'avis"]),
                (Recommendation, &["recommandation"]),
                (Affected, &["logiciels concernés", "logiciels affectés"]),
                (
                    NotAffected,
                    &["logiciels non concernés", "logiciels non affectés"],
                ),
                (Category, &["système d'exploitation", "logiciel"]),
                (Nothing, &["aucun"]),
                (
                    SoftwareIntro,
                    &["cet avis concerne les logiciels suivants*"],
                ),
                (Version, &["version"]),
            ],
            not_vulnerability: &["pas une vulnérabilité"],
            vulnerability: &["vulnérabilité"],
        },
    ),
    (
        "es",
        Words {
            name: "Español",
            labels: &[
                (Summary, &["resumen", "resumen ejecutivo"]),
                (Overview, &["información general", "descripción general"]),
                (GeneralInfo, &["información general"]),
                (Details, &["detalles del aviso"]),
                (OtherInfo, &["otra información"]),
                (Faq, &["preguntas más frecuentes*", "preguntas frecuentes*"]),
                (Actions, &["acciones sugeridas*"]),
                (
                    Workarounds,
                    &["soluciones provisionales", "solución provisional"],
                ),
                (Mitigations, &["factores atenuantes*"]),
                (Revisions, &["revisiones"]),
                (Resources, &["recursos"]),
                (Feedback, &["comentarios"]),
                (Support, &["soporte técnico", "soporte"]),
                (Disclaimer, &["renuncia", "declinación de responsabilidad"]),
                (Acknowledgments, &["agradecimientos"]),
                (References, &["referencias del problema"]),
                (Software, &["software afectado*"]),
                (Purpose, &["propósito del aviso"]),
                (Status, &["estado del aviso"]),
                (Recommendation, &["recomendación"]),
                (Affected, &["software afectado"]),
                (NotAffected, &["software no afectado"]),
                (
                    Category,
                    &[
                        "sistema operativo",
                        "sistemas operativos",
                        "sistema operativo y componentes",
                        "sistemas operativos y componentes",
                        "software",
                        "conjunto de programas de office",
                        "office y otro software",
                        "opción de instalación server core",
                        "aplicación",
                    ],
                ),
                (Nothing, &["ninguno"]),
                (
                    SoftwareIntro,
                    &["este aviso trata sobre el siguiente software*"],
                ),
                (Version, &["versión"]),
            ],
            not_vulnerability: &["no es una vulnerabilidad"],
            vulnerability: &["vulnerabilidad"],
        },
    ),
    (
        "it",
        Words {
            name: "Italiano",
            labels: &[
                (Summary, &["riepilogo", "riepilogo esecutivo"]),
                (Overview, &["panoramica"]),
                (GeneralInfo, &["informazioni generali"]),
                (OtherInfo, &["altre informazioni"]),
                (Faq, &["domande frequenti*"]),
                (Actions, &["azioni consigliate*"]),
                (
                    Workarounds,
                    &["soluzioni alternative", "soluzione alternativa"],
                ),
                (Mitigations, &["fattori attenuanti*"]),
                (Revisions, &["versioni", "revisioni"]),
                (Resources, &["risorse"]),
                (Feedback, &["commenti"]),
                (Support, &["supporto"]),
                (Disclaimer, &["esclusione di responsabilità"]),
                (Acknowledgments, &["ringraziamenti"]),
                (
                    Software,
                    &["software interessato*", "software interessati*"],
                ),
                (Purpose, &["scopo dell'advisory", "scopo dell'avviso"]),
                (Status, &["stato dell'advisory", "stato dell'avviso"]),
                (Recommendation, &["raccomandazione"]),
                (Affected, &["software interessato", "software interessati"]),
                (
                    NotAffected,
                    &["software non interessato", "software non interessati"],
                ),
                (Category, &["sistema operativo"]),
                (Nothing, &["nessuno"]),
                (Version, &["versione"]),
            ],
            not_vulnerability: &["non è una vulnerabilità"],
            vulnerability: &["vulnerabilità"],
        },
    ),
    (
        "pt",
        Words {
            name: "Português",
            labels: &[
                (
                    Summary,
                    &["resumo", "resumo executivo", "sumário executivo"],
                ),
                (Overview, &["visão geral"]),
                (GeneralInfo, &["informações gerais"]),
                (OtherInfo, &["outras informações"]),
                (Faq, &["perguntas frequentes*"]),
                (Actions, &["ações sugeridas*", "acções sugeridas*"]),
                (
                    Workarounds,
                    &["soluções alternativas", "solução alternativa"],
                ),
                (
                    Mitigations,
                    &["fatores atenuantes*", "factores atenuantes*"],
                ),
                (Revisions, &["revisões"]),
                (Resources, &["recursos"]),
                (Feedback, &["comentários"]),
                (Support, &["suporte"]),
                (
                    Disclaimer,
                    &[
                        "aviso de isenção de responsabilidade",
                        "isenção de responsabilidade",
                    ],
                ),
                (Acknowledgments, &["agradecimentos"]),
                (Software, &["software afetado*", "software afectado*"]),
                (
                    Purpose,
                    &["objetivo do comunicado", "finalidade do comunicado"],
                ),
                (Status, &["status do comunicado", "estado do comunicado"]),
                (Recommendation, &["recomendação"]),
                (Affected, &["software afetado", "software afectado"]),
                (
                    NotAffected,
                    &["software não afetado", "software não afectado"],
                ),
                (Category, &["sistema operacional", "sistema operativo"]),
                (Nothing, &["nenhum"]),
                (Version, &["versão"]),
            ],
            not_vulnerability: &["não é uma vulnerabilidade"],
            vulnerability: &["vulnerabilidade"],
        },
    ),
    (
        "ja",
        Words {
            name: "日本語",
            labels: &[
                (
                    Summary,
                    &["概要", "エグゼクティブ サマリー", "エグゼクティブサマリー"],
                ),
                (Overview, &["概要"]),
                (GeneralInfo, &["一般情報"]),
                (OtherInfo, &["その他の情報"]),
                (Faq, &["よく寄せられる質問*"]),
                (Actions, &["推奨する対策*"]),
                (Workarounds, &["回避策"]),
                (Mitigations, &["問題を緩和する要素*"]),
                (Revisions, &["更新履歴"]),
                (Resources, &["リソース"]),
                (Feedback, &["フィードバック"]),
                (Support, &["サポート"]),
                (Disclaimer, &["免責"]),
                (Acknowledgments, &["謝辞"]),
                (Software, &["影響を受けるソフトウェア*"]),
                (Purpose, &["アドバイザリの目的"]),
                (Status, &["アドバイザリの状態"]),
                (Recommendation, &["推奨事項"]),
                (Affected, &["影響を受けるソフトウェア"]),
                (NotAffected, &["影響を受けないソフトウェア"]),
                (Category, &["オペレーティング システム"]),
                (Nothing, &["なし"]),
                (Version, &["バージョン"]),
            ],
            not_vulnerability: &["脆弱性ではありません"],
            vulnerability: &["脆弱性"],
        },
    ),
    (
        "zh-Hans",
        Words {
            name: "简体中文",
            labels: &[
                (Summary, &["摘要"]),
                (Overview, &["概述"]),
                (GeneralInfo, &["一般信息"]),
                (OtherInfo, &["其他信息"]),
                (Faq, &["常见问题*"]),
                (Actions, &["建议的操作*"]),
                (Workarounds, &["变通办法"]),
                (Mitigations, &["缓解因素*"]),
                (Revisions, &["修订"]),
                (Resources, &["资源"]),
                (Feedback, &["反馈"]),
                (Support, &["支持"]),
                (Disclaimer, &["免责声明"]),
                (Acknowledgments, &["致谢"]),
                (Software, &["受影响的软件*"]),
                (Purpose, &["通报目的"]),
                (Status, &["通报状态"]),
                (Recommendation, &["建议"]),
                (Affected, &["受影响的软件"]),
                (NotAffected, &["不受影响的软件"]),
                (Category, &["操作系统"]),
                (Nothing, &["无"]),
                (Version, &["版本"]),
            ],
            not_vulnerability: &["不是安全漏洞"],
            vulnerability: &["漏洞"],
        },
    ),
    (
        "zh-Hant",
        Words {
            name: "繁體中文",
            labels: &[
                (Summary, &["摘要"]),
                (Overview, &["概觀"]),
                (GeneralInfo, &["一般資訊"]),
                (OtherInfo, &["其他資訊"]),
                (Faq, &["常見問題集*", "常見問題*"]),
                (Actions, &["建議採取的動作*"]),
                (Workarounds, &["因應措施"]),
                (Mitigations, &["緩和因素*"]),
                (Revisions, &["修訂"]),
                (Resources, &["資源"]),
                (Feedback, &["意見反應"]),
                (Support, &["支援"]),
                (Disclaimer, &["免責聲明"]),
                (Acknowledgments, &["感謝"]),
                (Software, &["受影響的軟體*"]),
                (Purpose, &["摘要報告的目的"]),
                (Status, &["摘要報告狀態"]),
                (Recommendation, &["建議"]),
                (Affected, &["受影響的軟體"]),
                (NotAffected, &["不受影響的軟體"]),
                (Category, &["作業系統"]),
                (Nothing, &["無"]),
                (Version, &["版本"]),
            ],
            not_vulnerability: &["不是安全性弱點"],
            vulnerability: &["弱點"],
        },
    ),
    (
        "ko",
        Words {
            name: "한국어",
            labels: &[
                (Summary, &["요약"]),
                (Overview, &["개요"]),
                (GeneralInfo, &["일반 정보"]),
                (OtherInfo, &["기타 정보"]),
                (Faq, &["질문과 대답*", "자주 묻는 질문*"]),
                (Actions, &["권장 조치*"]),
                (Workarounds, &["해결 방법"]),
                (Mitigations, &["완화 요소*"]),
                (Revisions, &["수정 버전", "개정"]),
                (Resources, &["리소스"]),
                (Feedback, &["사용자 의견"]),
                (Support, &["지원"]),
                (Disclaimer, &["고지 사항"]),
                (Acknowledgments, &["감사의 말"]),
                (Software, &["영향을 받는 소프트웨어*"]),
                (Purpose, &["권고의 목적"]),
                (Status, &["권고 상태"]),
                (Recommendation, &["권장 사항"]),
                (Affected, &["영향을 받는 소프트웨어"]),
                (NotAffected, &["영향을 받지 않는 소프트웨어"]),
                (Category, &["운영 체제"]),
                (Nothing, &["없음"]),
                (Version, &["버전"]),
            ],
            not_vulnerability: &["보안 취약점이 아닙니다"],
            vulnerability: &["취약점"],
        },
    ),
    (
        "ru",
        Words {
            name: "Русский",
            labels: &[
                (Summary, &["аннотация", "сводка"]),
                (Overview, &["обзор"]),
                (GeneralInfo, &["общие сведения"]),
                (OtherInfo, &["прочие сведения", "дополнительные сведения"]),
                (Faq, &["часто задаваемые вопросы*"]),
                (Actions, &["рекомендуемые действия*"]),
                (Workarounds, &["временные решения"]),
                (Mitigations, &["смягчающие факторы*"]),
                (Revisions, &["изменения", "версии"]),
                (Resources, &["ресурсы"]),
                (Feedback, &["отзывы"]),
                (Support, &["поддержка"]),
                (Disclaimer, &["заявление об отказе от ответственности"]),
                (Acknowledgments, &["благодарности"]),
                (Software, &["уязвимое программное обеспечение*"]),
                (Purpose, &["цель рекомендаций"]),
                (Status, &["состояние рекомендаций"]),
                (Recommendation, &["рекомендация"]),
                (Affected, &["уязвимое программное обеспечение"]),
                (NotAffected, &["неуязвимое программное обеспечение"]),
                (Category, &["операционная система"]),
                (Nothing, &["нет"]),
                (Version, &["версия"]),
            ],
            not_vulnerability: &["не является уязвимостью"],
            vulnerability: &["уязвимост"],
        },
    ),
    (
        "pl",
        Words {
            name: "Polski",
            labels: &[
                (Summary, &["streszczenie", "podsumowanie"]),
                (Overview, &["przegląd"]),
                (GeneralInfo, &["informacje ogólne"]),
                (OtherInfo, &["inne informacje"]),
                (Faq, &["często zadawane pytania*"]),
                (Actions, &["sugerowane działania*"]),
                (Workarounds, &["obejścia"]),
                (Mitigations, &["czynniki ograniczające*"]),
                (Revisions, &["wersje", "historia zmian"]),
                (Resources, &["zasoby"]),
                (Feedback, &["opinie"]),
                (Support, &["pomoc techniczna"]),
                (Disclaimer, &["zastrzeżenie"]),
                (Acknowledgments, &["podziękowania"]),
                (Software, &["oprogramowanie, którego dotyczy*"]),
                (Purpose, &["cel poradnika"]),
                (Status, &["status poradnika"]),
                (Recommendation, &["zalecenie"]),
                (Affected, &["oprogramowanie, którego dotyczy problem"]),
                (
                    NotAffected,
                    &["oprogramowanie, którego nie dotyczy problem"],
                ),
                (Category, &["system operacyjny"]),
                (Nothing, &["brak"]),
                (Version, &["wersja"]),
            ],
            not_vulnerability: &["nie jest luką"],
            vulnerability: &["luka", "luki"],
        },
    ),
    (
        "tr",
        Words {
            name: "Türkçe",
            labels: &[
                (Summary, &["özet"]),
                (Overview, &["genel bakış"]),
                (GeneralInfo, &["genel bilgiler"]),
                (OtherInfo, &["diğer bilgiler"]),
                (Faq, &["sık sorulan sorular*"]),
                (Actions, &["önerilen eylemler*"]),
                (Workarounds, &["geçici çözümler"]),
                (Mitigations, &["azaltıcı etkenler*"]),
                (Revisions, &["düzeltmeler"]),
                (Resources, &["kaynaklar"]),
                (Feedback, &["geri bildirim"]),
                (Support, &["destek"]),
                (Disclaimer, &["feragatname"]),
                (Acknowledgments, &["teşekkür"]),
                (Software, &["etkilenen yazılım*"]),
                (Purpose, &["danışma belgesinin amacı"]),
                (Status, &["danışma belgesinin durumu"]),
                (Recommendation, &["öneri"]),
                (Affected, &["etkilenen yazılım"]),
                (NotAffected, &["etkilenmeyen yazılım"]),
                (Category, &["işletim sistemi"]),
                (Nothing, &["yok"]),
                (Version, &["sürüm"]),
            ],
            not_vulnerability: &["güvenlik açığı değildir"],
            vulnerability: &["güvenlik açığı"],
        },
    ),
    (
        "cs",
        Words {
            name: "Čeština",
            labels: &[
                (Summary, &["souhrn"]),
                (Overview, &["přehled"]),
                (GeneralInfo, &["obecné informace"]),
                (OtherInfo, &["další informace"]),
                (Faq, &["nejčastější dotazy*"]),
                (Actions, &["doporučené akce*"]),
                (Workarounds, &["řešení"]),
                (Mitigations, &["zmírňující faktory*"]),
                (Revisions, &["revize"]),
                (Resources, &["zdroje"]),
                (Feedback, &["názory a připomínky"]),
                (Support, &["podpora"]),
                (Disclaimer, &["právní omezení"]),
                (Acknowledgments, &["poděkování"]),
                (Software, &["ovlivněný software*"]),
                (Recommendation, &["doporučení"]),
                (Affected, &["ovlivněný software"]),
                (NotAffected, &["neovlivněný software"]),
                (Category, &["operační systém"]),
                (Nothing, &["žádný"]),
                (Version, &["verze"]),
            ],
            not_vulnerability: &["není chyba zabezpečení"],
            vulnerability: &["chyba zabezpečení", "chyby zabezpečení"],
        },
    ),
    (
        "sv",
        Words {
            name: "Svenska",
            labels: &[
                (Summary, &["sammanfattning"]),
                (Overview, &["översikt"]),
                (GeneralInfo, &["allmän information"]),
                (OtherInfo, &["övrig information"]),
                (Faq, &["vanliga frågor*"]),
                (Actions, &["föreslagna åtgärder*"]),
                (Workarounds, &["tillfälliga lösningar"]),
                (Mitigations, &["förmildrande faktorer*"]),
                (Revisions, &["revisioner"]),
                (Resources, &["resurser"]),
                (Feedback, &["feedback"]),
                (Support, &["support"]),
                (Disclaimer, &["friskrivningsklausul"]),
                (Acknowledgments, &["tack"]),
                (Software, &["berörd programvara*"]),
                (Recommendation, &["rekommendation"]),
                (Affected, &["berörd programvara"]),
                (NotAffected, &["programvara som inte berörs"]),
                (Category, &["operativsystem"]),
                (Nothing, &["ingen"]),
                (Version, &["version"]),
            ],
            not_vulnerability: &["inte ett säkerhetsproblem"],
            vulnerability: &["säkerhetsproblem", "sårbarhet"],
        },
    ),
    (
        "da",
        Words {
            name: "Dansk",
            labels: &[
                (Summary, &["resumé"]),
                (Overview, &["oversigt"]),
                (GeneralInfo, &["generelle oplysninger"]),
                (OtherInfo, &["andre oplysninger"]),
                (Faq, &["ofte stillede spørgsmål*"]),
                (Actions, &["foreslåede handlinger*"]),
                (Workarounds, &["midlertidige løsninger"]),
                (Mitigations, &["formildende faktorer*"]),
                (Revisions, &["revisioner"]),
                (Resources, &["ressourcer"]),
                (Feedback, &["feedback"]),
                (Support, &["support"]),
                (Disclaimer, &["ansvarsfraskrivelse"]),
                (Acknowledgments, &["tak"]),
                (Software, &["berørt software*"]),
                (Recommendation, &["anbefaling"]),
                (Affected, &["berørt software"]),
                (NotAffected, &["ikke-berørt software"]),
                (Category, &["operativsystem"]),
                (Nothing, &["ingen"]),
                (Version, &["version"]),
            ],
            not_vulnerability: &["ikke et sikkerhedsproblem"],
            vulnerability: &["sikkerhedsproblem", "sårbarhed"],
        },
    ),
    (
        "fi",
        Words {
            name: "Suomi",
            labels: &[
                (Summary, &["yhteenveto"]),
                (Overview, &["yleiskatsaus"]),
                (GeneralInfo, &["yleiset tiedot"]),
                (OtherInfo, &["muut tiedot"]),
                (Faq, &["usein kysytyt kysymykset*"]),
                (Actions, &["suositellut toimet*"]),
                (Workarounds, &["kiertotiet"]),
                (Mitigations, &["lieventävät tekijät*"]),
                (Revisions, &["versiot"]),
                (Resources, &["resurssit"]),
                (Feedback, &["palaute"]),
                (Support, &["tuki"]),
                (Disclaimer, &["vastuuvapauslauseke"]),
                (Acknowledgments, &["kiitokset"]),
                (Software, &["ongelman koskema ohjelmisto*"]),
                (Recommendation, &["suositus"]),
                (Affected, &["ongelman koskema ohjelmisto"]),
                (NotAffected, &["ohjelmisto, jota ongelma ei koske"]),
                (Category, &["käyttöjärjestelmä"]),
                (Nothing, &["ei mitään"]),
                (Version, &["versio"]),
            ],
            not_vulnerability: &["ei ole tietoturvaheikkous"],
            vulnerability: &["tietoturvaheikkous"],
        },
    ),
    (
        "nb",
        Words {
            name: "Norsk bokmål",
            labels: &[
                (Summary, &["sammendrag"]),
                (Overview, &["oversikt"]),
                (GeneralInfo, &["generell informasjon"]),
                (OtherInfo, &["annen informasjon"]),
                (Faq, &["vanlige spørsmål*"]),
                (Actions, &["foreslåtte handlinger*"]),
                (Workarounds, &["midlertidige løsninger"]),
                (Mitigations, &["formildende faktorer*"]),
                (Revisions, &["revisjoner"]),
                (Resources, &["ressurser"]),
                (Feedback, &["tilbakemelding"]),
                (Support, &["støtte"]),
                (Disclaimer, &["ansvarsfraskrivelse"]),
                (Acknowledgments, &["takk"]),
                (Software, &["berørt programvare*"]),
                (Recommendation, &["anbefaling"]),
                (Affected, &["berørt programvare"]),
                (NotAffected, &["programvare som ikke berøres"]),
                (Category, &["operativsystem"]),
                (Nothing, &["ingen"]),
                (Version, &["versjon"]),
            ],
            not_vulnerability: &["ikke et sikkerhetsproblem"],
            vulnerability: &["sikkerhetsproblem", "sårbarhet"],
        },
    ),
    (
        "hu",
        Words {
            name: "Magyar",
            labels: &[
                (Summary, &["összefoglalás"]),
                (Overview, &["áttekintés"]),
                (GeneralInfo, &["általános információk"]),
                (OtherInfo, &["egyéb információk"]),
                (Faq, &["gyakran ismételt kérdések*"]),
                (Actions, &["javasolt műveletek*"]),
                (Workarounds, &["kerülő megoldások"]),
                (Mitigations, &["enyhítő tényezők*"]),
                (Revisions, &["változatok"]),
                (Resources, &["források"]),
                (Feedback, &["visszajelzés"]),
                (Support, &["támogatás"]),
                (Disclaimer, &["jogi nyilatkozat"]),
                (Acknowledgments, &["köszönetnyilvánítás"]),
                (Software, &["érintett szoftverek*"]),
                (Recommendation, &["javaslat"]),
                (Affected, &["érintett szoftverek"]),
                (NotAffected, &["nem érintett szoftverek"]),
                (Category, &["operációs rendszer"]),
                (Nothing, &["nincs"]),
                (Version, &["verzió"]),
            ],
            not_vulnerability: &["nem biztonsági rés"],
            vulnerability: &["biztonsági rés"],
        },
    ),
];

/// Microsoft's four severity ratings in the languages of its archive, with the words that
/// say a cell of a severity matrix does not apply. Bulletins write the rating in the title
/// ("... MS08-037 - Importante"), in the matrix cells and in summaries. Words are matched
/// whole, lowercased; feminine and masculine forms are both listed where the language
/// inflects the word after "vulnerabilidad"/"Sicherheitsanfälligkeit".
/// A language, its words for the four ratings (worst first), and its words for "not
/// applicable".
type RatingWords = (
    &'static str,
    [&'static [&'static str]; 4],
    &'static [&'static str],
);

static RATINGS: &[RatingWords] = &[
    (
        "en",
        [&["critical"], &["important"], &["moderate"], &["low"]],
        &["not applicable", "none"],
    ),
    (
        "es",
        [
            &["crítica", "crítico", "critica"],
            &["importante"],
            &["moderada", "moderado"],
            &["baja", "bajo"],
        ],
        &["no aplicable", "ninguna", "ninguno"],
    ),
    (
        "de",
        [
            &["kritisch"],
            &["hoch", "wichtig"],
            &["mittel", "mäßig", "moderat"],
            &["niedrig", "gering"],
        ],
        &["nicht zutreffend", "nicht anwendbar", "keine"],
    ),
    (
        "nl",
        [
            &["kritiek", "kritisch"],
            &["belangrijk"],
            &["gemiddeld", "matig"],
            &["laag", "gering"],
        ],
        &["niet van toepassing", "geen"],
    ),
    (
        "fr",
        [
            &["critique"],
            &["important", "importante"],
            &["modéré", "modérée", "moyen", "moyenne"],
            &["faible", "bas"],
        ],
        &["non applicable", "sans objet", "aucun", "aucune"],
    ),
    (
        "it",
        [
            &["critico", "critica"],
            &["importante"],
            &["moderato", "moderata"],
            &["basso", "bassa"],
        ],
        &["non applicabile", "nessuno", "nessuna"],
    ),
    (
        "pt",
        [
            &["crítico", "crítica"],
            &["importante"],
            &["moderado", "moderada"],
            &["baixo", "baixa"],
        ],
        &["não aplicável", "nenhum", "nenhuma"],
    ),
    (
        "ja",
        [&["緊急"], &["重要"], &["警告"], &["注意"]],
        &["該当なし", "なし"],
    ),
    (
        "zh-Hans",
        [&["严重"], &["重要"], &["中等"], &["低"]],
        &["不适用", "无"],
    ),
    (
        "zh-Hant",
        [&["重大", "嚴重"], &["重要"], &["中度", "中等"], &["低"]],
        &["不適用", "無"],
    ),
    (
        "ko",
        [&["긴급"], &["중요"], &["보통"], &["낮음"]],
        &["해당 없음", "없음"],
    ),
    (
        "ru",
        [
            &["критический", "критическая", "критическое"],
            &["важный", "важная", "важное"],
            &["средний", "средняя", "среднее", "умеренный"],
            &["низкий", "низкая", "низкое"],
        ],
        &["неприменимо", "не применимо", "нет"],
    ),
    (
        "pl",
        [
            &["krytyczne", "krytyczna", "krytyczny"],
            &["ważne", "ważna", "ważny"],
            &["umiarkowane", "umiarkowana", "umiarkowany"],
            &["niskie", "niska", "niski"],
        ],
        &["nie dotyczy", "brak"],
    ),
    (
        "tr",
        [&["kritik"], &["önemli"], &["orta"], &["düşük"]],
        &["uygulanamaz", "geçerli değil", "yok"],
    ),
    (
        "cs",
        [
            &["kritická", "kritické", "kritický"],
            &["důležitá", "důležité", "důležitý"],
            &["střední"],
            &["nízká", "nízké", "nízký"],
        ],
        &["nelze použít", "neplatí", "žádné"],
    ),
    (
        "sv",
        [
            &["kritisk", "kritiskt"],
            &["viktig", "viktigt"],
            &["medel", "måttlig"],
            &["låg", "lågt"],
        ],
        &["ej tillämpligt", "inte tillämpligt", "ingen"],
    ),
    (
        "da",
        [
            &["kritisk"],
            &["vigtig", "vigtigt"],
            &["moderat", "middel"],
            &["lav"],
        ],
        &["ikke relevant", "ikke anvendelig", "ingen"],
    ),
    (
        "fi",
        [
            &["kriittinen"],
            &["tärkeä"],
            &["kohtalainen"],
            &["vähäinen", "matala"],
        ],
        &["ei sovellu", "ei koske", "ei mitään"],
    ),
    (
        "nb",
        [&["kritisk"], &["viktig"], &["moderat"], &["lav"]],
        &["ikke relevant", "ikke aktuelt", "ingen"],
    ),
    (
        "hu",
        [
            &["kritikus"],
            &["fontos"],
            &["mérsékelt", "közepes"],
            &["alacsony"],
        ],
        &["nem alkalmazható", "nincs"],
    ),
    (
        "el",
        [
            &["κρίσιμη", "κρίσιμο"],
            &["σημαντική", "σημαντικό"],
            &["μέτρια", "μέτριο"],
            &["χαμηλή", "χαμηλό"],
        ],
        &["δεν ισχύει", "καμία"],
    ),
    (
        "he",
        [
            &["קריטי", "קריטית"],
            &["חשוב", "חשובה"],
            &["בינוני", "בינונית"],
            &["נמוך", "נמוכה"],
        ],
        &["לא ישים", "אין"],
    ),
    (
        "ar",
        [
            &["حرج", "حرجة"],
            &["هام", "مهم", "هامة"],
            &["متوسط", "متوسطة"],
            &["منخفض", "منخفضة"],
        ],
        &["غير قابل للتطبيق", "لا شيء"],
    ),
    (
        "uk",
        [
            &["критичний", "критична"],
            &["важливий", "важлива"],
            &["середній", "помірний"],
            &["низький", "низька"],
        ],
        &["не застосовується", "немає"],
    ),
    (
        "ro",
        [
            &["critic", "critică"],
            &["important", "importantă"],
            &["moderat", "moderată"],
            &["scăzut", "scăzută"],
        ],
        &["nu se aplică", "niciunul"],
    ),
    (
        "bg",
        [
            &["критична", "критичен"],
            &["важна", "важен"],
            &["умерена", "умерен"],
            &["ниска", "нисък"],
        ],
        &["не е приложимо", "няма"],
    ),
    (
        "hr",
        [
            &["kritično", "kritična"],
            &["važno", "važna"],
            &["umjereno", "umjerena"],
            &["nisko", "niska"],
        ],
        &["nije primjenjivo", "nema"],
    ),
    (
        "sk",
        [
            &["kritická", "kritické"],
            &["dôležitá", "dôležité"],
            &["stredná", "stredné"],
            &["nízka", "nízke"],
        ],
        &["nevzťahuje sa", "žiadne"],
    ),
    (
        "sl",
        [
            &["kritično", "kritična"],
            &["pomembno", "pomembna"],
            &["zmerno", "zmerna"],
            &["nizko", "nizka"],
        ],
        &["ni na voljo", "ni uporabno", "brez"],
    ),
    (
        "et",
        [&["kriitiline"], &["oluline"], &["mõõdukas"], &["madal"]],
        &["ei kohaldu", "puudub"],
    ),
    (
        "lv",
        [
            &["kritiska", "kritisks"],
            &["svarīga", "svarīgs"],
            &["mērena", "mērens"],
            &["zema", "zems"],
        ],
        &["nav piemērojams", "nav"],
    ),
    (
        "lt",
        [
            &["kritinis", "kritinė"],
            &["svarbus", "svarbi"],
            &["vidutinis", "vidutinė"],
            &["žemas", "žema"],
        ],
        &["netaikoma", "nėra"],
    ),
    (
        "th",
        [&["วิกฤต"], &["สำคัญ"], &["ปานกลาง"], &["ต่ำ"]],
        &["ไม่เกี่ยวข้อง", "ไม่มี"],
    ),
    (
        "id",
        [&["kritis"], &["penting"], &["sedang"], &["rendah"]],
        &["tidak berlaku", "tidak ada"],
    ),
    (
        "vi",
        [
            &["nghiêm trọng"],
            &["quan trọng"],
            &["trung bình"],
            &["thấp"],
        ],
        &["không áp dụng", "không có"],
    ),
];

/// The languages whose severity ratings are known (primary subtags, `zh-Hans`/`zh-Hant`).
pub fn rating_languages() -> impl Iterator<Item = &'static str> {
    RATINGS.iter().map(|(l, _, _)| *l)
}

type Ratings = (
    &'static [&'static [&'static str]; 4],
    &'static [&'static str],
);

/// The ratings of `lang`, then English (localized pages kept English words at times).
fn ratings_of(lang: &str) -> impl Iterator<Item = Ratings> {
    let primary = crate::i18n::language_of(lang).to_ascii_lowercase();
    let key = match primary.as_str() {
        "zh" if is_traditional(lang) => "zh-Hant".to_string(),
        "zh" => "zh-Hans".to_string(),
        "no" | "nn" => "nb".to_string(),
        p => p.to_string(),
    };
    let own = RATINGS.iter().filter(move |(l, _, _)| *l == key);
    let en = RATINGS.iter().filter(|(l, _, _)| *l == "en");
    own.chain(en).map(|(_, r, n)| (r, *n))
}

/// The rating a whole text (a title's tail, a matrix cell's first line) names: 0 critical,
/// 1 important, 2 moderate, 3 low.
pub fn rating(lang: &str, text: &str) -> Option<usize> {
    let n = normalize(text);
    ratings_of(lang).find_map(|(r, _)| r.iter().position(|ws| ws.contains(&n.as_str())))
}

/// Whether a matrix cell says "not applicable" (or "none").
pub fn not_applicable(lang: &str, text: &str) -> bool {
    let n = normalize(text);
    ratings_of(lang).any(|(_, na)| na.contains(&n.as_str()))
}

/// The first of `roles` whose label `text` starts with, as a whole word: the parts of a
/// bulletin's vulnerability section are headed "Mitigating Factors for <the vulnerability>".
pub fn starts_role(lang: &str, roles: &[Role], text: &str) -> Option<Role> {
    let n = normalize(text);
    roles.iter().copied().find(|r| {
        [words(lang), words("en")].into_iter().flatten().any(|w| {
            (w.labels.iter().filter(|(x, _)| x == r))
                .flat_map(|(_, ls)| ls.iter())
                .map(|l| l.trim_end_matches('*'))
                .any(|l| {
                    n.strip_prefix(l).is_some_and(|rest| {
                        rest.is_empty() || rest.starts_with([' ', '(', ',', '-', ':'])
                    })
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_match_after_normalizing() {
        assert_eq!(
            role_of("nl-NL", HEADING_ROLES, "**Informatiebronnen:**"),
            Some(Role::Resources)
        );
        assert_eq!(
            role_of(
                "nl-NL",
                HEADING_ROLES,
                "Veelgestelde vragen over dit advies"
            ),
            Some(Role::Faq)
        );
        assert_eq!(
            role_of("de-DE", HEADING_ROLES, "Häufig gestellte Fragen (FAQs)"),
            Some(Role::Faq)
        );
        assert_eq!(
            role_of("de-DE", HEADING_ROLES, "### Weitere Informationen:"),
            None
        );
        assert_eq!(
            role_of("de-DE", HEADING_ROLES, "Weitere Informationen:"),
            Some(Role::OtherInfo)
        );
        // English headings are understood in every language.
        assert_eq!(
            role_of("nl-NL", HEADING_ROLES, "Frequently Asked Questions"),
            Some(Role::Faq)
        );
        assert_eq!(role_of("nl-NL", HEADING_ROLES, "Exploitatie-index"), None);
    }

    #[test]
    fn negations_are_whole_phrases() {
        assert!(
            says_not_vulnerability("nl-NL", "Dit probleem is geen beveiligingslek in X.").is_some()
        );
        assert!(
            says_not_vulnerability("nl-NL", "die doorgaans geen beveiligingslekken zijn").is_none()
        );
        assert!(says_not_vulnerability("de-DE", "ist keine Sicherheitsanfälligkeit in").is_some());
        assert!(says_vulnerability("nl-NL", "Beveiligingslek in SMB").is_some());
    }

    #[test]
    fn language_names_and_chinese_scripts() {
        assert_eq!(language_name("nl-NL"), "Nederlands");
        assert_eq!(language_name("zh-TW"), "繁體中文");
        assert_eq!(language_name("zh-CN"), "简体中文");
        assert_eq!(language_name("xx-YY"), "xx-YY");
    }
}

/// Microsoft's product families, each with words that name a product of it (lower case,
/// matched as whole words), most specific first: Outlook Express is Windows, Outlook is
/// Office; Internet Explorer, SQL Server and the rest are families of their own. Product
/// names are English in every language of the archive (only the words around them are
/// translated: "Windows Vista voor x64-systemen", "Office 2003 unter Windows XP").
const FAMILIES: &[(&str, &[&str])] = &[
    ("Internet Explorer", &["internet explorer"]),
    (
        "Windows",
        &["outlook express", "windows mail", "windows media"],
    ),
    (
        "Windows Live",
        &[
            "windows live",
            "msn messenger",
            "windows messenger",
            "live messenger",
        ],
    ),
    ("Exchange Server", &["exchange"]),
    ("SQL Server", &["sql server", "msde", "sql express"]),
    ("SharePoint", &["sharepoint", "search server"]),
    ("Works", &["works"]),
    (
        "Office",
        &[
            "office",
            "word",
            "excel",
            "powerpoint",
            "outlook",
            "access",
            "publisher",
            "visio",
            "project",
            "onenote",
            "infopath",
            "frontpage",
            "groove",
            "lync",
            "communicator",
            "open xml",
        ],
    ),
    (".NET Framework", &[".net framework"]),
    (
        "Developer Tools",
        &[
            "visual studio",
            "visual basic",
            "visual c++",
            "visual foxpro",
            "expression",
            "report viewer",
            "active template library",
        ],
    ),
    ("Silverlight", &["silverlight"]),
    (
        "Forefront",
        &[
            "forefront",
            "isa server",
            "internet security and acceleration",
            "threat management gateway",
            "antigen",
        ],
    ),
    (
        "System Center",
        &[
            "system center",
            "systems management server",
            "configuration manager",
        ],
    ),
    ("BizTalk Server", &["biztalk"]),
    ("Commerce Server", &["commerce server"]),
    ("Zune", &["zune"]),
    ("Host Integration Server", &["host integration server"]),
    ("Dynamics", &["dynamics"]),
    (
        "Windows",
        &[
            "windows",
            "windowsvista",
            "jet",
            "directx",
            "internet information services",
            "iis",
            "active directory",
            "adam",
            "xml core services",
            "msxml",
            "jscript",
            "vbscript",
        ],
    ),
];

/// The family of a Microsoft product, from its name: `Office` for "Microsoft Office 2003
/// Service Pack 2", `Windows` for "Windows Vista voor x64-systemen"; none for a name it
/// does not know.
pub fn product_family(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let has = |word: &str| {
        lower.match_indices(word).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + word.len()..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            boundary(before) && boundary(after)
        })
    };
    FAMILIES
        .iter()
        .find(|(_, words)| words.iter().any(|w| has(w)))
        .map(|(family, _)| *family)
}

#[cfg(test)]
mod family_tests {
    use super::product_family;

    #[test]
    fn products_fall_in_their_family() {
        for (name, family) in [
            ("Microsoft Office 2003 Service Pack 2", Some("Office")),
            ("Microsoft Office Excel 2007", Some("Office")),
            (
                "Outlook Express 6 op Windows XP Service Pack 2",
                Some("Windows"),
            ),
            ("Windows Vista voor x64-systemen", Some("Windows")),
            (
                "Windows Internet Explorer 7 unter Windows Vista",
                Some("Internet Explorer"),
            ),
            ("Microsoft Exchange Server 2007", Some("Exchange Server")),
            (
                "Microsoft SQL Server 2000 Desktop Engine (MSDE 2000)",
                Some("SQL Server"),
            ),
            ("Microsoft Works 8", Some("Works")),
            ("Microsoft .NET Framework 2.0", Some(".NET Framework")),
            (
                "Microsoft Internet Information Services (IIS) 5.1 op Windows XP",
                Some("Windows"),
            ),
            ("Microsoft XML Core Services 4.0", Some("Windows")),
            (
                "Microsoft Host Integration Server 2004",
                Some("Host Integration Server"),
            ),
            // "Wordpad" is no Word, and a product of another vendor has no family.
            ("Wordpad", None),
            ("Apache Log4j Core", None),
        ] {
            assert_eq!(product_family(name), family, "{name}");
        }
    }
}
