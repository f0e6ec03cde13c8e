//! The JSON spellings Go gives to bytes, times and durations.

/// Standard base64 with padding, as Go's `encoding/json` writes `[]byte`.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `meta.v1.Time`: RFC 3339 in UTC, whole seconds (`2026-01-02T03:04:05Z`).
pub(super) fn rfc3339(seconds: i64) -> Option<String> {
    let ts = jiff::Timestamp::new(seconds, 0).ok()?;
    Some(ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// `meta.v1.MicroTime`: RFC 3339 in UTC with six fractional digits.
pub(super) fn rfc3339_micro(seconds: i64, nanos: i32) -> Option<String> {
    let ts = jiff::Timestamp::new(seconds, nanos).ok()?;
    let micros = ts.subsec_nanosecond() / 1000;
    Some(format!("{}.{micros:06}Z", ts.strftime("%Y-%m-%dT%H:%M:%S")))
}

/// Go's `time.Duration.String()`: `0s`, `1.5ms`, `10m0s`, `1h0m0.5s`.
pub(super) fn go_duration(nanos: i64) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let u = nanos.unsigned_abs();
    if u == 0 {
        return "0s".to_owned();
    }
    if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0..1_000 => (0, "ns"),
            1_000..1_000_000 => (3, "µs"),
            _ => (6, "ms"),
        };
        let (int, frac) = split_fraction(u, prec);
        return format!("{sign}{int}{frac}{unit}");
    }
    let (secs, frac) = split_fraction(u, 9);
    let minutes = secs / 60;
    let s = secs % 60;
    if minutes == 0 {
        return format!("{sign}{s}{frac}s");
    }
    let hours = minutes / 60;
    let m = minutes % 60;
    if hours == 0 {
        format!("{sign}{m}m{s}{frac}s")
    } else {
        format!("{sign}{hours}h{m}m{s}{frac}s")
    }
}

/// `v / 10^prec` and its fraction as `.123` without trailing zeros (empty when whole).
fn split_fraction(v: u64, prec: u32) -> (u64, String) {
    let scale = 10u64.pow(prec);
    let (int, rem) = (v / scale, v % scale);
    if rem == 0 {
        return (int, String::new());
    }
    let digits = format!("{rem:0width$}", width = prec as usize);
    (int, format!(".{}", digits.trim_end_matches('0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_like_go_std_encoding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"v"), "dg==");
        assert_eq!(base64(b"va"), "dmE=");
        assert_eq!(base64(b"val"), "dmFs");
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn times_format_as_utc_rfc3339() {
        assert_eq!(
            rfc3339(1_767_323_045).as_deref(),
            Some("2026-01-02T03:04:05Z")
        );
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            rfc3339_micro(1_767_323_045, 123_456_789).as_deref(),
            Some("2026-01-02T03:04:05.123456Z")
        );
        assert_eq!(
            rfc3339_micro(1_767_323_045, 0).as_deref(),
            Some("2026-01-02T03:04:05.000000Z")
        );
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(10), "10ns");
        assert_eq!(go_duration(1_500), "1.5µs");
        assert_eq!(go_duration(1_500_000), "1.5ms");
        assert_eq!(go_duration(1_000_000_000), "1s");
        assert_eq!(go_duration(60_000_000_000), "1m0s");
        assert_eq!(go_duration(90_500_000_000), "1m30.5s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(-5_000_000_000), "-5s");
    }
}
