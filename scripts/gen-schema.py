#!/usr/bin/env python3
"""Derive plumb-schema's compact table from the Kubernetes v1.21.2 OpenAPI bundle that
kustomize v5.5 embeds (see ../shared/data/README.md).

Keeps only the facts the merge logic needs: the structure ($ref, items,
additionalProperties, type) and the patch/list extensions. Descriptions are dropped.

usage: scripts/gen-schema.py [BUNDLE] > crates/plumb-schema/data/k8s-v1.21.2.json
"""
import gzip, json, sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/kubernetes-openapi-v1.21.2.bundle.json.gz"
doc = json.load(gzip.open(src))

def ref(r):
    return r.split("/")[-1]

def compact(p):
    out = {}
    if "$ref" in p:
        out["r"] = ref(p["$ref"])
    if "type" in p:
        out["t"] = p["type"]
    if "items" in p:
        out["i"] = compact(p["items"])
    if isinstance(p.get("additionalProperties"), dict):
        out["a"] = compact(p["additionalProperties"])
    for k, short in (("x-kubernetes-patch-merge-key", "mk"), ("x-kubernetes-patch-strategy", "ps"),
                     ("x-kubernetes-list-type", "lt"), ("x-kubernetes-list-map-keys", "lk"),
                     ("x-kubernetes-map-type", "mt")):
        if k in p:
            out[short] = p[k]
    return out

defs = {}
gvk = {}
for name, d in sorted(doc["definitions"].items()):
    c = compact(d)
    props = d.get("properties")
    if props:
        c["p"] = {k: compact(v) for k, v in props.items()}
    defs[name] = c
    for g in d.get("x-kubernetes-group-version-kind", []):
        av = g["version"] if not g["group"] else g["group"] + "/" + g["version"]
        gvk[av + "/" + g["kind"]] = name

scopes = {}
for r in doc.get("resources", []):
    if "scope" in r:
        scopes[r["apiVersion"] + "/" + r["kind"]] = r["scope"]

json.dump({"gvk": gvk, "scope": scopes, "defs": defs}, sys.stdout, separators=(",", ":"), sort_keys=True)
sys.stdout.write("\n")
