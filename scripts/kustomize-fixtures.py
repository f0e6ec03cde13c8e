#!/usr/bin/env python3
"""Writes the inputs of the plumb-kustomize conformance suite.

Every case is declared below with `case(name, files, ...)`; running this script (re)writes, for
each case, crates/plumb-kustomize/tests/conformance/<name>/{input/, root, flags, expected-error}
(plus files outside input/ for the deliberate escape cases). It keeps expected.yaml and
kustomize-error.txt: those come from kubectl only, via scripts/regen-kustomize-fixtures.sh.

Usage:
    scripts/kustomize-fixtures.py            # write all cases
    scripts/regen-kustomize-fixtures.sh      # then regenerate the expectations

Several parts live in scripts/kustomize-fixtures/*.py (imported below, in order).
"""

import os
import shutil
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "..", "crates", "plumb-kustomize", "tests", "conformance")
KEEP = {"expected.yaml", "kustomize-error.txt"}

CASES = {}


def d(s):
    """Dedents a triple-quoted block and drops its first newline."""
    if s.startswith("\n"):
        s = s[1:]
    return textwrap.dedent(s)


def case(name, files, root=None, flags=None, error=None, outside=None, symlinks=None):
    """Declares a case.

    files:    {path relative to input/: str | bytes}
    root:     build root relative to input/ (default ".")
    flags:    extra kubectl kustomize flags, one line
    error:    expected-error substring (kustomize must fail)
    outside:  {path relative to the case dir (not under input/): content} for escape cases
    symlinks: {link path relative to input/: link target (relative, as written by ln -s)}
    """
    assert name not in CASES, f"duplicate case {name}"
    assert name == name.lower() and " " not in name and "_" not in name, name
    CASES[name] = dict(files=files, root=root, flags=flags, error=error,
                       outside=outside or {}, symlinks=symlinks or {})


def write_case(name, c):
    cdir = os.path.join(CASES_DIR, name)
    os.makedirs(cdir, exist_ok=True)
    for entry in os.listdir(cdir):
        if entry in KEEP:
            continue
        p = os.path.join(cdir, entry)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.remove(p)
    os.makedirs(os.path.join(cdir, "input"), exist_ok=True)

    def put(base, rel, content):
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(path, mode, **({} if mode == "wb" else {"newline": ""})) as f:
            f.write(content)

    for rel, content in c["files"].items():
        if rel.endswith("/"):
            os.makedirs(os.path.join(cdir, "input", rel), exist_ok=True)
            continue
        put(os.path.join(cdir, "input"), rel, content)
    for rel, content in c["outside"].items():
        assert not rel.startswith("input/") and ".." not in rel, rel
        put(cdir, rel, content)
    for rel, target in c["symlinks"].items():
        path = os.path.join(cdir, "input", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # must stay inside the case directory
        resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
        assert resolved.startswith(os.path.normpath(cdir) + os.sep), (name, rel, target)
        os.symlink(target, path)
    if c["root"]:
        put(cdir, "root", c["root"] + "\n")
    if c["flags"]:
        put(cdir, "flags", c["flags"] + "\n")
    if c["error"]:
        put(cdir, "expected-error", c["error"] + "\n")


def referenced_paths(k):
    """Local paths a kustomization names (files and directories), as written."""
    out = []
    for f in ["resources", "bases", "components", "crds", "configurations", "transformers",
              "generators", "validators", "patchesStrategicMerge"]:
        for v in (k.get(f) or []):
            if isinstance(v, str) and "\n" not in v:
                out.append(v)
    for p in (k.get("patches") or []) + (k.get("patchesJson6902") or []) + (k.get("replacements") or []):
        if isinstance(p, dict) and p.get("path"):
            out.append(p["path"])
    for g in (k.get("configMapGenerator") or []) + (k.get("secretGenerator") or []):
        if not isinstance(g, dict):
            continue
        out += [f.split("=", 1)[-1] for f in (g.get("files") or [])]
        out += list(g.get("envs") or [])
        if g.get("env"):
            out.append(g["env"])
    if isinstance(k.get("openapi"), dict) and k["openapi"].get("path"):
        out.append(k["openapi"]["path"])
    return [o for o in out if isinstance(o, str) and "://" not in o and not o.startswith("git@")]


def check_references(name, c):
    """Nothing in a case may point outside its input/, except the declared escape cases."""
    try:
        import yaml
    except ImportError:
        return []
    cdir = os.path.join(CASES_DIR, name)
    root = os.path.realpath(os.path.join(cdir, "input"))
    bad = []
    for dp, _, fns in os.walk(os.path.join(cdir, "input")):
        for fn in fns:
            if fn not in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
                continue
            try:
                k = yaml.safe_load(open(os.path.join(dp, fn)))
            except Exception:
                continue
            if not isinstance(k, dict):
                continue
            for ref in referenced_paths(k):
                r = os.path.normpath(os.path.join(os.path.realpath(dp), ref))
                if r != root and not r.startswith(root + os.sep):
                    bad.append(f"{name}: {os.path.relpath(os.path.join(dp, fn), cdir)} names {ref}")
    return bad


def main():
    sys.path.insert(0, os.path.join(HERE, "kustomize-fixtures"))
    import importlib
    parts = sorted(f[:-3] for f in os.listdir(os.path.join(HERE, "kustomize-fixtures"))
                   if f.endswith(".py") and not f.startswith("_"))
    for part in parts:
        mod = importlib.import_module(part)
        mod.define(case, d)
    only = sys.argv[1:]
    os.makedirs(CASES_DIR, exist_ok=True)
    n = 0
    for name, c in CASES.items():
        if only and not any(o in name for o in only):
            continue
        write_case(name, c)
        n += 1
    problems = []
    for name, c in CASES.items():
        if not c["outside"] and not c["symlinks"]:
            problems += check_references(name, c)
    for p in problems:
        print(f"error: reference outside input/: {p}", file=sys.stderr)
    unknown = [e for e in os.listdir(CASES_DIR)
               if os.path.isdir(os.path.join(CASES_DIR, e)) and e not in CASES]
    for u in sorted(unknown):
        print(f"warning: {u} is not declared by the generator", file=sys.stderr)
    print(f"kustomize-fixtures: wrote {n} cases ({len(CASES)} declared)")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
