//! A fast reader for the YAML most resource files are written in: block mappings and
//! sequences, one-line plain, single- and double-quoted scalars (no escapes), `[]`,
//! `{}`, comments and `---` separators. Anything else (anchors, tags, block or
//! multi-line scalars, flow collections, tabs, repeated keys, odd indentation…) makes
//! it give up, and the text is read by saphyr-parser instead, so the result (or the
//! error) is always saphyr's. A test compares the two on every YAML file of the
//! conformance suite.

use super::node::{Mapping, Node, Scalar, Style};
use super::parse::{MAX_DEPTH, MAX_NODES, MAX_TEXT_BYTES};
use super::value::{Resolved, resolve_plain};

/// The non-empty documents of `text` (each a block mapping), or `None` when the text
/// is outside what this reader handles.
pub fn parse_mapping_documents(text: &str) -> Option<Vec<Node>> {
    if text.len() > MAX_TEXT_BYTES || !plain_text(text) {
        return None;
    }
    let mut lines = Vec::with_capacity(text.len() / 16 + 1);
    for raw in text.split('\n') {
        let content = raw.trim_start_matches(' ');
        let indent = raw.len() - content.len();
        if content.is_empty() {
            continue;
        }
        if content.starts_with('#') {
            lines.push(Line {
                indent,
                text: content,
                comment: true,
            });
            continue;
        }
        lines.push(Line {
            indent,
            text: content.trim_end_matches(' '),
            comment: false,
        });
    }
    let mut p = Reader {
        lines,
        pos: 0,
        nodes: 0,
    };
    let mut docs = Vec::new();
    loop {
        p.skip_comments();
        let Some(line) = p.peek() else { break };
        if line.text == "---" || line.text.starts_with("--- #") {
            if line.indent != 0 {
                return None;
            }
            p.pos += 1;
            continue;
        }
        if line.indent != 0 || line.text.starts_with("---") || line.text.starts_with("...") {
            return None;
        }
        if is_item(line.text) {
            return None;
        }
        let doc = p.mapping(0, 0)?;
        docs.push(doc);
        p.skip_comments();
        if let Some(l) = p.peek()
            && !(l.indent == 0 && (l.text == "---" || l.text.starts_with("--- #")))
        {
            return None;
        }
    }
    Some(docs)
}

/// Text without tabs, carriage returns, control characters, byte-order marks or the
/// Unicode line breaks (saphyr has rules for each).
fn plain_text(text: &str) -> bool {
    let ascii_ok = |b: u8| b == b'\n' || (0x20..0x7F).contains(&b);
    // Most texts: printable ASCII and newlines (one subtraction and compare a byte).
    if text
        .bytes()
        .all(|b| b.wrapping_sub(0x20) < 0x5F || b == b'\n')
    {
        return true;
    }
    text.chars().all(|c| {
        let v = c as u32;
        if v < 0x80 {
            return ascii_ok(v as u8);
        }
        (0xA0..=0xD7FF).contains(&v) && !matches!(v, 0x2028 | 0x2029)
            || (0xE000..=0xFFFD).contains(&v) && v != 0xFEFF
            || v >= 0x10000
    })
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
    comment: bool,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    nodes: usize,
}

