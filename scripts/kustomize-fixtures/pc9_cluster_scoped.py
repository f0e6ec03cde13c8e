from _common import KUST


def define(case, d):
    docs = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n  namespace: foo\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  namespace: foo\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: second-ns\n"
    one_ns = docs.split("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: second-ns\n")[0]
    case("namespace-cluster-scoped-with-explicit-namespace-and-namespace-object", {
        KUST: "namespace: bar\nresources:\n- r.yaml\n", "r.yaml": one_ns,
    })
    case("error-namespace-field-renames-two-namespace-objects", {
        KUST: "namespace: conflicting-target\nresources:\n- r.yaml\n", "r.yaml": docs,
    }, error="conflicting-target")
    case("resources-cluster-scoped-with-explicit-namespace-untouched", {
        KUST: "resources:\n- r.yaml\n", "r.yaml": docs,
    })
    case("resources-null-and-empty-map-documents-skipped", {
        KUST: "resources:\n- n.yaml\n- cm.yaml\n", "n.yaml": "--- null\n---\n{}\n---\n~\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n",
    })
