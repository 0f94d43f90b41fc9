//! Dates as legacy advisories write them, in each language's own style ("vrijdag 13 juni
//! 2008", "Freitag, 13. Juni 2008", "2008年6月13日", "13 июня 2008 г."), parsed back into
//! [`Date`]s.
//!
//! No month names are written by hand: for each language the month and weekday names and
//! the literal words around them ("de", "г.", "年") are learned from ICU4X, by formatting
//! every month and weekday in several styles and keeping the words that change with the
//! month (names) apart from those that do not (literals). Numbers followed directly by a
//! marker ("2008年", "6월") take the role the marker has in ICU's own output; all-numeric
//! dates follow the language's short date order, or ISO order when they start with the year.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use icu_calendar::Date as IcuDate;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{E, M, YMD, YMDE};
use icu_locale_core::Locale;

use crate::model::Date;

/// A date read from text, with a note when something about it looked wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDate {
    /// The date.
    pub date: Date,
    /// For example a weekday that does not match the date.
    pub warning: Option<String>,
}

/// Parses `text` as a date written in language `lang` (a BCP 47 tag). English and ISO
/// 8601 are accepted in every language, since localized pages sometimes keep them.
pub fn parse(lang: &str, text: &str) -> Result<ParsedDate, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the date is empty".into());
    }
    let table = table_for(lang);
    match table.parse(text) {
        Ok(d) => Ok(d),
        Err(first) => {
            // Localized pages sometimes kept the English date of the original.
            if crate::i18n::language_of(lang) != "en"
                && let Ok(d) = table_for("en-US").parse(text)
            {
                return Ok(d);
            }
            Err(format!("`{text}` is not a date in `{lang}`: {first}"))
        }
    }
}

/// Parses a date and returns just the date, for callers that report warnings elsewhere.
pub fn parse_date(lang: &str, text: &str) -> Option<Date> {
    parse(lang, text).ok().map(|p| p.date)
}

static TABLES: LazyLock<Mutex<HashMap<String, Arc<Table>>>> = LazyLock::new(Default::default);

/// The table of `lang`, built on first use.
fn table_for(lang: &str) -> Arc<Table> {
    let mut cache = TABLES.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(lang.to_string())
        .or_insert_with(|| Arc::new(Table::build(lang)))
        .clone()
}

/// Order of day and month in an all-numeric date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumericOrder {
    DayMonth,
    MonthDay,
}

/// What one language's dates are made of.
#[derive(Debug, Default)]
struct Table {
    months: HashMap<String, u32>,
    /// Weekday names, Monday = 0.
    weekdays: HashMap<String, u32>,
    literals: BTreeSet<String>,
    year_markers: BTreeSet<String>,
    month_markers: BTreeSet<String>,
    day_markers: BTreeSet<String>,
    order: Option<NumericOrder>,
    /// Longest word in the vocabulary, in characters, to bound segmentation.
    longest: usize,
}

/// Words some languages write around dates that ICU's patterns leave out.
fn extra_literals(language: &str) -> &'static [&'static str] {
    match language {
        "en" => &["st", "nd", "rd", "th", "of", "the"],
        "fr" => &["er", "le"],
        "es" | "pt" => &["de", "del", "el"],
        "it" => &["il"],
        "ru" => &["г", "года"],
        "pl" => &["r", "roku"],
        "cs" | "sk" => &["r"],
        "nl" => &["op"],
        "de" => &["am", "den"],
        _ => &[],
    }
}

/// One token of a date: a number, or a run of letters, with whether it touches the token
/// before it (no space or punctuation between, as in `2008年`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Num { value: u32, digits: usize },
    Word { text: String, attached: bool },
}

fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut attached = false;
    while i < chars.len() {
        let c = chars[i];
        if let Some(d) = digit(c) {
            let mut value: u64 = u64::from(d);
            let mut digits = 1;
            i += 1;
            while let Some(d) = chars.get(i).copied().and_then(digit) {
                value = value.saturating_mul(10).saturating_add(u64::from(d));
                digits += 1;
                i += 1;
            }
            out.push(Tok::Num {
                value: u32::try_from(value).unwrap_or(u32::MAX),
                digits,
            });
            attached = true;
        } else if is_letter(c) {
            let mut w = String::new();
            while i < chars.len() {
                let c = chars[i];
                // A hyphen or apostrophe between letters belongs to the word ("sexta-feira").
                let joiner = matches!(c, '-' | '\'' | '’')
                    && !w.is_empty()
                    && chars.get(i + 1).is_some_and(|n| is_letter(*n));
                if is_letter(c) || joiner {
                    w.extend(c.to_lowercase());
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Tok::Word { text: w, attached });
            attached = true;
        } else {
            attached = false;
            i += 1;
        }
    }
    out
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        // Fullwidth digits, as in some CJK text.
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
        // Combining marks (Devanagari, Thai) belong to the letter before them.
        || matches!(c, '\u{0300}'..='\u{036f}' | '\u{0900}'..='\u{097f}' | '\u{0e00}'..='\u{0e7f}')
}

fn words(toks: &[Tok]) -> BTreeSet<String> {
    toks.iter()
        .filter_map(|t| match t {
            Tok::Word { text, .. } => Some(text.clone()),
            Tok::Num { .. } => None,
        })
        .collect()
}

/// A date as ICU writes it in `locale` in style `fs`; None if ICU cannot.
fn format_date(locale: &Locale, fs: Fs, y: i32, m: u8, d: u8) -> Option<String> {
    let date = IcuDate::try_new_iso(y, m, d).ok()?;
    let prefs = locale.clone().into();
    // Each style is a type of its own, so one formatter call per arm.
    macro_rules! formatted {
        ($fieldset:expr) => {
            DateTimeFormatter::try_new(prefs, $fieldset)
                .ok()?
                .format(&date)
                .to_string()
        };
    }
    let s = match fs {
        Fs::YmdLong => formatted!(YMD::long()),
        Fs::YmdMedium => formatted!(YMD::medium()),
        Fs::YmdShort => formatted!(YMD::short()),
        Fs::YmdeLong => formatted!(YMDE::long()),
        Fs::YmdeMedium => formatted!(YMDE::medium()),
        Fs::MLong => formatted!(M::long()),
        Fs::MMedium => formatted!(M::medium()),
        Fs::ELong => formatted!(E::long()),
        Fs::EShort => formatted!(E::short()),
    };
    Some(s)
}

impl Table {
    fn build(lang: &str) -> Table {
        let mut t = Table::default();
        let language = crate::i18n::language_of(lang).to_ascii_lowercase();
        let Ok(locale) = lang.parse::<Locale>() else {
            return t;
        };
        let fmt = |fs: Fs, y: i32, m: u8, d: u8| format_date(&locale, fs, y, m, d);

        // Month names: the words that differ between the twelve months of one style.
        // Styles with a weekday would make weekday names look like month names.
        let month_words = t.varying_words(
            [Fs::YmdLong, Fs::YmdMedium, Fs::MLong, Fs::MMedium],
            12,
            1,
            |fs, i| fmt(fs, 2033, i as u8 + 1, 22),
        );
        // Weekday names: 2001-01-01 was a Monday.
        let weekday_words = t.varying_words(
            [Fs::YmdeLong, Fs::YmdeMedium, Fs::ELong, Fs::EShort],
            7,
            0,
            |fs, i| fmt(fs, 2001, 1, i as u8 + 1),
        );
        t.markers(&fmt);
        t.names(month_words, weekday_words, &language);

        if let Some(s) = fmt(Fs::YmdShort, 2033, 11, 22) {
            t.order = match (s.find("22"), s.find("11")) {
                (Some(d), Some(m)) if d < m => Some(NumericOrder::DayMonth),
                (Some(_), Some(_)) => Some(NumericOrder::MonthDay),
                _ => None,
            };
        }
        t.longest = t
            .months
            .keys()
            .chain(t.weekdays.keys())
            .chain(t.literals.iter())
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        t
    }

    /// The words that differ between the `n` dates `date(style, i)` of each style, each
    /// with the numbers (`first + i`) it stands for; the words all `n` share are literals.
    fn varying_words(
        &mut self,
        styles: [Fs; 4],
        n: u32,
        first: u32,
        date: impl Fn(Fs, u32) -> Option<String>,
    ) -> BTreeMap<String, BTreeSet<u32>> {
        let mut found: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        for fs in styles {
            let per_date: Vec<BTreeSet<String>> = (0..n)
                .map(|i| date(fs, i).map_or_else(BTreeSet::new, |s| words(&tokenize(&s))))
                .collect();
            let common = intersection(&per_date);
            self.literals.extend(common.iter().cloned());
            for (i, ws) in per_date.iter().enumerate() {
                for w in ws.difference(&common) {
                    found.entry(w.clone()).or_default().insert(first + i as u32);
                }
            }
        }
        found
    }

