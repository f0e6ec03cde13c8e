from _common import KUST, configmap


def define(case, d):
    sub = {"sub/kustomization.yaml": "resources:\n- cm.yaml\n", "sub/cm.yaml": configmap("c")}
    case("error-kustomization-file-listed-as-resource", {
        **sub, KUST: "resources:\n- sub/kustomization.yaml\n",
    }, error="sub/kustomization.yaml")
    case("error-two-kustomization-files-in-one-directory", {
        **sub, KUST: "resources:\n- sub\n", "kustomization.yml": "resources:\n- sub\n",
    }, error="kustomization")
    case("error-empty-patch-file", {
        **sub, KUST: "resources:\n- sub\npatches:\n- path: empty-patch.yaml\n", "empty-patch.yaml": "",
    }, error="empty-patch.yaml")
    case("error-generator-file-is-a-directory", {
        **sub, KUST: "configMapGenerator:\n- name: x\n  files:\n  - sub\n",
    }, error="sub")
    case("error-same-directory-listed-twice", {
        **sub, KUST: "resources:\n- sub\n- sub\n",
    }, error="sub")
    case("error-scalar-document-as-resource", {
        KUST: "resources:\n- scalar.yaml\n", "scalar.yaml": "just a string\n",
    }, error="scalar.yaml")
    case("error-top-level-list-as-resource", {
        KUST: "resources:\n- toplist.yaml\n", "toplist.yaml": "- a\n- b\n",
    }, error="toplist.yaml")
    case("resources-comment-only-file-contributes-nothing", {
        **sub, KUST: "resources:\n- sub\n- empty.yaml\n", "empty.yaml": "# nothing here\n",
    })
    case("configmapgenerator-env-line-without-equals", {
        KUST: "configMapGenerator:\n- name: x\n  envs:\n  - bad.env\n", "bad.env": "GOOD=1\nNOEQUALS\n",
    })
    case("components-same-component-twice", {
        **sub, KUST: "resources:\n- sub\ncomponents:\n- comp\n- comp\n",
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: p-\n",
    })
    case("resources-document-without-apiversion", {
        KUST: "resources:\n- noapi.yaml\nnamespace: ns\n", "noapi.yaml": "kind: ConfigMap\nmetadata:\n  name: noapi\ndata:\n  a: b\n",
    })

    # a large input: 250 resources through prefix, namespace, labels, images and a patch
    docs = []
    for i in range(250):
        if i % 5 == 0:
            docs.append(f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i:03d}\nspec:\n  selector:\n    matchLabels:\n      app: svc-{i:03d}\n  template:\n    metadata:\n      labels:\n        app: svc-{i:03d}\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/svc:{i}\n        envFrom:\n        - configMapRef:\n            name: cfg-{i:03d}\n")
        else:
            docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-{i:03d}\ndata:\n  index: \"{i}\"\n  payload: {'x' * (i % 40)}y\n")
    case("resources-many-documents-performance", {
        KUST: "namePrefix: big-\nnamespace: bulk\ncommonLabels:\n  bulk: \"true\"\nimages:\n- name: registry.example.com/svc\n  newTag: pinned\npatches:\n- target:\n    kind: Deployment\n    labelSelector: app in (svc-000,svc-125,svc-245)\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 3\nresources:\n- many.yaml\n",
        "many.yaml": "---\n".join(docs),
    })