/// A sequence item line: `-` alone or `- …`.
fn is_item(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    fn skip_comments(&mut self) {
        while self.peek().is_some_and(|l| l.comment) {
            self.pos += 1;
        }
    }

    /// The next line that is not a comment.
    fn next_content(&mut self) -> Option<Line<'a>> {
        self.skip_comments();
        self.peek()
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        // Well below saphyr's limit, so that saphyr decides near it.
        (self.nodes <= MAX_NODES / 2).then_some(())
    }

    /// A block mapping whose keys sit at column `indent` (the current line is its
    /// first entry).
    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH / 2 {
            return None;
        }
        self.count()?;
        let mut map = Mapping::new();
        while let Some(line) = self.next_content() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_item(line.text) {
                return None;
            }
            if line.text == "---" || line.text.starts_with("--- ") {
                break;
            }
            let (key, rest) = split_key(line.text)?;
            self.pos += 1;
            self.count()?;
            let value = self.value(indent, rest, depth, true)?;
            if map.contains(key) {
                return None;
            }
            if resolve_plain(key, true) != Resolved::Str {
                map.typed_keys.push(key.to_string());
            }
            map.entries.push((key.to_string(), value));
        }
        Some(Node::Map(map))
    }

    /// A block sequence whose `-` sit at column `indent`.
    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH / 2 {
            return None;
        }
        self.count()?;
        let mut items = Vec::new();
        while let Some(line) = self.next_content() {
            if line.indent != indent || !is_item(line.text) {
                if line.indent > indent {
                    return None;
                }
                break;
            }
            let after = &line.text[1..];
            let rest = after.trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                // The item's value is on the next lines (or null).
                self.pos += 1;
                items.push(self.nested(indent, depth, false)?);
                continue;
            }
            if is_item(rest) || rest == "---" {
                return None;
            }
            let column = indent + 1 + (after.len() - rest.len());
            if split_key(rest).is_some() {
                // A mapping starting on the item's line: its keys sit at `column`.
                self.lines[self.pos] = Line {
                    indent: column,
                    text: rest,
                    comment: false,
                };
                items.push(self.mapping(column, depth + 1)?);
                continue;
            }
            self.pos += 1;
            items.push(self.inline(indent, rest)?);
        }
        Some(Node::Seq(items))
    }

    /// The value after `key:` (`rest`) of a mapping at `indent`.
    fn value(&mut self, indent: usize, rest: &'a str, depth: usize, in_map: bool) -> Option<Node> {
        if rest.is_empty() || rest.starts_with('#') {
            return self.nested(indent, depth, in_map);
        }
        self.inline(indent, rest)
    }

    /// A block node on the lines after a key or `-` at `indent`, or null when there is
    /// none. In a mapping, a sequence may sit at the key's own column.
    fn nested(&mut self, indent: usize, depth: usize, in_map: bool) -> Option<Node> {
        let Some(line) = self.next_content() else {
            return self.empty();
        };
        if line.indent > indent {
            if line.text == "---" || line.text.starts_with("--- ") {
                return None;
            }
            return if is_item(line.text) {
                self.sequence(line.indent, depth + 1)
            } else {
                self.mapping(line.indent, depth + 1)
            };
        }
        if in_map && line.indent == indent && is_item(line.text) {
            return self.sequence(indent, depth + 1);
        }
        self.empty()
    }

    fn empty(&mut self) -> Option<Node> {
        self.count()?;
        Some(Node::Scalar(Scalar {
            value: String::new(),
            style: Style::Plain,
            tag: None,
        }))
    }

    /// A scalar (or `[]`, `{}`) written on one line, inside a block at `indent`: the
    /// following lines must not continue it.
    fn inline(&mut self, indent: usize, rest: &str) -> Option<Node> {
        self.count()?;
        // A more indented line (even a comment) could continue a plain or quoted scalar.
        if self.peek().is_some_and(|l| l.indent > indent) {
            return None;
        }
        let (node, after) = match rest.as_bytes()[0] {
            b'"' => {
                let end = rest[1..].find('"')? + 1;
                let body = &rest[1..end];
                if body.contains('\\') {
                    return None;
                }
                (quoted(body, Style::DoubleQuoted), &rest[end + 1..])
            }
            b'\'' => {
                let (value, len) = single_quoted(&rest[1..])?;
                (
                    Node::Scalar(Scalar {
                        value,
                        style: Style::SingleQuoted,
                        tag: None,
                    }),
                    &rest[1 + len..],
                )
            }
            b'[' | b'{' => {
                let (node, len) = match rest.get(..2) {
                    Some("[]") => (Node::Seq(Vec::new()), 2),
                    Some("{}") => (Node::Map(Mapping::new()), 2),
                    _ => return None,
                };
                (node, &rest[len..])
            }
            b'-' if rest.len() == 1 || rest.as_bytes()[1] == b' ' => return None,
            b'?' | b':' => return None,
            b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b',' | b']' | b'}' => {
                return None;
            }
            _ => {
                let value = match rest.find(" #") {
                    Some(i) => rest[..i].trim_end_matches(' '),
                    None => rest,
                };
                // `a: b` inside a value is an error saphyr reports.
                if value.contains(": ") || value.ends_with(':') {
                    return None;
                }
                return Some(Node::Scalar(Scalar {
                    value: value.to_string(),
                    style: Style::Plain,
                    tag: None,
                }));
            }
        };
        // After a quoted scalar or `[]`: spaces and a comment at most.
        let after_trim = after.trim_start_matches(' ');
        if !(after_trim.is_empty()
            || (after_trim.starts_with('#') && after.len() > after_trim.len()))
        {
            return None;
        }
        Some(node)
    }
}