    /// Markers: a word right after the year, month or day number in ICU's output.
    fn markers(&mut self, fmt: &dyn Fn(Fs, i32, u8, u8) -> Option<String>) {
        for fs in [Fs::YmdLong, Fs::YmdMedium] {
            let Some(s) = fmt(fs, 2033, 11, 22) else {
                continue;
            };
            let toks = tokenize(&s);
            for pair in toks.windows(2) {
                if let [
                    Tok::Num { value, .. },
                    Tok::Word {
                        text,
                        attached: true,
                    },
                ] = pair
                {
                    let set = match value {
                        2033 | 33 => &mut self.year_markers,
                        11 => &mut self.month_markers,
                        22 => &mut self.day_markers,
                        _ => continue,
                    };
                    if self.literals.contains(text) {
                        set.insert(text.clone());
                    }
                }
            }
        }
    }

    /// The month and weekday names from the words found, and the literals without them.
    fn names(
        &mut self,
        month_words: BTreeMap<String, BTreeSet<u32>>,
        weekday_words: BTreeMap<String, BTreeSet<u32>>,
        language: &str,
    ) {
        // A word naming two months (or weekdays) would be a guess; leave it out.
        self.months = month_words
            .into_iter()
            .filter(|(_, ms)| ms.len() == 1)
            .filter_map(|(w, ms)| ms.first().map(|m| (w, *m)))
            .collect();
        self.weekdays = weekday_words
            .into_iter()
            .filter(|(w, ds)| ds.len() == 1 && !self.months.contains_key(w))
            .filter_map(|(w, ds)| ds.first().map(|d| (w, *d)))
            .collect();
        // Markers may double as names ("日" is also Sunday in Japanese); they stay known.
        let markers: BTreeSet<String> = self
            .year_markers
            .iter()
            .chain(&self.month_markers)
            .chain(&self.day_markers)
            .cloned()
            .collect();
        self.literals.retain(|w| {
            markers.contains(w) || (!self.months.contains_key(w) && !self.weekdays.contains_key(w))
        });
        self.literals
            .extend(extra_literals(language).iter().map(|s| s.to_string()));
    }

