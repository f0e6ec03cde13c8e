//! Argo CD's `directory.include` / `directory.exclude` globs.
//!
//! Argo CD matches them with `gobwas/glob` compiled without separators, against the
//! file path relative to the application path: `*` matches any run of characters,
//! `/` included, `?` any one character, `[abc]`, `[a-z]` and `[!abc]` one character of
//! (or not of) a class, `{a,b}` any of the alternatives (which may hold patterns
//! themselves), and `\` escapes the next character. `**` is the same as `*`.

use std::fmt;

/// A compiled glob pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct Glob {
    source: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    Any,
    Star,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Alternatives(Vec<Vec<Token>>),
}

impl fmt::Debug for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glob({:?})", self.source)
    }
}

impl Glob {
    /// Compiles a pattern; the error says what is wrong with it.
    pub fn new(pattern: &str) -> Result<Glob, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tokens = parse(&chars, &mut pos, false)?;
        if pos != chars.len() {
            return Err(format!("unexpected {:?} at offset {pos}", chars[pos]));
        }
        Ok(Glob {
            source: pattern.to_string(),
            tokens,
        })
    }

    /// Whether the whole text matches.
    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        match_here(&self.tokens, &chars)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

fn parse(chars: &[char], pos: &mut usize, in_alt: bool) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    while let Some(&c) = chars.get(*pos) {
        match c {
            ',' | '}' if in_alt => return Ok(out),
            '\\' => {
                let next = chars
                    .get(*pos + 1)
                    .ok_or_else(|| "trailing `\\` escapes nothing".to_string())?;
                out.push(Token::Literal(*next));
                *pos += 2;
            }
            '*' => {
                if out.last() != Some(&Token::Star) {
                    out.push(Token::Star);
                }
                *pos += 1;
            }
            '?' => {
                out.push(Token::Any);
                *pos += 1;
            }
            '[' => out.push(parse_class(chars, pos)?),
            '{' => {
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse(chars, pos, true)?);
                    match chars.get(*pos) {
                        Some(',') => *pos += 1,
                        Some('}') => {
                            *pos += 1;
                            break;
                        }
                        _ => return Err("unclosed `{`".to_string()),
                    }
                }
                out.push(Token::Alternatives(alts));
            }
            c => {
                out.push(Token::Literal(c));
                *pos += 1;
            }
        }
    }
    Ok(out)
}

fn parse_class(chars: &[char], pos: &mut usize) -> Result<Token, String> {
    *pos += 1;
    let negated = chars.get(*pos) == Some(&'!');
    if negated {
        *pos += 1;
    }
    let mut ranges = Vec::new();
    loop {
        let c = *chars.get(*pos).ok_or_else(|| "unclosed `[`".to_string())?;
        if c == ']' && !ranges.is_empty() {
            *pos += 1;
            break;
        }
        let lo = if c == '\\' {
            *pos += 1;
            *chars.get(*pos).ok_or_else(|| "unclosed `[`".to_string())?
        } else {
            c
        };
        *pos += 1;
        if chars.get(*pos) == Some(&'-') && chars.get(*pos + 1).is_some_and(|c| *c != ']') {
            let hi = chars[*pos + 1];
            if hi < lo {
                return Err(format!("range `{lo}-{hi}` is reversed"));
            }
            ranges.push((lo, hi));
            *pos += 2;
        } else {
            ranges.push((lo, lo));
        }
    }
    Ok(Token::Class { negated, ranges })
}

fn match_here(tokens: &[Token], text: &[char]) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    match first {
        Token::Literal(c) => text.first() == Some(c) && match_here(rest, &text[1..]),
        Token::Any => !text.is_empty() && match_here(rest, &text[1..]),
        Token::Class { negated, ranges } => text.first().is_some_and(|c| {
            ranges.iter().any(|(lo, hi)| (lo..=hi).contains(&c)) != *negated
                && match_here(rest, &text[1..])
        }),
        Token::Star => (0..=text.len()).any(|i| match_here(rest, &text[i..])),
        Token::Alternatives(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_here(&joined, text)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, t: &str) -> bool {
        Glob::new(p).expect("test patterns are valid").matches(t)
    }

    #[test]
    fn star_crosses_slashes_as_argo_cd_compiles_globs_without_separators() {
        assert!(m("*.yaml", "a.yaml"));
        assert!(m("*.yaml", "sub/dir/a.yaml"));
        assert!(m("**/*.yaml", "sub/a.yaml"));
        assert!(!m("*.yaml", "a.json"));
    }

    #[test]
    fn alternatives_classes_and_escapes_match_like_gobwas() {
        assert!(m("{config.json,env-usw2/*}", "env-usw2/app.yaml"));
        assert!(m("{config.json,env-usw2/*}", "config.json"));
        assert!(!m("{config.json,env-usw2/*}", "env-use1/app.yaml"));
        assert!(m("app-[0-9].yaml", "app-7.yaml"));
        assert!(!m("app-[!0-9].yaml", "app-7.yaml"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("?.yml", "x.yml"));
    }

    #[test]
    fn malformed_patterns_are_refused() {
        assert!(Glob::new("{a,b").is_err());
        assert!(Glob::new("[abc").is_err());
        assert!(Glob::new("x\\").is_err());
        assert!(Glob::new("[z-a]").is_err());
    }
}
