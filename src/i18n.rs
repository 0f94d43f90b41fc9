//! Languages: BCP 47 tags checked by ICU4X, and dates written in each language's own style
//! from CLDR data (no hand-written month names).

use icu_calendar::Date as IcuDate;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDE};
use icu_locale_core::Locale;

use crate::model::Date;

/// Parses a BCP 47 tag; returns the reason it is not one.
pub fn parse_tag(tag: &str) -> Result<Locale, String> {
    let locale: Locale = tag.parse().map_err(|e| format!("{e}"))?;
    // Keep the form authors wrote: a tag that only parses after normalising is suspect.
    if locale.to_string() != tag {
        return Err(format!("write it as `{locale}`"));
    }
    Ok(locale)
}

/// How much of a date to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateStyle {
    /// With the weekday: "vrijdag 13 juni 2008".
    Full,
    /// Without it: "13 juni 2008".
    Long,
}

/// Writes `date` as speakers of `tag` do, e.g. "Freitag, 13. Juni 2008" for de-DE.
/// Falls back to ISO 8601 for a tag ICU cannot use.
pub fn format_date(tag: &str, date: Date, style: DateStyle) -> String {
    // A build writes the same few thousand dates many times (pages, feeds, search records),
    // and setting up an ICU formatter costs far more than formatting: each thread keeps
    // what it has written.
    type Written = std::collections::HashMap<(String, Date, bool), String>;
    thread_local! {
        static WRITTEN: std::cell::RefCell<Written> = Default::default();
    }
    let key = (tag.to_string(), date, matches!(style, DateStyle::Full));
    if let Some(s) = WRITTEN.with(|w| w.borrow().get(&key).cloned()) {
        return s;
    }
    let s = format_uncached(tag, date, style);
    WRITTEN.with(|w| w.borrow_mut().insert(key, s.clone()));
    s
}

fn format_uncached(tag: &str, date: Date, style: DateStyle) -> String {
    let Ok(locale) = tag.parse::<Locale>() else {
        return date.to_string();
    };
    let Ok(icu_date) = IcuDate::try_new_iso(date.year(), date.month() as u8, date.day() as u8)
    else {
        return date.to_string();
    };
    let out = match style {
        DateStyle::Full => DateTimeFormatter::try_new(locale.into(), YMDE::long())
            .map(|f| f.format(&icu_date).to_string()),
        DateStyle::Long => DateTimeFormatter::try_new(locale.into(), YMD::long())
            .map(|f| f.format(&icu_date).to_string()),
    };
    out.unwrap_or_else(|_| date.to_string())
}

/// The primary language subtag, e.g. `nl` for `nl-NL`, for `<html lang>` fallbacks.
pub fn language_of(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_each_language_style() {
        let d = Date::parse("2008-06-13").unwrap();
        assert_eq!(
            format_date("nl-NL", d, DateStyle::Full),
            "vrijdag 13 juni 2008"
        );
        assert_eq!(
            format_date("de-DE", d, DateStyle::Full),
            "Freitag, 13. Juni 2008"
        );
        assert_eq!(
            format_date("en-US", d, DateStyle::Full),
            "Friday, June 13, 2008"
        );
        assert_eq!(format_date("nl-NL", d, DateStyle::Long), "13 juni 2008");
        assert_eq!(format_date("de-DE", d, DateStyle::Long), "13. Juni 2008");
    }

    #[test]
    fn tags_must_be_canonical_bcp47() {
        assert!(parse_tag("nl-NL").is_ok());
        assert!(parse_tag("zh-Hant").is_ok());
        assert!(parse_tag("nl_NL").is_err());
        assert!(parse_tag("not a tag").is_err());
        assert_eq!(parse_tag("nl-nl").unwrap_err(), "write it as `nl-NL`");
    }
}
