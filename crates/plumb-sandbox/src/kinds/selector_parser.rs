//! The label-selector grammar of apimachinery (`labels.Parse`): a lexer that reads
//! identifiers and the longest operator, and a recursive-descent parser with the
//! apiserver's error messages.

use super::field::{FieldError, FieldValue};
use super::names;
use super::selector::{Operator, Requirement, SelectorError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Identifier,
    DoesNotExist,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    In,
    NotIn,
    OpenPar,
    ClosedPar,
    Comma,
    End,
    Error,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn special_token(s: &str) -> Option<Tok> {
    Some(match s {
        "!" => Tok::DoesNotExist,
        "!=" => Tok::NotEquals,
        "(" => Tok::OpenPar,
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "=" => Tok::Equals,
        "==" => Tok::DoubleEquals,
        ">" => Tok::GreaterThan,
        "<" => Tok::LessThan,
        _ => return None,
    })
}

pub(crate) struct Lexer<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn lex(&mut self) -> (Tok, &'a str) {
        let b = self.s.as_bytes();
        while self.pos < b.len() && is_whitespace(b[self.pos]) {
            self.pos += 1;
        }
        if self.pos >= b.len() {
            return (Tok::End, "");
        }
        let start = self.pos;
        if is_special(b[start]) {
            let mut last: Option<(Tok, usize)> = None;
            let mut end = start;
            while end < b.len() && is_special(b[end]) {
                match special_token(&self.s[start..=end]) {
                    Some(t) => last = Some((t, end + 1)),
                    None if last.is_some() => break,
                    None => {}
                }
                end += 1;
            }
            return match last {
                Some((t, e)) => {
                    self.pos = e;
                    (t, &self.s[start..e])
                }
                None => {
                    self.pos = end;
                    (Tok::Error, &self.s[start..end])
                }
            };
        }
        while self.pos < b.len() && !is_whitespace(b[self.pos]) && !is_special(b[self.pos]) {
            self.pos += 1;
        }
        let lit = &self.s[start..self.pos];
        let tok = match lit {
            "in" => Tok::In,
            "notin" => Tok::NotIn,
            _ => Tok::Identifier,
        };
        (tok, lit)
    }
}

/// Whether the parser is reading values (keywords are plain identifiers) or an operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    KeyAndOperator,
    Values,
}

pub(crate) struct Parser<'a> {
    lexer: Lexer<'a>,
}

fn err(msg: String) -> SelectorError {
    SelectorError(msg)
}

impl<'a> Parser<'a> {
    /// A parser at the start of `s`.
    pub(crate) fn new(s: &'a str) -> Self {
        Self {
            lexer: Lexer { s, pos: 0 },
        }
    }

    fn consume(&mut self, mode: Mode) -> (Tok, &'a str) {
        let (tok, lit) = self.lexer.lex();
        if mode == Mode::Values && matches!(tok, Tok::In | Tok::NotIn) {
            return (Tok::Identifier, lit);
        }
        (tok, lit)
    }

    fn lookahead(&mut self, mode: Mode) -> (Tok, &'a str) {
        let save = self.lexer.pos;
        let r = self.consume(mode);
        self.lexer.pos = save;
        r
    }