    /// Splits a run of letters into known words, longest first ("日金曜日" is "日" and
    /// "金曜日"); None if some part is unknown.
    fn segment(&self, word: &str) -> Option<Vec<String>> {
        let known = |w: &str| {
            self.months.contains_key(w)
                || self.weekdays.contains_key(w)
                || self.literals.contains(w)
        };
        if known(word) {
            return Some(vec![word.to_string()]);
        }
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let max = (chars.len() - i).min(self.longest);
            let found = (1..=max).rev().find_map(|n| {
                let w: String = chars[i..i + n].iter().collect();
                known(&w).then_some((w, n))
            });
            let (w, n) = found?;
            out.push(w);
            i += n;
        }
        Some(out)
    }

    fn parse(&self, text: &str) -> Result<ParsedDate, String> {
        let toks = tokenize(text);
        let mut year = None;
        let mut month = None;
        let mut day = None;
        let mut weekday = None;
        let mut loose: Vec<(u32, usize)> = Vec::new();
        // Set when the word after a number starts with that number's marker.
        let mut marker_consumed = false;
        for (i, tok) in toks.iter().enumerate() {
            match tok {
                Tok::Num { value, digits } => {
                    // A marker right after the number says what it is.
                    let marker = match toks.get(i + 1) {
                        Some(Tok::Word {
                            text,
                            attached: true,
                        }) => self.segment(text).and_then(|parts| parts.first().cloned()),
                        _ => None,
                    };
                    let slot = match &marker {
                        Some(m) if self.year_markers.contains(m) => Some(&mut year),
                        Some(m) if self.month_markers.contains(m) => Some(&mut month),
                        Some(m) if self.day_markers.contains(m) => Some(&mut day),
                        _ => None,
                    };
                    marker_consumed = slot.is_some();
                    match slot {
                        Some(s) => set_once(s, *value, "number")?,
                        None if *digits == 4 => set_once(&mut year, *value, "year")?,
                        None => loose.push((*value, *digits)),
                    }
                }
                Tok::Word { text, .. } => {
                    let parts = self
                        .segment(text)
                        .ok_or_else(|| format!("unknown word `{text}`"))?;
                    let skip = usize::from(std::mem::take(&mut marker_consumed));
                    for p in parts.into_iter().skip(skip) {
                        if let Some(m) = self.months.get(&p) {
                            set_once(&mut month, *m, "month")?;
                        } else if let Some(d) = self.weekdays.get(&p) {
                            set_once(&mut weekday, *d, "weekday")?;
                        }
                    }
                }
            }
        }
        // Numbers without a role: the day (with a month name), or day and month in the
        // language's order, or in ISO order after a leading year.
        let starts_with_year = matches!(toks.first(), Some(Tok::Num { digits: 4, .. }));
        match loose.as_slice() {
            [] => {}
            [(a, _)] if month.is_some() && day.is_none() => day = Some(*a),
            [(a, _)] if day.is_some() && month.is_none() => month = Some(*a),
            [_] if day.is_none() && month.is_none() => return Err("no month".into()),
            [(a, _), (b, _)] if day.is_none() && month.is_none() => {
                let order = if starts_with_year {
                    Some(NumericOrder::MonthDay)
                } else {
                    self.order
                };
                match order {
                    Some(NumericOrder::DayMonth) => (day, month) = (Some(*a), Some(*b)),
                    Some(NumericOrder::MonthDay) => (month, day) = (Some(*a), Some(*b)),
                    None => return Err("cannot tell the day from the month".into()),
                }
            }
            _ => return Err("too many numbers".into()),
        }
        let (Some(y), Some(m), Some(d)) = (year, month, day) else {
            let missing: Vec<&str> = [("year", year), ("month", month), ("day", day)]
                .into_iter()
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| n)
                .collect();
            return Err(format!("no {}", missing.join(" or ")));
        };
        let date = i32::try_from(y)
            .ok()
            .and_then(|y| Date::from_ymd(y, m, d))
            .ok_or_else(|| format!("no such day: year {y}, month {m}, day {d}"))?;
        let warning = weekday.and_then(|w| {
            let actual = chrono::NaiveDate::from_ymd_opt(date.year(), date.month(), date.day())
                .map(|n| chrono::Datelike::weekday(&n).num_days_from_monday())?;
            (actual != w).then(|| format!("`{}` names the wrong weekday for {date}", text.trim()))
        });
        Ok(ParsedDate { date, warning })
    }
}

#[derive(Debug, Clone, Copy)]
enum Fs {
    YmdLong,
    YmdMedium,
    YmdShort,
    YmdeLong,
    YmdeMedium,
    MLong,
    MMedium,
    ELong,
    EShort,
}

