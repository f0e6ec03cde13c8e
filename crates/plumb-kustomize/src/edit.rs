//! A structured editor for `kustomization.yaml` that changes only the lines it must:
//! comments, key order, blank lines and the style of everything else are kept, so a
//! bot's rollback commit shows a one-line diff.
//!
//! ```
//! let mut f = plumb_kustomize::edit::KustomizationFile::parse(
//!     "# prod\nresources:\n- ../base\nimages:\n- name: myapp # the app\n  newTag: v1.2.0\n",
//! ).unwrap();
//! f.set_image_tag("myapp", "v1.1.0").unwrap();
//! assert_eq!(f.text(), "# prod\nresources:\n- ../base\nimages:\n- name: myapp # the app\n  newTag: v1.1.0\n");
//! ```

use crate::error::{Error, Result, bail};
use crate::yaml::parse_one;
use crate::yaml::value::v2_needs_quotes;

/// A kustomization file being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KustomizationFile {
    lines: Vec<String>,
    trailing_newline: bool,
}

/// A top-level block list (`images:`, `resources:`).
struct Block {
    /// Line of the `key:` itself.
    key_line: usize,
    /// One past the last line that belongs to the list.
    end: usize,
    /// Item start lines.
    items: Vec<usize>,
    /// Column of the `-` of items.
    indent: usize,
}

impl KustomizationFile {
    /// Reads a kustomization text; it must be valid YAML.
    pub fn parse(text: &str) -> Result<KustomizationFile> {
        parse_one(text).map_err(|e| Error::msg(format!("invalid kustomization: {e}")))?;
        Ok(KustomizationFile {
            lines: text.lines().map(str::to_string).collect(),
            trailing_newline: text.is_empty() || text.ends_with('\n'),
        })
    }

    /// The edited text.
    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        if self.trailing_newline && !self.lines.is_empty() {
            s.push('\n');
        }
        s
    }

    /// Sets `newTag` of the `images` entry named `name` (adding the entry, or the
    /// `images` list, when missing). A `digest` on that entry is removed: it would
    /// otherwise keep pinning the old image.
    pub fn set_image_tag(&mut self, name: &str, new_tag: &str) -> Result<()> {
        let Some(block) = self.block("images")? else {
            self.append_lines(vec![
                "images:".to_string(),
                format!("- name: {}", scalar(name)),
                format!("  newTag: {}", scalar(new_tag)),
            ]);
            return self.check();
        };
        for (n, &start) in block.items.iter().enumerate() {
            let end = block.items.get(n + 1).copied().unwrap_or(block.end);
            let Some(name_line) = (start..end)
                .find(|&l| field_value(&self.lines[l], "name").as_deref() == Some(name))
            else {
                continue;
            };
            let field_indent = block.indent + 2;
            if let Some(l) = (start..end).find(|&l| field_value(&self.lines[l], "newTag").is_some())
            {
                self.lines[l] = replace_value(&self.lines[l], "newTag", &scalar(new_tag));
            } else {
                self.lines.insert(
                    name_line + 1,
                    format!("{}newTag: {}", " ".repeat(field_indent), scalar(new_tag)),
                );
            }
            let end = block
                .items
                .get(n + 1)
                .map_or(self.block_end("images")?, |e| e + 1);
            if let Some(l) = (start..end).find(|&l| field_value(&self.lines[l], "digest").is_some())
            {
                self.lines.remove(l);
            }
            return self.check();
        }
        let pad = " ".repeat(block.indent);
        let at = last_content_line(&self.lines, block.key_line, block.end) + 1;
        self.lines
            .insert(at, format!("{pad}- name: {}", scalar(name)));
        self.lines
            .insert(at + 1, format!("{pad}  newTag: {}", scalar(new_tag)));
        self.check()
    }

    /// Adds an entry to `resources` unless it is already listed.
    pub fn add_resource(&mut self, entry: &str) -> Result<()> {
        let Some(block) = self.block("resources")? else {
            self.append_lines(vec![
                "resources:".to_string(),
                format!("- {}", scalar(entry)),
            ]);
            return self.check();
        };
        for &start in &block.items {
            let item = self.lines[start]
                .trim_start()
                .trim_start_matches('-')
                .trim();
            if unquote(strip_comment(item)) == entry {
                return Ok(());
            }
        }
        let at = last_content_line(&self.lines, block.key_line, block.end) + 1;
        self.lines.insert(
            at,
            format!("{}- {}", " ".repeat(block.indent), scalar(entry)),
        );
        self.check()
    }

    fn check(&self) -> Result<()> {
        parse_one(&self.text())
            .map(|_| ())
            .map_err(|e| Error::msg(format!("edit produced invalid YAML: {e}")))
    }

    fn append_lines(&mut self, mut new: Vec<String>) {
        while self.lines.last().is_some_and(|l| l.trim().is_empty()) {
            self.lines.pop();
        }
        self.lines.append(&mut new);
        self.trailing_newline = true;
    }

    fn block_end(&self, key: &str) -> Result<usize> {
        Ok(self.block(key)?.map_or(self.lines.len(), |b| b.end))
    }

    fn block(&self, key: &str) -> Result<Option<Block>> {
        let prefix = format!("{key}:");
        let Some(key_line) = self
            .lines
            .iter()
            .position(|l| l.starts_with(&prefix) && is_key_line(l, key))
        else {
            return Ok(None);
        };
        let rest = strip_comment(self.lines[key_line][prefix.len()..].trim());
        if !rest.is_empty() {
            if rest == "[]" {
                bail!("`{key}: []` is in flow style; write it as a block list to edit it");
            }
            bail!("`{key}` is not a block list; plumb edits block lists only");
        }
        let mut end = key_line + 1;
        let mut items = Vec::new();
        let mut indent = None;
        while end < self.lines.len() {
            let l = &self.lines[end];
            let t = l.trim_start();
            let col = l.len() - t.len();
            if t.is_empty() || t.starts_with('#') {
                end += 1;
                continue;
            }
            let is_item = t == "-" || t.starts_with("- ");
            if col == 0 && !is_item {
                break;
            }
            if is_item && indent.is_none_or(|i| i == col) {
                indent = Some(col);
                items.push(end);
            }
            end += 1;
        }
        // Trailing comments and blank lines belong to what follows.
        while end > key_line + 1 && {
            let t = self.lines[end - 1].trim();
            t.is_empty() || t.starts_with('#')
        } {
            end -= 1;
        }
        Ok(Some(Block {
            key_line,
            end,
            items,
            indent: indent.unwrap_or(0),
        }))
    }
}

