//! Label selectors, parsed and matched as apimachinery does
//! (`k8s.io/apimachinery/pkg/labels/selector.go`): from the `labelSelector` query parameter
//! ([`LabelSelector::parse`]) or from a `metav1.LabelSelector` object
//! ([`LabelSelector::from_object`]). Field selectors live in [`super::field_selector`].

use std::fmt;

use serde_json::{Map, Value};

use super::field::{FieldError, FieldValue, aggregate, index, key};
use super::names;

/// A selector that could not be parsed; the message is the apiserver's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

/// A label-selector operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `a=b`
    Equals,
    /// `a==b`
    DoubleEquals,
    /// `a!=b`
    NotEquals,
    /// `a in (x,y)`
    In,
    /// `a notin (x,y)`
    NotIn,
    /// `a`
    Exists,
    /// `!a`
    DoesNotExist,
    /// `a>1`
    GreaterThan,
    /// `a<1`
    LessThan,
}

/// One term of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The label key.
    pub key: String,
    /// How the label is compared.
    pub operator: Operator,
    /// The values, sorted and deduplicated.
    pub values: Vec<String>,
}

impl Requirement {
    /// Builds a requirement, checking key, values and their count as `labels.NewRequirement`.
    pub fn new(
        key_name: &str,
        operator: Operator,
        values: Vec<String>,
    ) -> Result<Self, SelectorError> {
        let mut errs = Vec::new();
        let key_errs = names::qualified_name(key_name);
        if !key_errs.is_empty() {
            errs.push(FieldError::invalid(
                "key",
                FieldValue::Str(key_name.to_owned()),
                key_errs.join("; "),
            ));
        }
        let vals = || FieldValue::StrList(values.clone());
        match operator {
            Operator::In | Operator::NotIn if values.is_empty() => errs.push(FieldError::invalid(
                "values",
                vals(),
                "for 'in', 'notin' operators, values set can't be empty",
            )),
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                errs.push(FieldError::invalid(
                    "values",
                    vals(),
                    "exact-match compatibility requires one single value",
                ))
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                errs.push(FieldError::invalid(
                    "values",
                    vals(),
                    "values set must be empty for exists and does not exist",
                ))
            }
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    errs.push(FieldError::invalid(
                        "values",
                        vals(),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, v) in values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errs.push(FieldError::invalid(
                            index("values", i),
                            FieldValue::Str(v.clone()),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            let v_errs = names::label_value(v);
            if !v_errs.is_empty() {
                errs.push(FieldError::invalid(
                    key(&index("values", i), key_name),
                    FieldValue::Str(v.clone()),
                    v_errs.join("; "),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(SelectorError(aggregate(&errs)));
        }
        let mut values = values;
        values.sort();
        values.dedup();
        Ok(Self {
            key: key_name.to_owned(),
            operator,
            values,
        })
    }

    /// Whether a label set satisfies this requirement.
    pub fn matches(&self, labels: &Map<String, Value>) -> bool {
        let got = labels.get(&self.key).and_then(Value::as_str);
        let contains = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => got.is_some_and(contains),
            Operator::NotIn | Operator::NotEquals => !got.is_some_and(contains),
            Operator::Exists => got.is_some(),
            Operator::DoesNotExist => got.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(have) = got.and_then(|g| g.parse::<i64>().ok()) else {
                    return false;
                };
                let Some(want) = self.values.first().and_then(|w| w.parse::<i64>().ok()) else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.values.first().map_or("", String::as_str);
        match self.operator {
            Operator::Exists => f.write_str(&self.key),
            Operator::DoesNotExist => write!(f, "!{}", self.key),
            Operator::Equals => write!(f, "{}={first}", self.key),
            Operator::DoubleEquals => write!(f, "{}=={first}", self.key),
            Operator::NotEquals => write!(f, "{}!={first}", self.key),
            Operator::GreaterThan => write!(f, "{}>{first}", self.key),
            Operator::LessThan => write!(f, "{}<{first}", self.key),
            Operator::In => write!(f, "{} in ({})", self.key, self.values.join(",")),
            Operator::NotIn => write!(f, "{} notin ({})", self.key, self.values.join(",")),
        }
    }
}

/// A label selector: requirements ANDed together. Empty selects everything; the
/// "nothing" selector (from an absent `LabelSelector` object) selects nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl LabelSelector {
    /// The selector that matches every object.
    pub fn everything() -> Self {
        Self::default()
    }

    /// The selector that matches no object.
    pub fn nothing() -> Self {
        Self {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// Parses the query-string form (`app=web,tier in (a,b),!canary`).
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        let mut requirements = Parser {
            lexer: Lexer { s, pos: 0 },
        }
        .parse()?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self {
            requirements,
            nothing: false,
        })
    }

    /// Converts a `metav1.LabelSelector` (`matchLabels` and `matchExpressions`); `None`
    /// (the field is absent) selects nothing, `{}` selects everything.
    pub fn from_object(selector: Option<&Value>) -> Result<Self, SelectorError> {
        let Some(sel) = selector.filter(|v| !v.is_null()) else {
            return Ok(Self::nothing());
        };
        let mut requirements = Vec::new();
        if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in ml {
                let v = v.as_str().unwrap_or_default().to_owned();
                requirements.push(Requirement::new(k, Operator::Equals, vec![v])?);
            }
        }
        if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let op_name = e
                    .get("operator")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let op = match op_name {
                    "In" => Operator::In,
                    "NotIn" => Operator::NotIn,
                    "Exists" => Operator::Exists,
                    "DoesNotExist" => Operator::DoesNotExist,
                    other => {
                        return Err(SelectorError(format!(
                            "{} is not a valid label selector operator",
                            super::field::go_quote(other)
                        )));
                    }
                };
                let key_name = e.get("key").and_then(Value::as_str).unwrap_or_default();
                let values = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                requirements.push(Requirement::new(key_name, op, values)?);
            }
        }
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self {
            requirements,
            nothing: false,
        })
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Whether this selects every object.
    pub fn is_everything(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// Whether a label map satisfies every requirement.
    pub fn matches(&self, labels: &Map<String, Value>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether an object's `metadata.labels` satisfy the selector.
    pub fn matches_object(&self, obj: &Value) -> bool {
        let empty = Map::new();
        let labels = obj
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        self.matches(labels)
    }
}

impl fmt::Display for LabelSelector {
    /// The canonical form (`a=b,c in (x,y)`), as `Selector.String()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// Renders a `metav1.LabelSelector` as `metav1.FormatLabelSelector` does for printers:
/// `<none>` when empty, `<error>` when invalid.
pub fn format_label_selector(selector: Option<&Value>) -> String {
    match LabelSelector::from_object(selector) {
        Err(_) => "<error>".to_owned(),
        Ok(s) => {
            let text = s.to_string();
            if text.is_empty() {
                "<none>".to_owned()
            } else {
                text
            }
        }
    }
}

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

struct Lexer<'a> {
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

struct Parser<'a> {
    lexer: Lexer<'a>,
}

fn err(msg: String) -> SelectorError {
    SelectorError(msg)
}

impl<'a> Parser<'a> {
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

    fn parse(&mut self) -> Result<Vec<Requirement>, SelectorError> {
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

#[cfg(test)]
#[path = "selector_tests.rs"]
mod tests;

pub use super::field_selector::{FieldLabels, FieldSelector, FieldTerm};
