//! What a [`Node`] becomes on kustomize's way out: go-yaml v3 decodes it into Go values,
//! `encoding/json` writes them, and go-yaml v2 reads the JSON back before printing. Each
//! step changes numbers and key order, so the printed text follows these rules, not the
//! input's spelling.

use std::borrow::Cow;

use super::node::{Node, Scalar};

/// A value as go-yaml v2 holds it just before printing.
#[derive(Debug, Clone, PartialEq)]
pub enum Out<'a> {
    Null,
    Bool(bool),
    /// An integer that fits in i64 or u64, as decimal text.
    Int(Cow<'a, str>),
    Float(f64),
    Str(Cow<'a, str>),
    Seq(Vec<Out<'a>>),
    /// Keys in go-yaml v2's print order.
    Map(Vec<(&'a str, Out<'a>)>),
}

/// Why a value cannot be printed (JSON has no NaN or infinity).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unsupported(pub String);

/// Converts a node to its printed form.
pub fn to_out(node: &Node) -> Result<Out<'_>, Unsupported> {
    Ok(match node {
        Node::Scalar(s) => scalar(s)?,
        Node::Seq(items) => Out::Seq(items.iter().map(to_out).collect::<Result<_, _>>()?),
        Node::Map(m) => {
            check_keys(m)?;
            let mut entries: Vec<(&str, Out<'_>)> = m
                .entries
                .iter()
                .filter(|(k, _)| k != "<<")
                .map(|(k, v)| Ok((k.as_str(), to_out(v)?)))
                .collect::<Result<_, Unsupported>>()?;
            entries.sort_by(|a, b| key_order(a.0, b.0));
            Out::Map(entries)
        }
    })
}

/// A mapping whose keys `encoding/json` cannot write (plain `true`, `1`, `null`…).
pub fn check_keys(m: &super::node::Mapping) -> Result<(), Unsupported> {
    if m.typed_keys.is_empty() {
        return Ok(());
    }
    if let Some(k) = m
        .typed_keys
        .iter()
        .find(|k| m.contains(k) && resolve_plain(k, false) != Resolved::Str)
    {
        return Err(Unsupported(format!(
            "key {k:?} is not a string: json: unsupported type: map[interface {{}}]interface {{}}"
        )));
    }
    Ok(())
}

/// Decoded value of a scalar as go-yaml v3 resolves it.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str,
    Timestamp(String),
}

/// go-yaml v3's resolution of a scalar (tag aware).
pub fn resolve_v3(s: &Scalar) -> Resolved {
    match s.tag.as_deref() {
        Some("!!str" | "!!binary") => return Resolved::Str,
        Some("!!int" | "!!float" | "!!bool" | "!!null" | "!!timestamp") => {}
        Some(_) => return Resolved::Str,
        None if s.style != super::node::Style::Plain => return Resolved::Str,
        None => {}
    }
    let r = resolve_plain(&s.value, false);
    if s.tag.as_deref() == Some("!!float")
        && let Resolved::Int(i) = r
    {
        return Resolved::Float(i as f64);
    }
    r
}

/// Resolution of plain text; `v1_1` adds go-yaml v2's YAML 1.1 booleans.
pub fn resolve_plain(v: &str, v1_1: bool) -> Resolved {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    if v1_1 {
        match v {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
                return Resolved::Bool(true);
            }
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
                return Resolved::Bool(false);
            }
            _ => {}
        }
    }
    let first = v.as_bytes()[0];
    match first {
        b'.' => match go_parse_float(v) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'+' | b'-' | b'0'..=b'9' => {
            if let Some(ts) = timestamp(v) {
                return Resolved::Timestamp(ts);
            }
            let plain: Cow<'_, str> = if v.contains('_') {
                Cow::Owned(v.chars().filter(|c| *c != '_').collect())
            } else {
                Cow::Borrowed(v)
            };
            if let Some(i) = go_parse_int(&plain) {
                if i >= i64::MIN as i128 && i <= u64::MAX as i128 {
                    return Resolved::Int(i);
                }
                return Resolved::Float(i as f64);
            }
            if is_yaml_float(&plain)
                && let Some(f) = go_parse_float(&plain)
            {
                return Resolved::Float(f);
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// The printed form of a scalar.
pub fn scalar_out(s: &Scalar) -> Result<Out<'_>, Unsupported> {
    scalar(s)
}

fn scalar(s: &Scalar) -> Result<Out<'_>, Unsupported> {
    if s.tag.as_deref() == Some("!!binary") {
        use base64::Engine as _;
        let clean: String = s.value.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(clean) {
            return Ok(Out::Str(Cow::Owned(
                String::from_utf8_lossy(&bytes).into_owned(),
            )));
        }
    }
    // Fast path: a plain decimal integer already in canonical form prints as written.
    let v = s.value.as_bytes();
    if matches!(s.tag.as_deref(), None | Some("!!int"))
        && (s.tag.is_some() || s.style == super::node::Style::Plain)
        && !v.is_empty()
        && v.len() <= 18
        && (v[0] != b'0' || v.len() == 1)
        && v.iter().all(u8::is_ascii_digit)
    {
        return Ok(Out::Int(Cow::Borrowed(&s.value)));
    }
    Ok(match resolve_v3(s) {
        Resolved::Str if s.value.contains('\u{85}') => Out::Str(Cow::Owned(fold_nel(&s.value))),
        Resolved::Str => Out::Str(Cow::Borrowed(&s.value)),
        Resolved::Null => Out::Null,
        Resolved::Bool(b) => Out::Bool(b),
        Resolved::Int(i) => Out::Int(Cow::Owned(i.to_string())),
        Resolved::Float(f) => float_out(f)?,
        Resolved::Timestamp(t) => Out::Str(Cow::Owned(t)),
    })
}

