//! The YAML layer: parsing with styles kept, the value rules of kustomize's output path,
//! and an emitter that prints as go-yaml v2 does.

pub mod emit;
pub mod fast;
pub mod node;
pub mod parse;
pub mod value;

pub use node::{Mapping, Node, Scalar, Style};
pub use parse::{ParseError, parse_documents, parse_one, parse_one_lenient};

/// Prints a node as one YAML document the way `kustomize build` prints a resource.
pub fn to_yaml(node: &Node) -> Result<String, value::Unsupported> {
    let mut s = String::new();
    write_yaml(&mut s, node)?;
    Ok(s)
}

/// [`to_yaml`] appending to `out`; on error `out` is left as it was.
pub fn write_yaml(out: &mut String, node: &Node) -> Result<(), value::Unsupported> {
    let start = out.len();
    if emit::emit_node_document(out, node).is_ok() {
        return Ok(());
    }
    out.truncate(start);
    // The error `to_out` meets first (in document order, not print order).
    let v = value::to_out(node)?;
    emit::emit_document(out, &v);
    Ok(())
}
