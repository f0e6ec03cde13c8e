//! Prints [`Out`] values the way go-yaml v2's emitter does (libyaml's algorithm with a
//! 2-space indent and an 80-column fold): block style, sequences in mappings at the
//! key's column, empty collections in flow style, long scalars folded at spaces.

use super::node::Node;
use super::value::{Out, Unsupported, key_order, scalar_out, v2_needs_quotes};

const BEST_WIDTH: usize = 80;
const BEST_INDENT: isize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// Appends one document (without a `---` separator) to `out`.
pub fn emit_document(out: &mut String, v: &Out<'_>) {
    let mut e = Emitter {
        out,
        column: 0,
        whitespace: true,
        indention: true,
        indent: -1,
        indents: Vec::new(),
    };
    e.node(v, false, false);
    if e.column != 0 {
        e.put_break();
    }
}

/// Appends one node as a document, printed as [`super::value::to_out`] would make it
/// print, without building the intermediate value. On error `out` holds a partial
/// document, and the error may not be the one `to_out` reports first.
pub fn emit_node_document(out: &mut String, n: &Node) -> Result<(), Unsupported> {
    let mut e = Emitter {
        out,
        column: 0,
        whitespace: true,
        indention: true,
        indent: -1,
        indents: Vec::new(),
    };
    e.yaml_node(n, false, false)?;
    if e.column != 0 {
        e.put_break();
    }
    Ok(())
}

struct Emitter<'a> {
    out: &'a mut String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: isize,
    indents: Vec<isize>,
}

