//! Dates and times as electors read them: French, in the legal time of metropolitan France
//! (Europe/Paris: UTC+1, UTC+2 from the last Sunday of March 01:00 UTC to the last Sunday of
//! October 01:00 UTC, directive 2000/84/CE). The server has no time-zone database; this rule is
//! the whole of what French bar elections need.

use time::{Date, Month, OffsetDateTime, UtcOffset, Weekday};

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let next = if month == Month::December {
        Date::from_calendar_date(year + 1, Month::January, 1)
    } else {
        Date::from_calendar_date(year, month.next(), 1)
    }
    .ok()?;
    let mut d = next.previous_day()?;
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day()?;
    }
    Some(d)
}

/// The offset of Paris time at the instant `t` (UTC).
pub fn paris_offset(t: OffsetDateTime) -> UtcOffset {
    let t = t.to_offset(UtcOffset::UTC);
    let year = t.year();
    let summer = match (
        last_sunday(year, Month::March),
        last_sunday(year, Month::October),
    ) {
        (Some(start), Some(end)) => {
            let start = start.with_hms(1, 0, 0).map(|d| d.assume_utc());
            let end = end.with_hms(1, 0, 0).map(|d| d.assume_utc());
            matches!((start, end), (Ok(s), Ok(e)) if t >= s && t < e)
        }
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// `t` in Paris time.
pub fn paris(unix: u64) -> OffsetDateTime {
    let t = OffsetDateTime::from_unix_timestamp(i64::try_from(unix).unwrap_or(0))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    t.to_offset(paris_offset(t))
}

/// « 24 novembre 2026 » (with « 1er » for the first of the month).
pub fn date(unix: u64) -> String {
    let t = paris(unix);
    let day = if t.day() == 1 {
        "1er".to_owned()
    } else {
        t.day().to_string()
    };
    format!(
        "{day} {} {}",
        MONTHS[usize::from(u8::from(t.month())) - 1],
        t.year()
    )
}

/// « 08 h 05 ».
pub fn hour(unix: u64) -> String {
    let t = paris(unix);
    format!("{:02} h {:02}", t.hour(), t.minute())
}

/// « 24 novembre 2026 à 08 h 05 ».
pub fn date_time(unix: u64) -> String {
    format!("{} à {}", date(unix), hour(unix))
}

/// ISO 8601 with the Paris offset, for `<time datetime>`.
pub fn iso(unix: u64) -> String {
    paris(unix)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_is_one_hour_ahead_in_winter_and_two_in_summer() {
        // 2026-11-24 07:00 UTC: winter.
        assert_eq!(date_time(1_795_503_600), "24 novembre 2026 à 08 h 00");
        // 2026-07-01 10:00 UTC: summer.
        assert_eq!(date_time(1_782_900_000), "1er juillet 2026 à 12 h 00");
    }

    #[test]
    fn the_change_to_summer_time_happens_at_one_hour_utc_on_the_last_sunday_of_march() {
        // 2026-03-29 00:59:59 UTC and 01:00:00 UTC.
        let before = 1_774_745_999;
        assert_eq!(hour(before), "01 h 59");
        assert_eq!(hour(before + 1), "03 h 00");
        // 2026-10-25 00:59:59 UTC and 01:00:00 UTC: back to winter time.
        let before = 1_792_889_999;
        assert_eq!(hour(before), "02 h 59");
        assert_eq!(hour(before + 1), "02 h 00");
    }
}
