//! YAML text to [`Node`]s with saphyr-parser's event stream. Aliases are expanded (as
//! kustomize does when it reads resources) under a node budget, so an alias bomb fails
//! fast instead of exhausting memory; nesting depth is bounded too.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::node::{Mapping, Node, Scalar, Style};

/// Largest YAML text accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 32 << 20;
/// Most nodes one text may expand to, aliases included.
pub const MAX_NODES: usize = 2_000_000;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 200;

/// Why a YAML text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line} column {column}")]
pub struct ParseError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl ParseError {
    fn at(span: &Span, message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
            line: span.start.line(),
            column: span.start.col() + 1,
        }
    }
}

/// Parses every document of a YAML stream; empty documents come back as `None`. A key
/// repeated in a mapping is an error (as kyaml reports it).
pub fn parse_documents(text: &str) -> Result<Vec<Option<Node>>, ParseError> {
    parse_stream(text, true)
}

/// Parses a kustomization: as kustomize reads it through JSON, a repeated key's last
/// value wins.
pub fn parse_one_lenient(text: &str) -> Result<Option<Node>, ParseError> {
    let mut docs = parse_stream(text, false)?;
    docs.retain(Option::is_some);
    Ok(docs.into_iter().next().flatten())
}

fn parse_stream(text: &str, strict: bool) -> Result<Vec<Option<Node>>, ParseError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(ParseError {
            message: format!(
                "document of {} bytes is over the {MAX_TEXT_BYTES}-byte limit",
                text.len()
            ),
            line: 1,
            column: 1,
        });
    }
    let mut b = Builder {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        budget: MAX_NODES,
        strict,
    };
    let mut docs = Vec::new();
    loop {
        let (ev, span) = b.next()?;
        match ev {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                let (ev, span) = b.next()?;
                if matches!(ev, Event::DocumentEnd) {
                    docs.push(None);
                    continue;
                }
                let node = b.node(ev, span, 0)?;
                let empty = matches!(&node, Node::Scalar(s) if s.is_null() && s.value.is_empty());
                docs.push(if empty { None } else { Some(node) });
            }
            _ => return Err(ParseError::at(&span, "unexpected event outside a document")),
        }
    }
    Ok(docs)
}

/// Parses a single-document text (a kustomization or a patch). Empty text is `None`.
pub fn parse_one(text: &str) -> Result<Option<Node>, ParseError> {
    let mut docs = parse_documents(text)?;
    docs.retain(Option::is_some);
    Ok(docs.into_iter().next().flatten())
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    budget: usize,
    strict: bool,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), ParseError> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(ParseError {
                message: e.info().to_string(),
                line: e.marker().line(),
                column: e.marker().col() + 1,
            }),
            None => Err(ParseError {
                message: "unexpected end of stream".into(),
                line: 0,
                column: 0,
            }),
        }
    }

    fn spend(&mut self, n: usize, span: &Span) -> Result<(), ParseError> {
        if n > self.budget {
            return Err(ParseError::at(
                span,
                format!("document expands to more than {MAX_NODES} nodes (alias bomb?)"),
            ));
        }
        self.budget -= n;
        Ok(())
    }

    fn node(&mut self, ev: Event<'a>, span: Span, depth: usize) -> Result<Node, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::at(
                &span,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.spend(1, &span)?;
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node::Scalar(Scalar {
                    value: value.into_owned(),
                    style: match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted => Style::SingleQuoted,
                        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                        ScalarStyle::Literal => Style::Literal,
                        ScalarStyle::Folded => Style::Folded,
                    },
                    tag: tag.map(|t| short_tag(&t.handle, &t.suffix).into()),
                });
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (ev, span) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, span, depth + 1)?);
                }
                let node = Node::Seq(items);
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = Mapping::new();
                let mut merges = Vec::new();
                loop {
                    let (ev, kspan) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(ev, kspan, depth + 1)?;
                    let (vev, vspan) = self.next()?;
                    let value = self.node(vev, vspan, depth + 1)?;
                    let key = match key {
                        Node::Scalar(s) => {
                            if s.value == "<<" && s.style == Style::Plain {
                                merges.push(value);
                                continue;
                            }
                            if s.style == Style::Plain
                                && s.tag.is_none()
                                && super::value::resolve_plain(&s.value, true)
                                    != super::value::Resolved::Str
                            {
                                map.typed_keys.push(s.value.clone());
                            }
                            s.value
                        }
                        _ => {
                            return Err(ParseError::at(&kspan, "mapping keys must be scalars"));
                        }
                    };
                    if !map.contains(&key) {
                        map.entries.push((key, value));
                    } else if self.strict {
                        return Err(ParseError::at(
                            &kspan,
                            format!("mapping key {key:?} already defined"),
                        ));
                    } else {
                        map.insert(key, value);
                    }
                }
                for m in merges {
                    apply_merge(&mut map, m);
                }
                let node = Node::Map(map);
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| ParseError::at(&span, "unknown anchor"))?;
                let size = count(&node);
                self.spend(size, &span)?;
                Ok(node)
            }
            _ => Err(ParseError::at(&span, "unexpected YAML event")),
        }
    }

    fn anchor(&mut self, id: usize, node: &Node) {
        if id != 0 {
            self.anchors.insert(id, node.clone());
        }
    }
}

fn apply_merge(map: &mut Mapping, merge: Node) {
    match merge {
        Node::Map(m) => {
            for (k, v) in m.entries {
                if !map.contains(&k) {
                    map.entries.push((k, v));
                }
            }
        }
        Node::Seq(items) => {
            for item in items {
                apply_merge(map, item);
            }
        }
        Node::Scalar(_) => {}
    }
}

fn count(node: &Node) -> usize {
    match node {
        Node::Scalar(_) => 1,
        Node::Seq(s) => 1 + s.iter().map(count).sum::<usize>(),
        Node::Map(m) => 1 + m.entries.iter().map(|(_, v)| 1 + count(v)).sum::<usize>(),
    }
}

fn short_tag(handle: &str, suffix: &str) -> String {
    if handle == "tag:yaml.org,2002:" {
        format!("!!{suffix}")
    } else {
        format!("{handle}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_key_order_and_scalar_styles() {
        let docs = parse_documents("b: 1\na: 'x'\n---\n---\nc: [1, 2]\n").expect("valid");
        assert_eq!(docs.len(), 3);
        let m = docs[0].as_ref().and_then(Node::as_map).expect("map");
        assert_eq!(m.entries[0].0, "b");
        let a = m.get("a").and_then(Node::as_scalar).expect("scalar");
        assert_eq!(a.style, Style::SingleQuoted);
        assert!(docs[1].is_none());
    }

    #[test]
    fn an_alias_bomb_fails_fast() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse_documents(&text).expect_err("bomb");
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn merge_keys_are_expanded() {
        let docs = parse_documents("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n").expect("valid");
        let d = docs[0].as_ref().and_then(|n| n.at(&["d"])).expect("d");
        assert_eq!(d.str_at(&["x"]), Some("1"));
    }
}
