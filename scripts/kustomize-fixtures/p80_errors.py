from _common import KUST, deployment, service, configmap


def define(case, d):
    cm = configmap("c")
    # ---------------------------------------------------------------- refused features
    case("error-helmcharts-field", {
        KUST: "helmCharts:\n- name: minecraft\n  repo: https://itzg.github.io/minecraft-server-charts\n  version: 3.1.3\n  releaseName: moria\n",
    }, error="helmCharts")
    case("error-helmchartinflationgenerator-in-generators", {
        KUST: "generators:\n- helm.yaml\n",
        "helm.yaml": "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n  name: chart\nname: minecraft\nrepo: https://itzg.github.io/minecraft-server-charts\nreleaseName: moria\n",
    }, error="generators")
    case("error-remote-url-resource", {
        KUST: "resources:\n- https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0\n",
    }, error="resources")
    case("error-remote-git-component", {
        KUST: "resources:\n- cm.yaml\ncomponents:\n- git@github.com:example/components.git//logging?ref=main\n",
        "cm.yaml": cm,
    }, error="git@github.com:example/components.git//logging?ref=main")
    case("error-remote-url-patch-file", {
        KUST: "resources:\n- cm.yaml\npatches:\n- path: https://raw.githubusercontent.com/example/repo/main/patch.yaml\n",
        "cm.yaml": cm,
    }, error="https://raw.githubusercontent.com/example/repo/main/patch.yaml")
    case("error-exec-function-transformer", {
        KUST: "resources:\n- cm.yaml\ntransformers:\n- exec-fn.yaml\n",
        "cm.yaml": cm,
        "exec-fn.yaml": d("""
        apiVersion: example.com/v1
        kind: Sed
        metadata:
          name: sed
          annotations:
            config.kubernetes.io/function: |
              exec:
                path: ./sed.sh
        """),
        "sed.sh": "#!/bin/sh\ncat\n",
    }, error="transformers")
    case("error-krm-container-function-generator", {
        KUST: "generators:\n- fn.yaml\n",
        "fn.yaml": d("""
        apiVersion: example.com/v1
        kind: Generate
        metadata:
          name: gen
          annotations:
            config.kubernetes.io/function: |
              container:
                image: example.com/generate:v1
        """),
    }, error="generators")
    case("error-legacy-exec-plugin-kind", {
        KUST: "resources:\n- cm.yaml\ntransformers:\n- plugin.yaml\n",
        "cm.yaml": cm,
        "plugin.yaml": "apiVersion: someteam.example.com/v1\nkind: ChartInflator\nmetadata:\n  name: notImportantHere\nchartName: minecraft\n",
    }, error="transformers")

    # ---------------------------------------------------------------- missing files
    case("error-missing-resource-file", {
        KUST: "resources:\n- deployment.yaml\n- missing-service.yaml\n",
        "deployment.yaml": deployment(),
    }, error="missing-service.yaml")
    case("error-missing-patch-file", {
        KUST: "resources:\n- deployment.yaml\npatches:\n- path: patch-not-there.yaml\n",
        "deployment.yaml": deployment(),
    }, error="patch-not-there.yaml")
    case("error-missing-configmap-generator-file", {
        KUST: "configMapGenerator:\n- name: cfg\n  files:\n  - settings-absent.ini\n",
    }, error="settings-absent.ini")
    case("error-missing-env-file", {
        KUST: "secretGenerator:\n- name: s\n  envs:\n  - absent.env\n",
    }, error="absent.env")
    case("error-missing-component-directory", {
        KUST: "resources:\n- cm.yaml\ncomponents:\n- components/not-here\n",
        "cm.yaml": cm,
    }, error="not-here")
    case("error-directory-without-kustomization", {
        KUST: "resources:\n- plain-dir\n",
        "plain-dir/cm.yaml": cm,
    }, error="plain-dir")
    case("error-build-root-without-kustomization", {
        "cm.yaml": cm,
        "README.md": "no kustomization here\n",
    }, error="kustomization")

    # ---------------------------------------------------------------- load restrictions and escapes
    case("error-configmap-file-outside-root", {
        "app/kustomization.yaml": "configMapGenerator:\n- name: cfg\n  files:\n  - ../secret.txt\n",
        "secret.txt": "top secret\n",
    }, root="app", error="secret.txt")
    case("error-configmap-file-outside-input-tree", {
        KUST: "configMapGenerator:\n- name: cfg\n  files:\n  - ../outside/secret.txt\n",
    }, outside={"outside/secret.txt": "outside of input/\n"}, error="secret.txt")
    case("error-resource-file-outside-root", {
        "app/kustomization.yaml": "resources:\n- ../shared.yaml\n",
        "shared.yaml": cm,
    }, root="app", error="shared.yaml")
    case("error-patch-file-outside-root", {
        "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: ../patches/p.yaml\n",
        "app/cm.yaml": cm,
        "patches/p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: y\n",
    }, root="app", error="p.yaml")
    case("error-symlink-file-outside-input-tree", {
        KUST: "resources:\n- escape-link.yaml\n",
    }, outside={"outside/target.yaml": cm}, symlinks={"escape-link.yaml": "../outside/target.yaml"},
        error="escape-link.yaml")
    case("error-symlink-dir-outside-root", {
        "app/kustomization.yaml": "resources:\n- linked/cm.yaml\n",
        "shared/cm.yaml": cm,
    }, symlinks={"app/linked": "../shared"}, root="app", error="linked")
    case("loadrestrictor-none-allows-file-outside-root", {
        "app/kustomization.yaml": "resources:\n- ../shared.yaml\nconfigMapGenerator:\n- name: cfg\n  files:\n  - ../secret.txt\n",
        "shared.yaml": cm,
        "secret.txt": "shared secret\n",
    }, root="app", flags="--load-restrictor LoadRestrictionsNone")
    case("loadrestrictor-none-allows-patch-outside-root", {
        "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: ../patches/p.yaml\n",
        "app/cm.yaml": cm,
        "patches/p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: y\n",
    }, root="app", flags="--load-restrictor LoadRestrictionsNone")
    case("loadrestrictor-rootonly-allows-base-directories-outside-root", {
        "overlay/kustomization.yaml": "resources:\n- ../base\n",
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": cm,
    }, root="overlay")
    case("loadrestrictor-symlink-inside-root-allowed", {
        KUST: "resources:\n- link.yaml\n",
        "real/cm.yaml": cm,
    }, symlinks={"link.yaml": "real/cm.yaml"})

    # ---------------------------------------------------------------- structural errors
    case("error-cycle-between-kustomizations", {
        "cycle-a/kustomization.yaml": "resources:\n- ../cycle-b\n",
        "cycle-b/kustomization.yaml": "resources:\n- ../cycle-a\n",
    }, root="cycle-a", error="cycle-a")
    case("error-self-reference", {
        "selfloop/kustomization.yaml": "resources:\n- ../selfloop\n",
    }, root="selfloop", error="selfloop")
    case("error-malformed-yaml-resource", {
        KUST: "resources:\n- broken.yaml\n",
        "broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  key: [unclosed\n  other: value\n",
    }, error="broken.yaml")
    case("error-malformed-kustomization", {
        KUST: "resources:\n  - a.yaml\n bad-indent: true\n",
    }, error="kustomization.yaml")
    case("error-alias-bomb-billion-laughs", {
        KUST: "resources:\n- bomb.yaml\n",
        "bomb.yaml": d("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: lol
        data:
          a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
          b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
          c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
          d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
          e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
          f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
          g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
          h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
          i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """),
    }, error="bomb.yaml")
    case("error-alias-bomb-in-kustomization", {
        KUST: d("""
        resources:
        - cm.yaml
        commonAnnotations:
          a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
          b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
          c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
          d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
          e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
          f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
          g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
          h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
          i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """),
        "cm.yaml": cm,
    }, error="kustomization.yaml")
    case("error-patch-target-does-not-exist", {
        KUST: "resources:\n- deployment.yaml\npatchesStrategicMerge:\n- ghost-patch.yaml\n",
        "deployment.yaml": deployment(),
        "ghost-patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ghost\nspec:\n  replicas: 2\n",
    }, error="ghost")
    case("error-patches-smp-without-target-no-match", {
        KUST: "resources:\n- deployment.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: phantom\n    spec:\n      type: NodePort\n",
        "deployment.yaml": deployment(),
    }, error="phantom")
    case("error-duplicate-resource-ids", {
        KUST: "resources:\n- one.yaml\n- two.yaml\n",
        "one.yaml": configmap("twice-defined"),
        "two.yaml": configmap("twice-defined", {"other": "value"}),
    }, error="twice-defined")
    case("error-duplicate-resource-via-two-paths", {
        KUST: "resources:\n- base\n- base/cm.yaml\n",
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": configmap("listed-twice"),
    }, error="listed-twice")
    case("error-duplicate-generator-names", {
        KUST: "configMapGenerator:\n- name: same-generated\n  literals:\n  - a=1\n- name: same-generated\n  literals:\n  - b=2\n",
    }, error="same-generated")
    case("error-unknown-kustomization-field", {
        KUST: "resources:\n- cm.yaml\nresourcez:\n- other.yaml\n",
        "cm.yaml": cm,
    }, error="resourcez")
    case("error-component-listed-in-resources", {
        KUST: "resources:\n- comp\n",
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: c-\n",
    }, error="comp")
    case("error-kustomization-listed-in-components", {
        KUST: "resources:\n- cm.yaml\ncomponents:\n- notcomp\n",
        "cm.yaml": cm,
        "notcomp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: n-\n",
    }, error="notcomp")
    case("error-behavior-merge-without-existing", {
        KUST: "configMapGenerator:\n- name: orphan-merge\n  behavior: merge\n  literals:\n  - a=b\n",
    }, error="orphan-merge")
    case("configmapgenerator-behavior-unknown-value-accepted", {
        KUST: "configMapGenerator:\n- name: cfg\n  behavior: upsert\n  literals:\n  - a=b\n",
    })
    case("error-literal-without-equals", {
        KUST: "configMapGenerator:\n- name: cfg\n  literals:\n  - JUST_A_KEY\n",
    }, error="JUST_A_KEY")
    case("error-env-file-repeated-key", {
        KUST: "configMapGenerator:\n- name: env\n  envs:\n  - a.env\n  - b.env\n",
        "a.env": "REPEATED_KEY=1\n",
        "b.env": "REPEATED_KEY=2\n",
    }, error="REPEATED_KEY")
    case("error-resource-missing-metadata-name", {
        KUST: "resources:\n- nameless.yaml\n",
        "nameless.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\ndata:\n  k: v\n",
    }, error="nameless.yaml")
    case("error-resource-missing-kind", {
        KUST: "resources:\n- kindless.yaml\n",
        "kindless.yaml": "apiVersion: v1\nmetadata:\n  name: kindless\ndata:\n  k: v\n",
    }, error="kindless")
    case("patches-json6902-replace-missing-path-adds", {
        KUST: "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: replace\n      path: /data/not-a-key\n      value: x\n",
        "cm.yaml": cm,
    })
    case("error-json6902-test-op-fails", {
        KUST: "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: test\n      path: /data/LOG_LEVEL\n      value: expected-debug\n",
        "cm.yaml": cm,
    }, error="LOG_LEVEL")
    case("patches-json6902-name-change-without-option", {
        KUST: "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: replace\n      path: /metadata/name\n      value: new-forbidden-name\n",
        "cm.yaml": cm,
    })
    case("error-replacement-source-not-found", {
        KUST: "resources:\n- cm.yaml\nreplacements:\n- source:\n    kind: Secret\n    name: nonexistent-source\n    fieldPath: data.x\n  targets:\n  - select:\n      kind: ConfigMap\n    fieldPaths:\n    - data.LOG_LEVEL\n",
        "cm.yaml": cm,
    }, error="nonexistent-source")
    case("error-replacement-target-field-missing-without-create", {
        KUST: "resources:\n- cm.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    fieldPath: data.LOG_LEVEL\n  targets:\n  - select:\n      kind: ConfigMap\n    fieldPaths:\n    - metadata.annotations.not-created\n",
        "cm.yaml": cm,
    }, error="metadata.annotations.not-created")
    case("error-var-objref-not-found", {
        KUST: "resources:\n- cm.yaml\nvars:\n- name: MISSING_VAR\n  objref:\n    kind: Service\n    name: no-such-service\n    apiVersion: v1\n",
        "cm.yaml": cm,
    }, error="MISSING_VAR")
    case("error-validator-modifies-resources", {
        KUST: "resources:\n- cm.yaml\nvalidators:\n- ann.yaml\n",
        "cm.yaml": cm,
        "ann.yaml": "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: sneaky\nannotations:\n  modified: \"yes\"\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n",
    }, error="validators")
    case("error-literal-key-null-word", {
        KUST: "configMapGenerator:\n- name: nullkey\n  literals:\n  - NULL=value\n",
    }, error="nullkey")
