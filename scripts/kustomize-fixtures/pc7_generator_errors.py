from _common import KUST


def define(case, d):
    case("error-configmapgenerator-literal-and-env-same-key", {
        KUST: "configMapGenerator:\n- name: g\n  literals:\n  - CLASHING=1\n  envs:\n  - a.env\n", "a.env": "CLASHING=2\n",
    }, error="CLASHING")
    case("error-configmapgenerator-literal-and-file-same-key", {
        KUST: "configMapGenerator:\n- name: g\n  literals:\n  - clashing.txt=1\n  files:\n  - clashing.txt\n", "clashing.txt": "x\n",
    }, error="clashing.txt")
    case("error-configmapgenerator-literal-twice", {
        KUST: "configMapGenerator:\n- name: g\n  literals:\n  - TWICE=1\n  - TWICE=2\n",
    }, error="TWICE")
    case("error-configmapgenerator-literal-empty-key", {
        KUST: "configMapGenerator:\n- name: g\n  literals:\n  - =novalue\n",
    }, error="=novalue")
    case("error-configmapgenerator-file-empty-key", {
        KUST: "configMapGenerator:\n- name: g\n  files:\n  - =keyless.txt\n", "keyless.txt": "x\n",
    }, error="keyless.txt")
    case("error-configmapgenerator-without-name", {
        KUST: "configMapGenerator:\n- literals:\n  - a=b\n",
    }, error="configMapGenerator")
    case("error-secretgenerator-empty-name", {
        KUST: "secretGenerator:\n- name: \"\"\n  literals:\n  - a=b\n",
    }, error="secretGenerator")