    pub(crate) fn parse(&mut self) -> Result<Vec<Requirement>, SelectorError> {
        let mut out = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Mode::Values);
            match tok {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| err(format!("unable to parse requirement: {e}")))?;
                    out.push(r);
                    let (t, l) = self.consume(Mode::Values);
                    match t {
                        Tok::End => return Ok(out),
                        Tok::Comma => {
                            let (t2, l2) = self.lookahead(Mode::Values);
                            if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                                return Err(err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                )));
                            }
                        }
                        _ => {
                            return Err(err(format!(
                                "found '{l}', expected: ',' or 'end of string'"
                            )));
                        }
                    }
                }
                Tok::End => return Ok(out),
                _ => {
                    return Err(err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    )));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, SelectorError> {
        let (key_name, op) = self.parse_key_and_infer_operator()?;
        if let Some(op) = op {
            return Requirement::new(key_name, op, Vec::new());
        }
        let op = self.parse_operator()?;
        let values = match op {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        Requirement::new(key_name, op, values)
    }

    fn parse_key_and_infer_operator(
        &mut self,
    ) -> Result<(&'a str, Option<Operator>), SelectorError> {
        let mut op = None;
        let (mut tok, mut lit) = self.consume(Mode::Values);
        if tok == Tok::DoesNotExist {
            op = Some(Operator::DoesNotExist);
            (tok, lit) = self.consume(Mode::Values);
        }
        if tok != Tok::Identifier {
            return Err(err(format!("found '{lit}', expected: identifier")));
        }
        let key_errs = names::qualified_name(lit);
        if !key_errs.is_empty() {
            let e =
                FieldError::invalid("key", FieldValue::Str(lit.to_owned()), key_errs.join("; "));
            return Err(err(e.to_string()));
        }
        let (next, _) = self.lookahead(Mode::Values);
        if matches!(next, Tok::End | Tok::Comma) && op.is_none() {
            op = Some(Operator::Exists);
        }
        Ok((lit, op))
    }

    fn parse_operator(&mut self) -> Result<Operator, SelectorError> {
        let (tok, lit) = self.consume(Mode::KeyAndOperator);
        Ok(match tok {
            Tok::In => Operator::In,
            Tok::NotIn => Operator::NotIn,
            Tok::Equals => Operator::Equals,
            Tok::DoubleEquals => Operator::DoubleEquals,
            Tok::NotEquals => Operator::NotEquals,
            Tok::GreaterThan => Operator::GreaterThan,
            Tok::LessThan => Operator::LessThan,
            _ => {
                return Err(err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                )));
            }
        })
    }

    fn parse_values(&mut self) -> Result<Vec<String>, SelectorError> {
        let (tok, lit) = self.consume(Mode::Values);
        if tok != Tok::OpenPar {
            return Err(err(format!("found '{lit}' expected: '('")));
        }
        let (tok, lit) = self.lookahead(Mode::Values);
        match tok {
            Tok::Identifier | Tok::Comma => {
                let set = self.parse_identifiers_list()?;
                let (tok, lit) = self.consume(Mode::Values);
                if tok != Tok::ClosedPar {
                    return Err(err(format!("found '{lit}', expected: ')'")));
                }
                Ok(set)
            }
            Tok::ClosedPar => {
                self.consume(Mode::Values);
                Ok(vec![String::new()])
            }
            _ => Err(err(format!(
                "found '{lit}', expected: ',', ')' or identifier"
            ))),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, SelectorError> {
        fn insert(set: &mut Vec<String>, v: &str) {
            if !set.iter().any(|x| x == v) {
                set.push(v.to_owned());
            }
        }
        let mut set: Vec<String> = Vec::new();
        loop {
            let (tok, lit) = self.consume(Mode::Values);
            match tok {
                Tok::Identifier => {
                    insert(&mut set, lit);
                    let (t2, l2) = self.lookahead(Mode::Values);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(set),
                        _ => return Err(err(format!("found '{l2}', expected: ',' or ')'"))),
                    }
                }
                Tok::Comma => {
                    if set.is_empty() {
                        insert(&mut set, "");
                    }
                    let (t2, _) = self.lookahead(Mode::Values);
                    if t2 == Tok::ClosedPar {
                        insert(&mut set, "");
                        return Ok(set);
                    }
                    if t2 == Tok::Comma {
                        self.consume(Mode::Values);
                        insert(&mut set, "");
                    }
                }
                _ => return Err(err(format!("found '{lit}', expected: ',', or identifier"))),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, SelectorError> {
        let (tok, _) = self.lookahead(Mode::Values);
        if matches!(tok, Tok::End | Tok::Comma) {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.consume(Mode::Values);
        if tok == Tok::Identifier {
            Ok(vec![lit.to_owned()])
        } else {
            Err(err(format!("found '{lit}', expected: identifier")))
        }
    }
}
