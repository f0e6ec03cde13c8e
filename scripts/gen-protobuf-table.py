#!/usr/bin/env python3
"""Generates crates/plumb-sandbox/src/protobuf/table.rs, the message table that drives the
Kubernetes protobuf decoder.

Facts and where they come from (all offline):

- Message types, field tags, wire shapes (scalar / message / map / repeated / bytes) and the
  message type of each message field: the prost-generated Rust of the `k8s-pb` crate
  (`#[prost(...)]` attributes), as `cargo info k8s-pb` leaves it in the cargo registry.
- JSON field names, in this order of preference:
  1. the Kubernetes v1.21.2 OpenAPI definitions in `crates/plumb-schema/data/k8s-v1.21.2.json`
     and `/work/shared/data/kubernetes-openapi-v1.21.2.bundle.json.gz` (when present);
  2. the serde field names of the `k8s-openapi` crate in the cargo registry (newer Kubernetes
     versions, so fields added after 1.21);
  3. lowerCamelCase of prost's snake_case name, with `NAME_OVERRIDES` for acronyms.
  prost's snake_case name matches a JSON name when both agree after lower-casing and dropping
  everything but letters and digits (`host_ip` ~ `hostIP`, `cluster_i_ps` ~ `clusterIPs`).
- Go type names (the `kind` a client sends) from the same OpenAPI definition names; prost
  renames `APIService` to `ApiService`, so names are matched case-insensitively.
- apiVersion -> proto package from the OpenAPI `gvk` table, the `k8s-openapi` resource
  constants and the `k8s-pb` `crate::Resource` impls.
- Which fields Go's JSON encoder omits when empty (`omit_empty`): Go's protobuf marshalling
  writes every non-pointer field, empty or not, while `json:",omitempty"` drops it. The
  fixtures `crates/plumb-sandbox/src/protobuf/testdata/<case>.pb` (request bodies kubectl
  sent) and `<case>.kubectl.json` (what kubectl prints for the same object with
  `--dry-run=client -o json`) show it: a field on the wire with an empty value that the JSON
  lacks is `omitempty`. A pointer field on the wire was set, so Go's JSON keeps it: the rule
  never drops a value a client meant to send. Likewise a repeated field off the wire that the
  JSON has as `null` is a nil slice without `omitempty` (`NULL_IF_ABSENT`).

Usage: scripts/gen-protobuf-table.py [--k8s-pb DIR] [--k8s-openapi DIR] [--out FILE]
"""

import argparse
import glob
import gzip
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates/plumb-sandbox/src/protobuf/table.rs")
SCHEMA = os.path.join(ROOT, "crates/plumb-schema/data/k8s-v1.21.2.json")
BUNDLE = "/work/shared/data/kubernetes-openapi-v1.21.2.bundle.json.gz"

# JSON names that neither OpenAPI source knows and that lowerCamelCase gets wrong.
# Keyed by "<definition name>.<prost field name>".
NAME_OVERRIDES = {
    "io.k8s.api.core.v1.PodLogOptions.insecure_skip_tls_verify_backend": "insecureSkipTLSVerifyBackend",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ConversionRequest.desired_api_version": "desiredAPIVersion",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.ConversionRequest.desired_api_version": "desiredAPIVersion",
    "io.k8s.apimachinery.pkg.apis.testapigroup.v1.CarpStatus.host_ip": "hostIP",
    "io.k8s.apimachinery.pkg.apis.testapigroup.v1.CarpStatus.carp_ip": "carpIP",
}

# Non-pointer `omitempty` fields no kubectl fixture shows (see `learn_presence`), from the Go
# types, as "<definition name>.<json name>".
OMIT_EMPTY_OVERRIDES = {
    # `kubectl certificate approve|deny` sends the CSR back; kubectl cannot print it as JSON.
    "io.k8s.api.certificates.v1.CertificateSigningRequestSpec.uid",
}

# Groups of proto packages that no source names a resource of; `meta.v1` serves the
# `meta.k8s.io` kinds (`Table`, `PartialObjectMetadata`, ...).
GROUP_OVERRIDES = {
    "io.k8s.api.admission": "admission.k8s.io",
    "io.k8s.api.apidiscovery": "apidiscovery.k8s.io",
    "io.k8s.api.imagepolicy": "imagepolicy.k8s.io",
    "io.k8s.metrics.pkg.apis.metrics": "metrics.k8s.io",
    "io.k8s.metrics.pkg.apis.custom_metrics": "custom.metrics.k8s.io",
    "io.k8s.metrics.pkg.apis.external_metrics": "external.metrics.k8s.io",
    "io.k8s.apimachinery.pkg.apis.meta": "meta.k8s.io",
}