/// `encoding/json` leaves U+0085 (NEL) unescaped, and go-yaml v2 reading the JSON back
/// takes it as a line break inside a double-quoted scalar and folds it: one break becomes
/// a space (spaces around it are dropped), `n` breaks become `n - 1` newlines.
fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{85}' {
            out.push(c);
            continue;
        }
        let mut breaks = 1;
        while let Some(&n) = chars.peek() {
            if n == '\u{85}' {
                breaks += 1;
                chars.next();
            } else if n == ' ' || n == '\t' {
                chars.next();
            } else {
                break;
            }
        }
        while out.ends_with([' ', '\t']) {
            out.pop();
        }
        if breaks == 1 {
            out.push(' ');
        } else {
            for _ in 1..breaks {
                out.push('\n');
            }
        }
    }
    out
}

/// A float after `encoding/json` and go-yaml v2: integral values print as integers.
fn float_out(f: f64) -> Result<Out<'static>, Unsupported> {
    if !f.is_finite() {
        return Err(Unsupported(format!("json: unsupported value: {f}")));
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        let i = f as i128;
        if i >= i64::MIN as i128 && i <= u64::MAX as i128 {
            return Ok(Out::Int(Cow::Owned(i.to_string())));
        }
    }
    Ok(Out::Float(f))
}

/// Go's `strconv.ParseInt(s, 0, 64)` widened: base prefixes and leading-zero octal.
pub fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    // The prefix is case-insensitive; digits of any case parse in their radix.
    let prefix = |p: u8| {
        let b = body.as_bytes();
        b.len() >= 2 && b[0] == b'0' && b[1].to_ascii_lowercase() == p
    };
    let (radix, digits) = if prefix(b'x') {
        (16, &body[2..])
    } else if prefix(b'o') {
        (8, &body[2..])
    } else if prefix(b'b') {
        (2, &body[2..])
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Beyond u64 is a range error in Go: the caller turns it into a float.
    let mag = u128::from_str_radix(digits, radix).ok()?;
    let v = i128::try_from(mag).ok()?;
    Some(if neg { -v } else { v })
}

fn go_parse_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix('+').unwrap_or(s);
    if t.is_empty() || t.contains(['_', 'x', 'X', 'p', 'P']) {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let body = lower.strip_prefix('-').unwrap_or(&lower);
    if body.starts_with("inf") || body.starts_with("nan") {
        return None;
    }
    t.parse::<f64>().ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// go-yaml's timestamp forms, returned as Go's RFC 3339 (nano) text in JSON.
pub fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(p) => (&s[..p], Some((&s[p..p + 1], &s[p + 1..]))),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let year = parts.next()?;
    let month: u32 = num12(parts.next()?)?;
    let day: u32 = num12(parts.next()?)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let date_out = format!("{year}-{month:02}-{day:02}");
    let Some((sep, rest)) = rest else {
        return Some(format!("{date_out}T00:00:00Z"));
    };
    // Time part: H:M:S(.frac)? then a zone (T forms) or nothing (space form).
    let (clock, zone) = if sep == " " {
        (rest, None)
    } else {
        let zpos = rest.find(['Z', '+', '-'])?;
        (&rest[..zpos], Some(&rest[zpos..]))
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((h, f)) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|c| c.is_ascii_digit()) => {
            (h, f.trim_end_matches('0'))
        }
        Some(_) => return None,
        None => (clock, ""),
    };
    let mut hp = hms.split(':');
    let h = num12(hp.next()?)?;
    let m = num12(hp.next()?)?;
    let sec = num12(hp.next()?)?;
    if hp.next().is_some() || h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let zone_out = match zone {
        None | Some("Z") => "Z".to_string(),
        Some(z) => {
            let (hh, mm) = z[1..].split_once(':')?;
            if hh.len() != 2 || mm.len() != 2 {
                return None;
            }
            if hh == "00" && mm == "00" {
                "Z".to_string()
            } else {
                z.to_string()
            }
        }
    };
    let frac_out = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    Some(format!(
        "{date_out}T{h:02}:{m:02}:{sec:02}{frac_out}{zone_out}"
    ))
}

