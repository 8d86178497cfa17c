//! Dates and times as policy files write them: RFC 3339 with an offset, or a bare date.

use super::LoadError;
use super::Source;
use super::nodes::span_of;
use crate::error_code::ErrorCode;
use crate::span::Span;
use crate::yaml::spans::Node;
use jiff::Timestamp;

/// The time `text` (a file's `now:`) names, read at `node`; `None` when not given.
pub(super) fn timestamp(
    source: &Source,
    node: Option<&Node>,
    text: Option<&str>,
) -> Result<Option<Timestamp>, LoadError> {
    let Some(text) = text else { return Ok(None) };
    parse_time(text).map(Some).ok_or_else(|| {
        LoadError::at(
            ErrorCode::PolicyInvalidDate,
            source,
            span_of(node, Span::default()),
            format!("invalid date `{text}`"),
            "not an RFC 3339 timestamp or date",
        )
        .with_help(
            "write an RFC 3339 timestamp with its offset, such as `2026-11-01T00:00:00Z` or \
             `2026-11-01T09:00:00+02:00`, or a date such as `2026-11-01` (midnight UTC)",
        )
    })
}

/// An RFC 3339 timestamp with its offset (`Z` or `±HH:MM`), or a bare date read as midnight
/// UTC. Anything else is refused: a time without an offset is ambiguous, and a time zone
/// annotation is not RFC 3339. Instants past the last one permspec represents
/// (9999-12-30T22:00:00Z) count as that one, so `9999-12-31` means "never".
pub(super) fn parse_time(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !(bytes[4] == b'-' && bytes[7] == b'-') {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return None;
    }
    let date: jiff::civil::Date = text[..10].parse().ok()?;
    let (time, offset) = if bytes.len() == 10 {
        (jiff::civil::Time::midnight(), jiff::tz::Offset::UTC)
    } else {
        if !matches!(bytes[10], b'T' | b't' | b' ') {
            return None;
        }
        let (time, offset) = text[11..].split_at(
            text[11..]
                .find(['Z', 'z', '+', '-'])
                .unwrap_or(text.len() - 11),
        );
        (parse_clock(time)?, parse_offset(offset)?)
    };
    let at = date.to_datetime(time);
    Some(offset.to_timestamp(at).unwrap_or(if date.year() > 0 {
        Timestamp::MAX
    } else {
        Timestamp::MIN
    }))
}

/// `HH:MM:SS` with an optional fraction of up to nine digits.
fn parse_clock(text: &str) -> Option<jiff::civil::Time> {
    let (clock, fraction) = text.split_once('.').unwrap_or((text, ""));
    let shaped = clock.len() == 8
        && clock.bytes().enumerate().all(|(index, byte)| match index {
            2 | 5 => byte == b':',
            _ => byte.is_ascii_digit(),
        })
        && fraction.len() <= 9
        && fraction.bytes().all(|byte| byte.is_ascii_digit())
        && (fraction.is_empty() != text.contains('.'));
    if !shaped {
        return None;
    }
    let field = |range: std::ops::Range<usize>| clock[range].parse::<i8>().ok();
    let nanos = format!("{fraction:0<9}").parse::<i32>().ok()?;
    jiff::civil::Time::new(field(0..2)?, field(3..5)?, field(6..8)?, nanos).ok()
}

/// `Z`, or `+HH:MM` / `-HH:MM` within a day.
fn parse_offset(text: &str) -> Option<jiff::tz::Offset> {
    if text.eq_ignore_ascii_case("z") {
        return Some(jiff::tz::Offset::UTC);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = text[1..].split_once(':')?;
    let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hours) || !two_digits(minutes) {
        return None;
    }
    let hours: i32 = hours.parse().ok().filter(|hours| *hours <= 23)?;
    let minutes: i32 = minutes.parse().ok().filter(|minutes| *minutes <= 59)?;
    jiff::tz::Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// The error of a date that is not one, at `span`.
pub(super) fn invalid_date(source: &Source, span: Span, text: &str) -> LoadError {
    LoadError::at(
        ErrorCode::PolicyInvalidDate,
        source,
        span,
        format!("invalid date `{text}`"),
        "not a date",
    )
    .with_help("write a date such as `2026-11-01`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc_3339_with_an_offset_or_bare_dates() {
        let at = |text: &str| parse_time(text).map(|at| at.to_string());
        assert_eq!(at("2026-11-01"), Some("2026-11-01T00:00:00Z".into()));
        assert_eq!(
            at("2026-11-01T23:59:59Z"),
            Some("2026-11-01T23:59:59Z".into())
        );
        assert_eq!(
            at("2026-11-01t23:59:59.5z"),
            Some("2026-11-01T23:59:59.5Z".into())
        );
        assert_eq!(
            at("2026-11-01T10:00:00+02:00"),
            Some("2026-11-01T08:00:00Z".into())
        );
        assert_eq!(
            at("2026-11-01 10:00:00-00:30"),
            Some("2026-11-01T10:30:00Z".into())
        );
        assert_eq!(at("9999-12-31"), Some(jiff::Timestamp::MAX.to_string()));
        for refused in [
            "2026-11-01T23:59:59",
            "2026-11-01T23:59:59+25:00",
            "2026-11-01T23:59:59+23:60",
            "2026-11-01T23:59:59++1:00",
            "2026-11-01T23:59:59Z[America/New_York]",
            "2026-11-01T23:59:59-05:00[America/New_York]",
            "2026-11-01T24:00:00Z",
            "2026-11-01T23:59:59.Z",
            "2026-11-01T23:59:59.1234567890Z",
            "2026-02-30",
            "2026-11-1",
            "+2026-11-01",
            "2026-11-01T",
            "tomorrow",
            "",
        ] {
            assert_eq!(at(refused), None, "{refused}");
        }
    }
}