fn set_once(slot: &mut Option<u32>, value: u32, what: &str) -> Result<(), String> {
    match slot {
        Some(old) if *old != value => Err(format!("two values for the {what}")),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

fn intersection(sets: &[BTreeSet<String>]) -> BTreeSet<String> {
    let mut iter = sets.iter().filter(|s| !s.is_empty());
    let Some(first) = iter.next() else {
        return BTreeSet::new();
    };
    iter.fold(first.clone(), |acc, s| {
        acc.intersection(s).cloned().collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(lang: &str, text: &str) -> String {
        match parse(lang, text) {
            Ok(p) => p.date.to_string(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn dutch() {
        assert_eq!(ymd("nl-NL", "vrijdag 13 juni 2008"), "2008-06-13");
        assert_eq!(ymd("nl-NL", "13 juni 2008"), "2008-06-13");
        assert_eq!(ymd("nl-NL", "3 december 2007"), "2007-12-03");
        assert_eq!(ymd("nl-NL", "13 jun 2008"), "2008-06-13");
        assert_eq!(ymd("nl-NL", "13-6-2008"), "2008-06-13");
    }

    #[test]
    fn german() {
        assert_eq!(ymd("de-DE", "Freitag, 13. Juni 2008"), "2008-06-13");
        assert_eq!(ymd("de-DE", "13. Juni 2008"), "2008-06-13");
        assert_eq!(ymd("de-DE", "Mittwoch, 10. März 2010"), "2010-03-10");
        assert_eq!(ymd("de-DE", "13.06.2008"), "2008-06-13");
    }

    #[test]
    fn french() {
        assert_eq!(ymd("fr-FR", "vendredi 13 juin 2008"), "2008-06-13");
        assert_eq!(ymd("fr-FR", "1er décembre 2008"), "2008-12-01");
        assert_eq!(ymd("fr-FR", "13/06/2008"), "2008-06-13");
    }

    #[test]
    fn spanish() {
        assert_eq!(ymd("es-ES", "viernes, 13 de junio de 2008"), "2008-06-13");
        assert_eq!(ymd("es-ES", "13 de junio de 2008"), "2008-06-13");
    }

    #[test]
    fn japanese() {
        assert_eq!(ymd("ja-JP", "2008年6月16日"), "2008-06-16");
        assert_eq!(ymd("ja-JP", "2008年6月13日金曜日"), "2008-06-13");
        assert_eq!(ymd("ja-JP", "2008年6月13日 (金曜日)"), "2008-06-13");
    }

    #[test]
    fn chinese() {
        assert_eq!(ymd("zh-CN", "2008年6月16日"), "2008-06-16");
        assert_eq!(ymd("zh-Hans", "2008年6月13日星期五"), "2008-06-13");
        assert_eq!(ymd("zh-TW", "2008年6月13日 星期五"), "2008-06-13");
        assert_eq!(ymd("zh-Hant", "２００８年６月１３日"), "2008-06-13");
    }

    #[test]
    fn korean() {
        assert_eq!(ymd("ko-KR", "2008년 6월 13일 금요일"), "2008-06-13");
        assert_eq!(ymd("ko-KR", "2008년 6월 16일"), "2008-06-16");
    }

    #[test]
    fn russian() {
        assert_eq!(ymd("ru-RU", "пятница, 13 июня 2008 г."), "2008-06-13");
        assert_eq!(ymd("ru-RU", "13 июня 2008 г."), "2008-06-13");
        assert_eq!(ymd("ru-RU", "13 июня 2008"), "2008-06-13");
    }

    #[test]
    fn other_languages_microsoft_published_in() {
        for (lang, text) in [
            ("en-US", "Friday, June 13, 2008"),
            ("en-US", "June 13th, 2008"),
            ("it-IT", "venerdì 13 giugno 2008"),
            ("pt-BR", "sexta-feira, 13 de junho de 2008"),
            ("pt-PT", "13 de junho de 2008"),
            ("pl-PL", "piątek, 13 czerwca 2008"),
            ("tr-TR", "13 Haziran 2008 Cuma"),
            ("cs-CZ", "pátek 13. června 2008"),
            ("sv-SE", "fredag 13 juni 2008"),
            ("da-DK", "fredag 13. juni 2008"),
            ("fi-FI", "perjantai 13. kesäkuuta 2008"),
            ("nb-NO", "fredag 13. juni 2008"),
            ("hu-HU", "2008. június 13., péntek"),
        ] {
            assert_eq!(ymd(lang, text), "2008-06-13", "{lang}: {text}");
        }
    }

    #[test]
    fn iso_and_english_work_everywhere() {
        assert_eq!(ymd("nl-NL", "2008-06-13"), "2008-06-13");
        assert_eq!(ymd("de-DE", "June 13, 2008"), "2008-06-13");
    }

    #[test]
    fn wrong_weekday_is_a_warning() {
        let p = parse("nl-NL", "zaterdag 13 juni 2008").unwrap();
        assert_eq!(p.date.to_string(), "2008-06-13");
        assert!(p.warning.unwrap().contains("wrong weekday"));
        assert_eq!(
            parse("nl-NL", "vrijdag 13 juni 2008").unwrap().warning,
            None
        );
    }

    #[test]
    fn garbage_is_an_error_that_says_why() {
        let e = parse("nl-NL", "vrijdag 13 jumi 2008").unwrap_err();
        assert!(e.contains("unknown word `jumi`"), "{e}");
        assert!(
            parse("nl-NL", "31 februari 2008")
                .unwrap_err()
                .contains("no such day")
        );
        assert!(parse("nl-NL", "juni 2008").unwrap_err().contains("no day"));
        assert!(parse("de-DE", "").is_err());
        assert!(parse("ja-JP", "2008年6月").is_err());
    }
}
