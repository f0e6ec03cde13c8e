//! Fuzzes the YAML layer: parse any text, print every document as kustomize would,
//! and check that printing is stable (the printed text parses and prints the same).
//! Whatever the fast reader for resource files accepts must read as saphyr reads it.
//! go-yaml prints U+0085, U+2028 and U+2029 raw inside quoted scalars, followed by an
//! indent, which does not read back the same; kustomize prints exactly that (see the
//! emitter's regression test), so texts holding them are only printed, not compared.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plumb_kustomize::yaml::{fast::parse_mapping_documents, parse_documents, to_yaml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let slow = parse_documents(text);
    if let Some(fast) = parse_mapping_documents(text) {
        let slow: Vec<_> = slow.clone().expect("saphyr reads what the fast reader reads")
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(fast, slow, "the fast reader and saphyr disagree");
    }
    let Ok(docs) = slow else { return };
    let quirky = text.contains(['\u{85}', '\u{2028}', '\u{2029}']);
    for doc in docs.into_iter().flatten() {
        let Ok(printed) = to_yaml(&doc) else { continue };
        if quirky || printed.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
            continue;
        }
        let again = parse_documents(&printed).expect("printed YAML parses");
        let node = again.into_iter().flatten().next().expect("printed YAML has a document");
        let twice = to_yaml(&node).expect("printed YAML prints");
        assert_eq!(printed, twice, "printing is not stable");
    }
});
