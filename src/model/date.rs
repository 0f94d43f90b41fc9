//! A calendar date written as `YYYY-MM-DD`, checked to exist (no 2008-02-30), or, where the
//! source gives the moment (an OSV database's `published` and `modified`), a UTC timestamp
//! `YYYY-MM-DDTHH:MM:SSZ` that is kept so that the exports can give it back.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime, SecondsFormat};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date, with its time of day in UTC where known. Only years 1 to 9999 are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate, Option<NaiveTime>);

impl Date {
    /// Parses `YYYY-MM-DD` or an RFC 3339 timestamp in UTC (`2021-04-14T20:04:52Z`).
    pub fn parse_any(s: &str) -> Result<Date, String> {
        if !s.contains('T') {
            return Date::parse(s);
        }
        let day = Date::parse(s.get(..10).unwrap_or(s)).map_err(|_| {
            format!("invalid timestamp `{s}`: expected YYYY-MM-DDTHH:MM:SSZ, like `2021-04-14T20:04:52Z`")
        })?;
        let t = chrono::DateTime::parse_from_rfc3339(s).map_err(|e| {
            format!("invalid timestamp `{s}`: {e}; expected YYYY-MM-DDTHH:MM:SSZ, like `2021-04-14T20:04:52Z`")
        })?;
        if t.offset().local_minus_utc() != 0 {
            return Err(format!(
                "invalid timestamp `{s}`: give it in UTC, ending in `Z`, like `2021-04-14T20:04:52Z`"
            ));
        }
        Ok(Date(day.0, Some(t.time())))
    }

    /// The date of an RFC 3339 timestamp in UTC, keeping its time.
    pub fn with_time(self, time: NaiveTime) -> Date {
        Date(self.0, Some(time))
    }

    /// The time of day in UTC, where known.
    pub fn time(self) -> Option<NaiveTime> {
        self.1
    }

    /// The day alone.
    pub fn day_only(self) -> Date {
        Date(self.0, None)
    }

    /// An RFC 3339 timestamp in UTC: the time where known, else midnight.
    pub fn rfc3339(self) -> String {
        let t = self.0.and_time(self.1.unwrap_or_default()).and_utc();
        t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

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
        Ok(Date(date, None))
    }

    /// Builds a date from its parts, if it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day)
            .filter(|d| d.year() >= 1)
            .map(|d| Date(d, None))
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

/// The day, `YYYY-MM-DD`: what pages and messages show.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// The day, or the timestamp where the time is known.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            Some(_) => s.serialize_str(&self.rfc3339()),
            None => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse_any(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A calendar date, YYYY-MM-DD, or a timestamp in UTC, YYYY-MM-DDTHH:MM:SSZ.",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z)?$"
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

    #[test]
    fn timestamps_keep_their_time_and_show_their_day() {
        let d = Date::parse_any("2021-04-14T20:04:52Z").unwrap();
        assert_eq!(d.to_string(), "2021-04-14");
        assert_eq!(d.rfc3339(), "2021-04-14T20:04:52Z");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"2021-04-14T20:04:52Z\""
        );
        assert!(d > Date::parse("2021-04-14").unwrap());
        assert_eq!(
            Date::parse("2021-04-14").unwrap().rfc3339(),
            "2021-04-14T00:00:00Z"
        );
        assert!(
            Date::parse_any("2021-04-14T20:04:52+02:00")
                .unwrap_err()
                .contains("UTC")
        );
        assert!(
            Date::parse_any("2021-04-14T20:04")
                .unwrap_err()
                .contains("timestamp")
        );
        assert!(Date::parse_any("2021-02-30T20:04:52Z").is_err());
    }
}
