//! A calendar date written as `YYYY-MM-DD`, checked to exist (no 2008-02-30).

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date without time zone. Only years 1 to 9999 are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    /// Parses `YYYY-MM-DD`; the error says what was wrong.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(format!(
                "invalid date `{s}`: expected the form YYYY-MM-DD, like `2008-06-13`"
            ));
        }
        let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| format!("invalid date `{s}`: no such day in the calendar"))?;
        if date.year() < 1 {
            return Err(format!("invalid date `{s}`: the year must be 1 or later"));
        }
        Ok(Date(date))
    }

    /// Builds a date from its parts, if it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day)
            .filter(|d| d.year() >= 1)
            .map(Date)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        self.0.month()
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u32 {
        self.0.day()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A calendar date, YYYY-MM-DD.",
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(
            Date::parse("2008-06-13").map(|d| d.to_string()),
            Ok("2008-06-13".into())
        );
        assert!(
            Date::parse("2008-02-30")
                .unwrap_err()
                .contains("no such day")
        );
        assert!(Date::parse("2008-6-13").unwrap_err().contains("YYYY-MM-DD"));
        assert!(
            Date::parse("0000-01-01")
                .unwrap_err()
                .contains("year must be 1")
        );
        assert!(Date::parse("10000-01-01").is_err());
    }
}
