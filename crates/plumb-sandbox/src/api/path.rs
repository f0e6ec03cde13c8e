//! Request paths: `/api/v1/namespaces/ns/pods/x/status` and friends.

/// A parsed resource path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePath {
    pub group: String,
    pub version: String,
    pub namespace: Option<String>,
    pub plural: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// What a request path addresses.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/<group>`
    Group(String),
    /// `/api/v1`, `/apis/<group>/<version>`
    Resources {
        group: String,
        version: String,
    },
    Resource(ResourcePath),
    Other,
}

/// Parses a request path.
pub fn parse(path: &str) -> Target {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api"] => return Target::CoreVersions,
        ["apis"] => return Target::Groups,
        ["apis", g] => return Target::Group((*g).to_string()),
        ["api", v] => {
            return Target::Resources {
                group: String::new(),
                version: (*v).to_string(),
            };
        }
        ["apis", g, v] => {
            return Target::Resources {
                group: (*g).to_string(),
                version: (*v).to_string(),
            };
        }
        ["api", v, rest @ ..] => (String::new(), (*v).to_string(), rest),
        ["apis", g, v, rest @ ..] => ((*g).to_string(), (*v).to_string(), rest),
        _ => return Target::Other,
    };
    if rest.iter().any(|s| s.is_empty()) {
        return Target::Other;
    }
    let owned = |s: &&str| (*s).to_string();
    let (namespace, plural, name, subresource) = match rest {
        // The namespaces resource itself.
        ["namespaces"] => (None, "namespaces", None, None),
        ["namespaces", n] => (None, "namespaces", Some(owned(n)), None),
        ["namespaces", n, sub @ ("status" | "finalize")] => {
            (None, "namespaces", Some(owned(n)), Some(owned(sub)))
        }
        ["namespaces", ns, plural] => (Some(owned(ns)), *plural, None, None),
        ["namespaces", ns, plural, name] => (Some(owned(ns)), *plural, Some(owned(name)), None),
        ["namespaces", ns, plural, name, sub] => (
            Some(owned(ns)),
            *plural,
            Some(owned(name)),
            Some(owned(sub)),
        ),
        [plural] => (None, *plural, None, None),
        [plural, name] => (None, *plural, Some(owned(name)), None),
        [plural, name, sub] => (None, *plural, Some(owned(name)), Some(owned(sub))),
        _ => return Target::Other,
    };
    Target::Resource(ResourcePath {
        group,
        version,
        namespace,
        plural: plural.to_string(),
        name,
        subresource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(path: &str) -> ResourcePath {
        match parse(path) {
            Target::Resource(r) => r,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn namespaced_and_cluster_paths_are_told_apart() {
        let r = res("/apis/apps/v1/namespaces/prod/deployments/web/scale");
        assert_eq!(
            (r.group.as_str(), r.namespace.as_deref(), r.plural.as_str()),
            ("apps", Some("prod"), "deployments")
        );
        assert_eq!(r.name.as_deref(), Some("web"));
        assert_eq!(r.subresource.as_deref(), Some("scale"));
        let ns = res("/api/v1/namespaces/prod");
        assert_eq!(
            (ns.plural.as_str(), ns.name.as_deref()),
            ("namespaces", Some("prod"))
        );
        assert_eq!(ns.namespace, None);
        let all = res("/api/v1/pods");
        assert_eq!((all.plural.as_str(), all.namespace), ("pods", None));
        let st = res("/api/v1/namespaces/prod/status");
        assert_eq!(st.subresource.as_deref(), Some("status"));
    }

    #[test]
    fn discovery_paths_are_recognised() {
        assert_eq!(parse("/api"), Target::CoreVersions);
        assert_eq!(parse("/apis/"), Target::Groups);
        assert_eq!(parse("/apis/apps"), Target::Group("apps".into()));
        assert_eq!(
            parse("/apis/apps/v1"),
            Target::Resources {
                group: "apps".into(),
                version: "v1".into()
            }
        );
    }
}