fn quoted(body: &str, style: Style) -> Node {
    Node::Scalar(Scalar {
        value: body.to_string(),
        style,
        tag: None,
    })
}

/// The text of a single-quoted scalar starting after its opening quote, and how many
/// bytes it took (closing quote included).
fn single_quoted(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                out.push_str(&s[start..=i]);
                i += 2;
                start = i;
                continue;
            }
            out.push_str(&s[start..i]);
            return Some((out, i + 1));
        }
        i += 1;
    }
    None
}

/// `key: rest` or `key:` with a plain key of ordinary characters.
fn split_key(t: &str) -> Option<(&str, &str)> {
    let b = t.as_bytes();
    let first = *b.first()?;
    if !(first.is_ascii_alphanumeric() || matches!(first, b'_' | b'.' | b'/' | b'$')) {
        return None;
    }
    let i = t.find(':')?;
    let key = &t[..i];
    let rest = &t[i + 1..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        // `a:b…`: a colon inside a plain key or value; leave it to saphyr.
        return None;
    }
    if key == "<<"
        || !key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-' | b'$'))
    {
        return None;
    }
    Some((key, rest.trim_start_matches(' ')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (Option<Vec<Node>>, Vec<Node>) {
        let fast = parse_mapping_documents(text);
        let slow = super::super::parse_documents(text)
            .map(|d| d.into_iter().flatten().collect())
            .unwrap_or_default();
        (fast, slow)
    }

    #[test]
    fn reads_what_saphyr_reads() {
        for text in [
            "a: 1\nb:\n  c: x # note\n  d: 'it''s'\n  e: \"q\"\n",
            "# head\napiVersion: v1\nkind: List\nitems:\n- a: 1\n  b: []\n- {}\n-\n- x\n",
            "a:\n- 1\n- - 2\n",
            "k:\nl: ~\n---\n---\nm: true\n",
            "spec:\n  containers:\n  - name: main\n    args:\n    - -c\n    - \"a b\"\n    env: {}\n",
            "x: -1\ny: a, b [c]\nz: http://h:80/p\n",
            "a: 1\n  # indented comment\nb: 2\n",
        ] {
            let (fast, slow) = both(text);
            if let Some(fast) = fast {
                assert_eq!(fast, slow, "{text}");
            }
        }
        assert!(parse_mapping_documents("a: 1\nb:\n  c: x\n").is_some());
    }

    #[test]
    fn gives_up_on_what_it_does_not_handle() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: |\n  text\n",
            "a: b\n  continued\n",
            "a: 1\na: 2\n",
            "a:\tb\n",
            "a: [1, 2]\n",
            "\"q\": 1\n",
            "a: \"x\\ny\"\n",
            "- a\n",
            "  a: 1\n",
            "<<: {a: 1}\n",
            "a: b: c\n",
        ] {
            assert!(parse_mapping_documents(text).is_none(), "{text}");
        }
    }
}

#[cfg(test)]
mod differential {
    use super::*;

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    /// Every file of the conformance suite and of the fuzz corpus (when there is one:
    /// it is not in git) that the fast reader accepts reads the same as with saphyr.
    #[test]
    fn agrees_with_saphyr_on_the_conformance_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (dir, at_least) in [("tests/conformance", 300), ("fuzz/corpus", 0)] {
            let mut files = Vec::new();
            yaml_files(&root.join(dir), &mut files);
            let (mut accepted, mut total) = (0, 0);
            for f in files {
                let Ok(text) = std::fs::read_to_string(&f) else {
                    continue;
                };
                total += 1;
                let Some(fast) = parse_mapping_documents(&text) else {
                    continue;
                };
                accepted += 1;
                let slow: Vec<Node> = match super::super::parse_documents(&text) {
                    Ok(d) => d.into_iter().flatten().collect(),
                    Err(e) => panic!("{}: fast reader accepted, saphyr: {e}", f.display()),
                };
                assert_eq!(fast, slow, "{}", f.display());
            }
            assert!(
                accepted >= at_least,
                "{dir}: {accepted} of {total} files read fast"
            );
            eprintln!("{dir}: the fast reader took {accepted} of {total} files");
        }
    }
}
