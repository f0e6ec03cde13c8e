//! The schema of apimachinery's test struct `MergeItem` (from `patch_test.go`), so the
//! upstream strategic-merge test cases run unchanged.
//!
//! ```go
//! type MergeItem struct {
//!     Name, Value, Other     string
//!     MergingList           []MergeItem          `patchStrategy:"merge" patchMergeKey:"name"`
//!     NonMergingList        []MergeItem
//!     MergingIntList        []int                `patchStrategy:"merge"`
//!     NonMergingIntList     []int
//!     MergeItemPtr          *MergeItem           `patchStrategy:"merge" patchMergeKey:"name"`
//!     SimpleMap             map[string]string
//!     ReplacingItem         runtime.RawExtension `patchStrategy:"replace"`
//!     RetainKeysMap         RetainKeysMergeItem  `patchStrategy:"retainKeys"`
//!     RetainKeysMergingList []MergeItem          `patchStrategy:"merge,retainKeys" patchMergeKey:"name"`
//! }
//! ```

use super::meta::PatchMeta;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Def {
    MergeItem,
    RetainKeysMergeItem,
    StringMap,
    MergeItemList,
    IntList,
    Scalar,
    RawExtension,
}

/// A position in the `MergeItem` schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MergeItemSchema {
    def: Def,
    strategy: Option<&'static str>,
    merge_key: Option<&'static str>,
}

impl MergeItemSchema {
    /// The root: a `MergeItem`.
    pub(crate) fn root() -> Self {
        Self::plain(Def::MergeItem)
    }

    fn plain(def: Def) -> Self {
        MergeItemSchema {
            def,
            strategy: None,
            merge_key: None,
        }
    }

    fn with(def: Def, strategy: &'static str, merge_key: Option<&'static str>) -> Self {
        MergeItemSchema {
            def,
            strategy: Some(strategy),
            merge_key,
        }
    }
}

impl PatchMeta for MergeItemSchema {
    fn child(&self, key: &str) -> Option<Self> {
        let merging_list = || MergeItemSchema::with(Def::MergeItemList, "merge", Some("name"));
        let merging_int_list = || MergeItemSchema::with(Def::IntList, "merge", None);
        match (self.def, key) {
            (Def::MergeItem | Def::RetainKeysMergeItem, "name" | "value" | "other") => {
                Some(Self::plain(Def::Scalar))
            }
            (Def::MergeItem | Def::RetainKeysMergeItem, "mergingList") => Some(merging_list()),
            (Def::MergeItem | Def::RetainKeysMergeItem, "nonMergingList") => {
                Some(Self::plain(Def::MergeItemList))
            }
            (Def::MergeItem | Def::RetainKeysMergeItem, "mergingIntList") => {
                Some(merging_int_list())
            }
            (Def::MergeItem | Def::RetainKeysMergeItem, "simpleMap") => {
                Some(Self::plain(Def::StringMap))
            }
            (Def::MergeItem, "nonMergingIntList") => Some(Self::plain(Def::IntList)),
            (Def::MergeItem, "mergeItemPtr") => Some(merging_list()),
            (Def::MergeItem, "replacingItem") => {
                Some(Self::with(Def::RawExtension, "replace", None))
            }
            (Def::MergeItem, "retainKeysMap") => {
                Some(Self::with(Def::RetainKeysMergeItem, "retainKeys", None))
            }
            (Def::MergeItem, "retainKeysMergingList") => Some(Self::with(
                Def::MergeItemList,
                "merge,retainKeys",
                Some("name"),
            )),
            (Def::StringMap, _) => Some(Self::plain(Def::Scalar)),
            _ => None,
        }
    }

    fn items(&self) -> Option<Self> {
        match self.def {
            Def::MergeItemList => Some(Self::plain(Def::MergeItem)),
            Def::IntList => Some(Self::plain(Def::Scalar)),
            _ => None,
        }
    }

    fn patch_merge_key(&self) -> Option<&str> {
        self.merge_key
    }

    fn patch_strategy(&self) -> Option<&str> {
        self.strategy
    }

    fn name(&self) -> String {
        format!("{:?}", self.def)
    }
}