fn is_key_line(line: &str, key: &str) -> bool {
    line.len() == key.len() + 1 || line[key.len() + 1..].starts_with([' ', '#', '\t'])
}

fn last_content_line(lines: &[String], from: usize, end: usize) -> usize {
    (from..end)
        .rev()
        .find(|&l| {
            let t = lines[l].trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(from)
}

/// The value of `field:` on a line (`- name: x` or `  name: x`), unquoted.
fn field_value(line: &str, field: &str) -> Option<String> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let rest = t.strip_prefix(field)?.strip_prefix(':')?;
    Some(unquote(strip_comment(rest.trim())).to_string())
}

fn replace_value(line: &str, field: &str, value: &str) -> String {
    let pos = line.find(&format!("{field}:")).unwrap_or(0) + field.len() + 1;
    let after = &line[pos..];
    let comment = after.find(" #").map(|i| &after[i..]).unwrap_or("");
    format!("{} {value}{comment}", &line[..pos])
}

fn strip_comment(s: &str) -> &str {
    if s.starts_with('#') {
        return "";
    }
    match s.find(" #") {
        Some(i) if !s.starts_with(['"', '\'']) => s[..i].trim_end(),
        _ => s,
    }
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2
        && ((b[0] == b'"' && b[b.len() - 1] == b'"') || (b[0] == b'\'' && b[b.len() - 1] == b'\''))
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// A scalar as YAML text: plain when it reads back as the same string, else quoted.
fn scalar(s: &str) -> String {
    let risky = s.is_empty()
        || v2_needs_quotes(s)
        || s.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ',
        ])
        || s.ends_with(' ')
        || s.contains(": ")
        || s.contains(" #")
        || s.contains(['\n', '\t']);
    if risky {
        format!(
            "\"{}\"",
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
                .replace('\t', "\\t")
        )
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_a_tag_changes_one_line_and_keeps_comments() {
        let text = "# prod overlay\nresources:\n- ../../base  # shared\n\nimages:\n# the app image\n- name: myapp\n  newName: registry/myapp # mirror\n  newTag: v1.2.0 # deployed by CI\n- name: other\n  newTag: \"1.0\"\nnamespace: prod\n";
        let mut f = KustomizationFile::parse(text).expect("valid");
        f.set_image_tag("myapp", "v1.1.0").expect("edits");
        assert_eq!(
            f.text(),
            text.replace("newTag: v1.2.0 #", "newTag: v1.1.0 #")
        );
    }

    #[test]
    fn a_missing_image_entry_is_added_with_a_quoted_numeric_tag() {
        let text = "images:\n- name: a\n  newTag: x\nnamespace: prod\n";
        let mut f = KustomizationFile::parse(text).expect("valid");
        f.set_image_tag("b", "1.0").expect("edits");
        assert_eq!(
            f.text(),
            "images:\n- name: a\n  newTag: x\n- name: b\n  newTag: \"1.0\"\nnamespace: prod\n"
        );
    }

    #[test]
    fn setting_a_tag_drops_a_pinned_digest() {
        let text = "images:\n  - name: a\n    digest: sha256:abc\nresources:\n  - x.yaml\n";
        let mut f = KustomizationFile::parse(text).expect("valid");
        f.set_image_tag("a", "v2").expect("edits");
        assert_eq!(
            f.text(),
            "images:\n  - name: a\n    newTag: v2\nresources:\n  - x.yaml\n"
        );
    }

    #[test]
    fn adding_a_resource_appends_after_the_last_entry_once() {
        let text = "resources:\n- a.yaml\n# trailing note\n\nimages: []\n";
        let mut f = KustomizationFile::parse(text).expect("valid");
        f.add_resource("b.yaml").expect("edits");
        f.add_resource("a.yaml").expect("already there");
        assert_eq!(
            f.text(),
            "resources:\n- a.yaml\n- b.yaml\n# trailing note\n\nimages: []\n"
        );
    }

    #[test]
    fn a_file_without_images_gets_an_images_list() {
        let mut f = KustomizationFile::parse("resources:\n- a.yaml\n").expect("valid");
        f.set_image_tag("app", "v1").expect("edits");
        assert_eq!(
            f.text(),
            "resources:\n- a.yaml\nimages:\n- name: app\n  newTag: v1\n"
        );
    }
}
