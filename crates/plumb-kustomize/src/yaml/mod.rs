//! The YAML layer: parsing with styles kept, the value rules of kustomize's output path,
//! and an emitter that prints as go-yaml v2 does.

pub mod emit;
pub mod node;
pub mod parse;
pub mod value;

pub use node::{Mapping, Node, Scalar, Style};
pub use parse::{ParseError, parse_documents, parse_one, parse_one_lenient};

/// Prints a node as one YAML document the way `kustomize build` prints a resource.
pub fn to_yaml(node: &Node) -> Result<String, value::Unsupported> {
    let out = value::to_out(node)?;
    let mut s = String::new();
    emit::emit_document(&mut s, &out);
    Ok(s)
}
