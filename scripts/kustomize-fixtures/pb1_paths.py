from _common import KUST, configmap, deployment


def define(case, d):
    case("resources-path-normalisation-with-dotdot", {
        "overlays/prod/kustomization.yaml": "resources:\n- ../../base/../base\n- ./../prod/../../shared/./cm.yaml\n",
        "base/kustomization.yaml": "resources:\n- ./deploy.yaml\n",
        "base/deploy.yaml": deployment("web"),
        "shared/cm.yaml": configmap("shared"),
    }, root="overlays/prod", flags="--load-restrictor LoadRestrictionsNone")
    case("resources-directory-names-with-spaces-and-unicode", {
        KUST: "resources:\n- \"my base\"\n- \"données/cm.yaml\"\nconfigMapGenerator:\n- name: files\n  files:\n  - \"file with spaces.txt\"\n  - \"clé=données/valeur.txt\"\n",
        "my base/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "my base/deploy.yaml": deployment("spaced"),
        "données/cm.yaml": configmap("unicode-dir"),
        "données/valeur.txt": "v\n",
        "file with spaces.txt": "content\n",
    })
    case("resources-hidden-directory", {
        KUST: "resources:\n- .hidden\n",
        ".hidden/kustomization.yaml": "resources:\n- cm.yaml\n",
        ".hidden/cm.yaml": configmap("from-hidden"),
    })
    case("error-same-file-two-spellings", {
        KUST: "resources:\n- ./cm.yaml\n- cm.yaml\n",
        "cm.yaml": configmap("spelled-twice"),
    }, error="spelled-twice")
    case("error-resource-path-with-dotdot-escaping-root", {
        "app/kustomization.yaml": "resources:\n- ../app/../other/cm.yaml\n",
        "other/cm.yaml": configmap("escaped"),
    }, root="app", error="cm.yaml")