impl Emitter<'_> {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, v: &Out<'_>, mapping_context: bool, simple_key: bool) {
        match v {
            Out::Map(entries) if entries.is_empty() => self.flow_empty("{", "}"),
            Out::Seq(items) if items.is_empty() => self.flow_empty("[", "]"),
            Out::Map(entries) => {
                self.increase_indent(false, false);
                for (k, val) in entries {
                    self.key(k);
                    self.node(val, true, false);
                }
                self.pop_indent();
            }
            Out::Seq(items) => {
                self.increase_indent(false, mapping_context && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, false, false);
                }
                self.pop_indent();
            }
            Out::Null => self.scalar("null", Style::Plain, simple_key),
            Out::Bool(b) => {
                self.scalar(if *b { "true" } else { "false" }, Style::Plain, simple_key)
            }
            Out::Int(i) => self.scalar(i, Style::Plain, simple_key),
            Out::Float(f) => self.scalar(&format_float_g(*f), Style::Plain, simple_key),
            Out::Str(s) => self.string(s, simple_key),
        }
    }

    /// [`Emitter::node`] for the [`Out`] value `n` converts to.
    fn yaml_node(
        &mut self,
        n: &Node,
        mapping_context: bool,
        simple_key: bool,
    ) -> Result<(), Unsupported> {
        match n {
            Node::Scalar(s) => {
                let v = scalar_out(s)?;
                self.node(&v, mapping_context, simple_key);
            }
            Node::Seq(items) if items.is_empty() => self.flow_empty("[", "]"),
            Node::Seq(items) => {
                self.increase_indent(false, mapping_context && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.yaml_node(item, false, false)?;
                }
                self.pop_indent();
            }
            Node::Map(m) => {
                super::value::check_keys(m)?;
                let mut entries: Vec<&(String, Node)> =
                    m.entries.iter().filter(|(k, _)| k != "<<").collect();
                if entries.is_empty() {
                    self.flow_empty("{", "}");
                    return Ok(());
                }
                entries.sort_by(|a, b| key_order(&a.0, &b.0));
                self.increase_indent(false, false);
                for (k, val) in entries {
                    self.key(k);
                    self.yaml_node(val, true, false)?;
                }
                self.pop_indent();
            }
        }
        Ok(())
    }

    /// A mapping key and its `:` indicator.
    fn key(&mut self, k: &str) {
        self.write_indent();
        // Fast path (what `string` then `scalar` do for such a key).
        if k.len() <= 128 && is_simple_plain(k) && !v2_needs_quotes(k) {
            if !self.whitespace {
                self.put(' ');
            }
            self.out.push_str(k);
            self.column += k.len();
            self.whitespace = false;
            self.indention = false;
            self.write_indicator(":", false, false, false);
            return;
        }
        let key_multiline = k.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']);
        if k.chars().count() <= 128 && !key_multiline {
            self.string(k, true);
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indicator("?", true, false, true);
            self.indents.push(self.indent);
            self.string(k, false);
            self.pop_indent();
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
    }

    fn flow_empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn string(&mut self, s: &str, simple_key: bool) {
        let style = if s.contains('\n') {
            Style::Literal
        } else if !v2_needs_quotes(s) {
            Style::Plain
        } else {
            Style::Double
        };
        self.scalar(s, style, simple_key);
    }

    fn scalar(&mut self, value: &str, requested: Style, simple_key: bool) {
        // Fast path: short ASCII words (names, numbers, images) print as they are.
        if requested == Style::Plain && is_simple_plain(value) {
            if !self.whitespace {
                self.put(' ');
            }
            self.out.push_str(value);
            self.column += value.len();
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let a = analyze(value);
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (value.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::Single => self.write_single(value, allow_breaks),
            Style::Double => self.write_double(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !value.is_empty() && !self.whitespace {
            self.put(' ');
        }
        let mut spaces = false;
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                let next_space = chars.peek() == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        if !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let n = chars.len();
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < n - 1
                    && !next_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        // go-yaml's `is_bom(value, i)` looks at the start of the value, not at `i`: a
        // string that begins with a byte-order mark has every character escaped.
        let starts_with_bom = value.starts_with('\u{feff}');
        for (i, &c) in chars.iter().enumerate() {
            if starts_with_bom
                || !is_printable(c)
                || c == '\u{feff}'
                || is_break(c)
                || c == '"'
                || c == '\\'
            {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (ind, w) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(ind);
                        for k in (0..w).rev() {
                            let d = (v >> (k * 4)) & 0xF;
                            self.put(
                                char::from_digit(d, 16).map_or('0', |c| c.to_ascii_uppercase()),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < n - 1 {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space
        // or a break, and the chomping indicator.
        let first = value.chars().next();
        if matches!(first, Some(c) if c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chars: Vec<char> = value.chars().collect();
        let chomp = match chars.last() {
            None => Some("-"),
            Some(&l) if !is_break(l) => Some("-"),
            Some(_) if chars.len() == 1 => Some("+"),
            Some(_) if is_break(chars[chars.len() - 2]) => Some("+"),
            Some(_) => None,
        };
        if let Some(ch) = chomp {
            self.write_indicator(ch, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }
}

/// Text that every style rule leaves plain and unfolded: ASCII letters, digits and
/// `._/` (plus `-` and `:` inside), no spaces, not starting with an indicator.
fn is_simple_plain(v: &str) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'/' | b'-'))
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || v == 0x85
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_by_ws = true;
    let mut chars = value.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let last = next.is_none();
        let followed_by_ws = matches!(next, None | Some(' ' | '\t'));
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        // go-yaml v2 has no separate tab rule: a tab is a special character.
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if first {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if first {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = c == ' ' || c == '\t' || is_break(c);
        first = false;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
pub fn format_float_g(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{:e}", f);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let sign = if neg { "-" } else { "" };
    // Shortest formatting decides with an exponent precision of 6.
    if !(-4..6).contains(&exp) {
        return format_e(sign, &digits, exp);
    }
    let mut s = String::from(sign);
    if exp >= 0 {
        let int_len = (exp + 1) as usize;
        if digits.len() <= int_len {
            s.push_str(&digits);
            for _ in digits.len()..int_len {
                s.push('0');
            }
        } else {
            s.push_str(&digits[..int_len]);
            s.push('.');
            s.push_str(&digits[int_len..]);
        }
    } else {
        s.push_str("0.");
        for _ in 0..(-exp - 1) {
            s.push('0');
        }
        s.push_str(&digits);
    }
    s
}

fn format_e(sign: &str, digits: &str, exp: i32) -> String {
    let mut s = String::from(sign);
    s.push_str(&digits[..1]);
    if digits.len() > 1 {
        s.push('.');
        s.push_str(&digits[1..]);
    }
    s.push('e');
    s.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        s.push('0');
    }
    s.push_str(&a.to_string());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(v: &Out<'_>) -> String {
        let mut s = String::new();
        emit_document(&mut s, v);
        s
    }

    fn map<'a>(entries: Vec<(&'a str, Out<'a>)>) -> Out<'a> {
        Out::Map(entries)
    }

    #[test]
    fn sequences_in_mappings_start_at_the_key_column() {
        let v = map(vec![(
            "spec",
            map(vec![(
                "containers",
                Out::Seq(vec![map(vec![
                    ("args", Out::Seq(vec![Out::Str("a".into())])),
                    ("env", Out::Seq(vec![])),
                    ("name", Out::Str("c".into())),
                ])]),
            )]),
        )]);
        assert_eq!(
            doc(&v),
            "spec:\n  containers:\n  - args:\n    - a\n    env: []\n    name: c\n"
        );
    }

    #[test]
    fn strings_are_quoted_only_when_they_would_read_as_another_type() {
        let v = map(vec![
            ("a", Out::Str("true".into())),
            ("b", Out::Str("x #y".into())),
            ("c", Out::Str("multi\nline".into())),
            ("d", Out::Str("tab\there".into())),
            ("n", Out::Str("".into())),
        ]);
        assert_eq!(
            doc(&v),
            "a: \"true\"\nb: 'x #y'\nc: |-\n  multi\n  line\nd: \"tab\\there\"\n\"n\": \"\"\n"
        );
    }

    #[test]
    fn long_plain_strings_fold_after_column_eighty() {
        let long = "very long string that goes on and on and on and on and on and on and on and on and on and on and on and on and on";
        let v = map(vec![("data", map(vec![("key", Out::Str(long.into()))]))]);
        assert_eq!(
            doc(&v),
            "data:\n  key: very long string that goes on and on and on and on and on and on and on and\n    on and on and on and on and on and on\n"
        );
    }

    #[test]
    fn a_line_separator_prints_raw_and_indented_as_kustomize_prints_it() {
        // Found by the `yaml` fuzz target: the text does not read back the same, and
        // `kubectl kustomize` prints exactly these bytes.
        let v = map(vec![(
            "data",
            map(vec![("line-sep", Out::Str("a\u{2028}b".into()))]),
        )]);
        assert_eq!(doc(&v), "data:\n  line-sep: 'a\u{2028}    b'\n");
    }

    #[test]
    fn floats_print_as_go_formats_them() {
        assert_eq!(format_float_g(1.23456789123e8), "1.23456789123e+08");
        assert_eq!(format_float_g(0.1), "0.1");
        assert_eq!(format_float_g(1.5e-7), "1.5e-07");
        assert_eq!(format_float_g(1e21), "1e+21");
        assert_eq!(format_float_g(0.0001), "0.0001");
        assert_eq!(format_float_g(123456.5), "123456.5");
    }
}
