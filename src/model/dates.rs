//! Dates and instants in definition files.
//!
//! - a calendar date is written `"YYYY-MM-DD"` (a string in JSON; in TOML either a string or an
//!   unquoted local date `1975-03-14`);
//! - an instant (opening, closing) is written in RFC 3339 with an explicit offset
//!   (`"2026-11-24T08:00:00Z"` or `"2026-11-24T09:00:00+01:00"`; in TOML also unquoted) and is
//!   stored in UTC.
//!
//! The reference date of the décret, « le 1er janvier de l'année du scrutin », is computed by
//! [`january_first`].

use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// `time` format description for `YYYY-MM-DD`.
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Parses `YYYY-MM-DD`, with a French error message naming the value.
pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s.trim(), DATE_FORMAT)
        .map_err(|e| format!("date « {s} » invalide (AAAA-MM-JJ attendu) : {e}"))
}

/// Formats `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses an RFC 3339 instant and converts it to UTC.
pub fn parse_instant(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .map(|t| t.to_offset(UtcOffset::UTC))
        .map_err(|e| {
            format!(
                "horodatage « {s} » invalide (RFC 3339 attendu, ex. 2026-11-24T08:00:00Z) : {e}"
            )
        })
}

/// Formats an instant in RFC 3339, UTC (`…Z`).
pub fn format_instant(t: OffsetDateTime) -> Result<String, String> {
    t.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| format!("horodatage non représentable en RFC 3339 : {e}"))
}

/// 1 January of `year`, the décret's reference date (« au 1er janvier de l'année du scrutin »).
pub fn january_first(year: i32) -> Result<Date, String> {
    Date::from_calendar_date(year, Month::January, 1)
        .map_err(|e| format!("année {year} hors limites : {e}"))
}

/// A string, or the map through which the `toml` crate hands over an unquoted TOML date-time.
struct StringOrTomlDatetime(&'static str);

impl<'de> serde::de::Visitor<'de> for StringOrTomlDatetime {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        // toml represents a datetime as a one-entry map {"$__toml_private_datetime": "…"}.
        let Some((key, value)) = map.next_entry::<String, String>()? else {
            return Err(serde::de::Error::custom("date attendue, table vide reçue"));
        };
        if key != "$__toml_private_datetime" {
            return Err(serde::de::Error::custom(format!(
                "date attendue, table reçue (clé « {key} »)"
            )));
        }
        Ok(value)
    }
}

/// `#[serde(with = "dates::date")]`: a calendar date as `"YYYY-MM-DD"`.
pub mod date {
    use super::*;

    /// Serializes `YYYY-MM-DD`.
    pub fn serialize<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*d))
    }

    /// Deserializes `YYYY-MM-DD` (string or TOML local date).
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = d.deserialize_any(StringOrTomlDatetime("une date AAAA-MM-JJ"))?;
        parse_date(&s).map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "dates::instant")]`: an RFC 3339 instant, stored in UTC.
pub mod instant {
    use super::*;

    /// Serializes RFC 3339 in UTC.
    pub fn serialize<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_instant(*t).map_err(serde::ser::Error::custom)?)
    }

    /// Deserializes RFC 3339 with an offset (string or TOML offset date-time).
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let s = d.deserialize_any(StringOrTomlDatetime("un horodatage RFC 3339"))?;
        parse_instant(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[derive(serde::Deserialize, serde::Serialize, Debug)]
    struct Probe {
        #[serde(with = "date")]
        d: Date,
        #[serde(with = "instant")]
        t: OffsetDateTime,
    }

    #[test]
    fn json_strings_parse_and_the_instant_is_converted_to_utc() {
        let p: Probe =
            serde_json::from_str(r#"{"d":"1975-03-14","t":"2026-11-24T09:00:00+01:00"}"#).unwrap();
        assert_eq!(p.d, date!(1975 - 03 - 14));
        assert_eq!(p.t, datetime!(2026-11-24 08:00 UTC));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"d":"1975-03-14","t":"2026-11-24T08:00:00Z"}"#
        );
    }

    #[test]
    fn toml_accepts_unquoted_dates_and_instants() {
        let p: Probe = toml::from_str("d = 1975-03-14\nt = 2026-11-24T08:00:00Z\n").unwrap();
        assert_eq!(p.d, date!(1975 - 03 - 14));
        assert_eq!(p.t, datetime!(2026-11-24 08:00 UTC));
        let q: Probe =
            toml::from_str("d = \"1975-03-14\"\nt = \"2026-11-24T08:00:00Z\"\n").unwrap();
        assert_eq!(q.d, p.d);
    }

    #[test]
    fn an_instant_without_offset_is_refused() {
        let err = toml::from_str::<Probe>("d = 1975-03-14\nt = 2026-11-24T08:00:00\n").unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }

    #[test]
    fn an_impossible_date_is_refused_with_its_value() {
        let err = serde_json::from_str::<Probe>(r#"{"d":"1975-02-30","t":"2026-11-24T08:00:00Z"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("1975-02-30"), "{err}");
    }
}
