//! Fuzzes the YAML layer: parse any text, print every document as kustomize would,
//! and check that printing is stable (the printed text parses and prints the same).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plumb_kustomize::yaml::{parse_documents, to_yaml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(docs) = parse_documents(text) else { return };
    for doc in docs.into_iter().flatten() {
        let Ok(printed) = to_yaml(&doc) else { continue };
        let again = parse_documents(&printed).expect("printed YAML parses");
        let node = again.into_iter().flatten().next().expect("printed YAML has a document");
        let twice = to_yaml(&node).expect("printed YAML prints");
        assert_eq!(printed, twice, "printing is not stable");
    }
});