# Messages whose JSON form is not an object (see `Special` in schema.rs).
SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "Quantity",
    "io.k8s.apimachinery.pkg.api.resource.QuantityValue": "Quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "IntOrString",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "MicroTime",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Duration": "Duration",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "RawJson",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "RawJson",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "RawJson",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSON": "RawJson",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "SchemaOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrArray": "SchemaOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "SchemaOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrBool": "SchemaOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "SchemaOrStringArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaPropsOrStringArray": "SchemaOrStringArray",
}
# Messages that wrap one `repeated string items = 1` and marshal as that JSON array
# (`ExtraValue` of authentication, authorization, certificates; `meta.v1.Verbs`).
ARRAY_WRAPPER_SUFFIXES = (".ExtraValue", "apis.meta.v1.Verbs")

SCALARS = {"string": "String", "bool": "Bool", "int32": "Int32", "int64": "Int64", "double": "Double"}


def norm(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


def lower_camel(snake):
    parts = snake.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def find_registry_crate(prefix):
    hits = sorted(glob.glob(os.path.expanduser(f"~/.cargo/registry/src/*/{prefix}-*/src")))
    return hits[-1] if hits else None


def def_prefix(rel_dir):
    """`api/core/v1` -> `io.k8s.api.core.v1`; `apiextensions_apiserver/pkg/...` -> `io.k8s.apiextensions-apiserver.pkg...`."""
    parts = rel_dir.split("/")
    parts[0] = parts[0].replace("_", "-")
    return "io.k8s." + ".".join(parts)


ATTR = re.compile(r"#\[prost\((.*)\)\]\s*$")
STRUCT = re.compile(r"^pub struct (\w+) \{")
RESOURCE = re.compile(r"^impl crate::Resource for (\w+) \{")


def parse_k8s_pb(src):
    """Returns ({def name: [(tag, snake, shape, repeated, type path)]}, {def prefix: api versions})."""
    messages = {}
    api_versions = {}
    for path in sorted(glob.glob(os.path.join(src, "**/mod.rs"), recursive=True)):
        rel = os.path.relpath(os.path.dirname(path), src)
        if rel == ".":
            continue
        prefix = def_prefix(rel)
        lines = open(path, encoding="utf-8").read().split("\n")
        current = None
        i = 0
        while i < len(lines):
            line = lines[i]
            m = STRUCT.match(line)
            if m:
                current = []
                messages[prefix + "." + m.group(1)] = current
            elif line == "}":
                current = None
            elif RESOURCE.match(line):
                for j in range(i + 1, i + 4):
                    av = re.search(r'const API_VERSION: &\'static str = "([^"]*)"', lines[j])
                    if av:
                        api_versions.setdefault(prefix, set()).add(av.group(1))
            elif current is not None:
                a = ATTR.search(line.strip())
                if a:
                    # The field declaration may span several lines; it ends with `,` at depth 0.
                    decl = ""
                    i += 1
                    while True:
                        decl += lines[i].strip()
                        if decl.count("<") == decl.count(">") and decl.endswith(","):
                            break
                        i += 1
                    current.append(parse_field(a.group(1), decl, prefix))
            i += 1
    return messages, api_versions


def parse_field(attr, decl, prefix):
    tag = int(re.search(r'tag = "(\d+)"', attr).group(1))
    m = re.match(r"pub (?:r#)?(\w+):\s*(.*),$", decl)
    snake, rust_type = m.group(1), m.group(2)
    repeated = ", repeated" in attr
    kind = attr.split(",")[0].strip()
    if kind.startswith("btree_map"):
        value = re.search(r'btree_map = "string, (\w+)"', attr).group(1)
        if value == "message":
            inner = rust_type.split(",", 1)[1].strip()
            return (tag, snake, "map_message", False, resolve(inner.rstrip(">").strip(), prefix))
        return (tag, snake, "map_" + value, False, None)
    if kind == "message":
        return (tag, snake, "message", repeated, resolve(rust_type, prefix))
    if kind.startswith("bytes"):
        return (tag, snake, "bytes", repeated, None)
    if kind in SCALARS:
        return (tag, snake, kind, repeated, None)
    raise SystemExit(f"unknown prost attribute {attr!r} in {prefix}")


def resolve(rust_type, prefix):
    """A field's Rust type (`Option<super::super::core::v1::PodSpec>`) -> definition name."""
    t = rust_type
    for wrapper in ("::core::option::Option<", "::prost::alloc::vec::Vec<", "::prost::alloc::boxed::Box<"):
        t = t.replace(wrapper, "")
    t = t.replace(">", "").replace(" ", "").rstrip(",")
    parts = t.split("::")
    if parts[0] == "crate":
        parts = parts[1:]
        base = []
    else:
        base = prefix[len("io.k8s.") :].split(".")
        while parts and parts[0] == "super":
            parts = parts[1:]
            base = base[:-1]
    path = "/".join(base + parts[:-1])
    return def_prefix(path) + "." + parts[-1]


def load_openapi():
    """{definition name: [json property names]} from the 1.21 OpenAPI sources, plus the gvk table."""
    props = {}
    gvk = {}
    with open(SCHEMA, encoding="utf-8") as f:
        compact = json.load(f)
    for name, d in compact["defs"].items():
        props[name] = list(d.get("p", {}).keys())
    for key, name in compact["gvk"].items():
        gvk[key] = name
    if os.path.exists(BUNDLE):
        with gzip.open(BUNDLE, "rt", encoding="utf-8") as f:
            bundle = json.load(f)
        for name, d in bundle["definitions"].items():
            props.setdefault(name, list(d.get("properties", {}).keys()))
        for r in bundle.get("resources", []):
            if "definition" in r:
                gvk.setdefault(r["apiVersion"] + "/" + r["kind"], r["definition"])
    return props, gvk


def load_k8s_openapi(src):
    """{definition name: [json names]} and {def prefix: api versions} from k8s-openapi's serde impls."""
    props = {}
    api_versions = {}
    if not src:
        return props, api_versions
    for vdir in sorted(glob.glob(os.path.join(src, "v1_*")), key=lambda p: int(p.rsplit("_", 1)[1])):
        for path in glob.glob(os.path.join(vdir, "**/*.rs"), recursive=True):
            text = open(path, encoding="utf-8").read()
            sn = re.search(r'fn schema_name\(\)[^{]*\{\s*"([^"]+)"', text)
            if not sn:
                continue
            name = sn.group(1)
            names = re.findall(r'^\s*"([^"]+)" => Field::Key_\w+,', text, re.M)
            props[name] = sorted(set(props.get(name, [])) | set(names))
            av = re.search(r'const API_VERSION: &\'static str = "([^"]*)"', text)
            if av:
                api_versions.setdefault(name.rsplit(".", 1)[0], set()).add(av.group(1))
    return props, api_versions


def find_inline(pb, canonical, props):
    """Fields holding a Go struct embedded with `json:",inline"` (`Volume.volumeSource`,
    `IngressRule.ingressRuleValue`, `Probe.handler`, ...): the parent's JSON properties lack the
    field's name but hold every JSON name of the embedded message."""
    by_canonical = {canonical[n]: pb[n] for n in pb}
    inline = set()

    def names_of(msg, seen=()):
        out = set()
        for _, snake, shape, repeated, target in by_canonical.get(msg, []):
            if (msg, snake) in inline and target not in seen:
                out |= names_of(canonical.get(target, target), seen + (msg,))
            else:
                out.add(norm(snake))
        return out

    # Embedded structs nest (`NamedRuleWithOperations` > `RuleWithOperations` > `Rule`):
    # iterate until nothing changes.
    changed = True
    while changed:
        changed = False
        for msg, fields in by_canonical.items():
            known = props.get(msg)
            if not known:
                continue
            for _, snake, shape, repeated, target in fields:
                if shape != "message" or repeated or norm(snake) in known or (msg, snake) in inline:
                    continue
                embedded = names_of(canonical.get(target, target))
                if embedded and embedded <= known:
                    inline.add((msg, snake))
                    changed = True
    for msg, snake in sorted(inline):
        print(f"inline: {msg}.{snake}", file=sys.stderr)
    return inline


FIXTURES = os.path.join(ROOT, "crates/plumb-sandbox/src/protobuf/testdata")


def wire_fields(data):
    """(tag, wire type, value) of one protobuf message."""
    i = 0

    def varint():
        nonlocal i
        shift = value = 0
        while True:
            b = data[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value

    while i < len(data):
        key = varint()
        tag, wt = key >> 3, key & 7
        if wt == 0:
            yield tag, wt, varint()
        elif wt == 1:
            yield tag, wt, data[i : i + 8]
            i += 8
        elif wt == 2:
            n = varint()
            yield tag, wt, data[i : i + n]
            i += n
        elif wt == 5:
            yield tag, wt, data[i : i + 4]
            i += 4
        else:
            raise SystemExit(f"wire type {wt} in a fixture")


def learn_presence(fields_of, special, versions):
    """({(message, tag)} on the wire with an empty value that kubectl's JSON lacks,
    {(message, tag)} repeated or map fields off the wire that kubectl's JSON has as `null`)."""
    omit = set()
    nulls = set()

    def walk(msg, data, js):
        if msg in special or not isinstance(js, dict):
            return
        fields = {f[0]: f for f in fields_of[msg]}
        seen = {}
        for tag, wt, val in wire_fields(data):
            if tag not in fields:
                continue
            _, jn, shape, repeated, target = fields[tag]
            index = seen[tag] = seen.get(tag, -1) + 1
            sub = js if jn == "" else js.get(jn)
            if shape == "message":
                if repeated:
                    sub = sub[index] if isinstance(sub, list) and index < len(sub) else None
                walk(target, val, sub)
            elif shape == "map_message":
                entry = dict((t, v) for t, _, v in wire_fields(val))
                key = entry.get(1, b"").decode()
                if isinstance(sub, dict):
                    walk(target, entry.get(2, b""), sub.get(key))
            elif not repeated and not shape.startswith("map") and jn not in js:
                if val in (0, b"") or (wt == 1 and val == bytes(8)):
                    omit.add((msg, tag))
        # Go writes a nil slice or map without `omitempty` as `null`.
        for tag, jn, shape, repeated, _ in fields_of[msg]:
            if tag not in seen and (repeated or shape.startswith("map")) and jn and js.get(jn, 0) is None:
                nulls.add((msg, tag))

    for path in sorted(glob.glob(os.path.join(FIXTURES, "*.pb"))):
        expected = path[: -len(".pb")] + ".kubectl.json"
        if not os.path.exists(expected):
            continue
        envelope = dict((t, v) for t, _, v in wire_fields(open(path, "rb").read()[4:]))
        type_meta = dict((t, v.decode()) for t, _, v in wire_fields(envelope[1]))
        package = versions[type_meta[1]]
        with open(expected, encoding="utf-8") as f:
            walk(f"{package}.{type_meta[2]}", envelope.get(2, b""), json.load(f))
    return omit, nulls


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--k8s-pb", default=find_registry_crate("k8s-pb"))
    ap.add_argument("--k8s-openapi", default=find_registry_crate("k8s-openapi"))
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    if not args.k8s_pb:
        sys.exit("k8s-pb sources not found; run `cargo info k8s-pb` first or pass --k8s-pb")

    pb, pb_versions = parse_k8s_pb(args.k8s_pb)
    openapi, gvk = load_openapi()
    newer, newer_versions = load_k8s_openapi(args.k8s_openapi)

    # Canonical (Go) type names: prost's `ApiService` is Go's `APIService`.
    known = {norm(n): n for n in list(newer) + list(openapi)}
    canonical = {}
    for name in pb:
        prefix = name.rsplit(".", 1)[0]
        canonical[name] = known.get(norm(name), name)
        if canonical[name].rsplit(".", 1)[0] != prefix:
            canonical[name] = name

    # apiVersion -> definition prefix.
    versions = {}
    for key, defn in gvk.items():
        api_version = key.rsplit("/", 1)[0]
        prefix = defn.rsplit(".", 1)[0]
        if ".apimachinery." not in prefix:
            versions.setdefault(api_version, prefix)
    for source in (pb_versions, newer_versions):
        for prefix, avs in source.items():
            for av in avs:
                versions.setdefault(av, prefix)
    pb_prefixes = {n.rsplit(".", 1)[0] for n in pb}
    versions = {av: p for av, p in versions.items() if p in pb_prefixes}
    # Versions no source names (apps/v1beta1, flowcontrol v1beta3, ...): the group of a sibling
    # version of the same package, else GROUP_OVERRIDES.
    groups = dict(GROUP_OVERRIDES)
    for av, prefix in versions.items():
        groups.setdefault(prefix.rsplit(".", 1)[0], av.rsplit("/", 1)[0] if "/" in av else "")
    for prefix in sorted(pb_prefixes):
        if prefix in versions.values() or ".testapigroup." in prefix:
            continue
        package, version = prefix.rsplit(".", 1)
        if package in groups:
            group = groups[package]
            versions.setdefault(f"{group}/{version}" if group else version, prefix)

    props = {}
    for name in canonical.values():
        props[name] = {norm(p) for p in newer.get(name, []) + openapi.get(name, [])}
    inline = find_inline(pb, canonical, props)

    unresolved = []
    names = sorted(canonical[n] for n in pb)
    index = {name: i for i, name in enumerate(names)}
    by_canonical = {canonical[n]: n for n in pb}
    rows = {}
    specials = {}
    for name in names:
        json_names = {norm(p): p for p in newer.get(name, []) + openapi.get(name, [])}
        special = SPECIAL.get(name)
        if special is None and name.endswith(ARRAY_WRAPPER_SUFFIXES):
            special = "StringArray"
        if special:
            specials[name] = special
        rows[name] = []
        for tag, snake, shape, repeated, target in sorted(pb[by_canonical[name]]):
            jn = NAME_OVERRIDES.get(f"{name}.{snake}") or json_names.get(norm(snake))
            if (name, snake) in inline:
                jn = ""
            elif jn is None:
                jn = lower_camel(snake)
                unresolved.append(f"{name}.{snake} -> {jn}")
            if target is not None:
                target = canonical.get(target, target)
                if target not in index:
                    sys.exit(f"{name}.{snake}: unknown message type {target}")
            rows[name].append((tag, jn, shape, repeated, target))
    json_fields = {f"{n}.{r[1]}" for n in rows for r in rows[n]}
    snake_fields = {f"{canonical[n]}.{f[1]}" for n in pb for f in pb[n]}
    stale = (OMIT_EMPTY_OVERRIDES - json_fields) | (set(NAME_OVERRIDES) - snake_fields)
    if stale:
        sys.exit(f"overrides naming no field: {sorted(stale)}")
    missing = set(SPECIAL) - set(specials)
    if missing:
        sys.exit(f"special messages not found: {sorted(missing)}")
    omit, nulls = learn_presence(rows, specials, versions)

    out = []
    out.append("// @generated by scripts/gen-protobuf-table.py from the k8s-pb and k8s-openapi crate")
    out.append("// sources, the Kubernetes OpenAPI definitions and the kubectl fixtures in testdata/.")
    out.append("// Do not edit; rerun the script.")
    out.append("")
    out.append("use super::schema::{Field, Message, Shape::*, Special, FLAGS};")
    out.append("")
    out.append("/// Every message type, sorted by definition name (binary-searchable).")
    out.append("pub(super) static MESSAGES: &[Message] = &[")
    for name in names:
        special = specials.get(name)
        out.append(f'    Message {{ name: "{name}", special: {"Some(Special::" + special + ")" if special else "None"}, fields: &[')
        for tag, jn, shape, repeated, target in rows[name]:
            rust_shape = {
                "message": f"Message({index.get(target)})",
                "map_message": f"MapMessage({index.get(target)})",
                "map_string": "MapString",
                "map_bytes": "MapBytes",
                "bytes": "Bytes",
            }.get(shape) or SCALARS[shape]
            omit_empty = (name, tag) in omit or f"{name}.{jn}" in OMIT_EMPTY_OVERRIDES
            flags = [
                flag
                for flag, on in (
                    ("REPEATED", repeated),
                    ("OMIT_EMPTY", omit_empty),
                    ("NULL_IF_ABSENT", (name, tag) in nulls),
                )
                if on
            ]
            out.append(f'        Field::new({tag}, "{jn}", {rust_shape}, {" | ".join(flags) or "0"}),')
        out.append("    ] },")
    out.append("];")
    out.append("")
    out.append("/// `apiVersion` -> definition-name prefix of its proto package, sorted by apiVersion.")
    out.append("pub(super) static API_VERSIONS: &[(&str, &str)] = &[")
    for av in sorted(versions):
        out.append(f'    ("{av}", "{versions[av]}"),')
    out.append("];")
    used = [flag for flag in ("NULL_IF_ABSENT", "OMIT_EMPTY", "REPEATED") if f" {flag}" in "\n".join(out)]
    out = [line.replace("FLAGS", ", ".join(used)).replace(", }", "}") for line in out]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {args.out}: {len(names)} messages, {len(versions)} api versions", file=sys.stderr)
    print(f"{len(omit)} fields learned as omitempty from the kubectl fixtures:", file=sys.stderr)
    for msg, tag in sorted(omit):
        print(f"  omit_empty: {msg} field {tag}", file=sys.stderr)
    for msg, tag in sorted(nulls):
        print(f"  null_if_absent: {msg} field {tag}", file=sys.stderr)
    if unresolved:
        print(f"{len(unresolved)} JSON names derived by lowerCamelCase:", file=sys.stderr)
        for u in unresolved:
            print("  " + u, file=sys.stderr)


if __name__ == "__main__":
    main()