fn num12(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// go-yaml v2's map key order: runs of digits compare as numbers, letters by code
/// point, and at the first difference a non-letter sorts before a letter.
/// A `<<` key never reaches the output (go-yaml reads it as a merge).
pub fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if a == b {
        return Ordering::Equal;
    }
    if key_less(a, b) {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

fn key_less(a: &str, b: &str) -> bool {
    // Keys are nearly always ASCII: compare bytes as chars without collecting.
    if a.is_ascii() && b.is_ascii() {
        return key_less_chars(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    key_less_chars(&ar, &br)
}

/// A character of a key: a `char`, or an ASCII byte read as one.
trait KeyChar: Copy + PartialEq + PartialOrd {
    fn ch(self) -> char;
}

impl KeyChar for char {
    fn ch(self) -> char {
        self
    }
}

impl KeyChar for u8 {
    fn ch(self) -> char {
        self as char
    }
}

fn key_less_chars<C: KeyChar>(ar: &[C], br: &[C]) -> bool {
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            continue;
        }
        let al = ar[i].ch().is_alphabetic();
        let bl = br[i].ch().is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i].ch() == '0' || br[i].ch() == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].ch().is_ascii_digit() {
                j -= 1;
                if ar[j].ch() != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].ch().is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(ar[ai].ch() as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].ch().is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(br[bi].ch() as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Whether go-yaml v2 would read this text as something other than a string (and so
/// must quote it), including YAML 1.1 booleans and base-60 floats.
pub fn v2_needs_quotes(s: &str) -> bool {
    // Fast path: a word starting with a letter that begins none of the special words
    // (null, true, false, yes, no, on, off, y, n) reads as a string.
    if let Some(&f) = s.as_bytes().first()
        && f.is_ascii_alphabetic()
        && !matches!(
            f,
            b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'y' | b'Y' | b'o' | b'O'
        )
    {
        return false;
    }
    !matches!(resolve_plain(s, true), Resolved::Str) || is_base60_float(s)
}

fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) || !s.contains(':')
    {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let body = s.trim_start_matches(['+', '-']);
    let (main, frac) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if let Some(f) = frac
        && !f.bytes().all(|c| c.is_ascii_digit() || c == b'_')
    {
        return false;
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let hb = head.as_bytes();
    if hb.is_empty()
        || !hb[0].is_ascii_digit()
        || !hb.iter().all(|c| c.is_ascii_digit() || *c == b'_')
    {
        return false;
    }
    let mut any = false;
    for p in parts {
        any = true;
        let pb = p.as_bytes();
        let ok = match pb.len() {
            1 => pb[0].is_ascii_digit(),
            2 => (b'0'..=b'5').contains(&pb[0]) && pb[1].is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::node::Style;

    fn plain(v: &str) -> Out<'static> {
        let s = Scalar {
            value: v.into(),
            style: Style::Plain,
            tag: None,
        };
        match scalar(&s).expect("printable") {
            Out::Str(c) => Out::Str(std::borrow::Cow::Owned(c.into_owned())),
            other => match other {
                Out::Int(c) => Out::Int(std::borrow::Cow::Owned(c.into_owned())),
                Out::Null => Out::Null,
                Out::Bool(b) => Out::Bool(b),
                Out::Float(f) => Out::Float(f),
                _ => unreachable!("a scalar converts to a scalar"),
            },
        }
    }

    #[test]
    fn numbers_print_as_kustomize_prints_them() {
        assert_eq!(plain("012"), Out::Int("10".into()));
        assert_eq!(plain("0x1F"), Out::Int("31".into()));
        assert_eq!(plain("1.0"), Out::Int("1".into()));
        assert_eq!(plain("1e3"), Out::Int("1000".into()));
        assert_eq!(plain("1_000"), Out::Int("1000".into()));
        assert_eq!(plain("1e21"), Out::Float(1e21));
        assert_eq!(plain("yes"), Out::Str("yes".into()));
        assert_eq!(plain("2001-12-14"), Out::Str("2001-12-14T00:00:00Z".into()));
        assert_eq!(
            plain("12345678901234567890"),
            Out::Int("12345678901234567890".into())
        );
    }

    #[test]
    fn keys_sort_with_numbers_compared_by_value() {
        let mut keys = vec!["a10", "a9", "b", "A", "_x", "a"];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(keys, vec!["_x", "A", "a", "a9", "a10", "b"]);
    }

    #[test]
    fn yaml_1_1_words_and_base60_need_quotes() {
        assert!(v2_needs_quotes("on"));
        assert!(v2_needs_quotes("1:20"));
        assert!(v2_needs_quotes("012"));
        assert!(!v2_needs_quotes("a1"));
    }
}
