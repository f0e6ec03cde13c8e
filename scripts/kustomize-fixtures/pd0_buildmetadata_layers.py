from _common import KUST, configmap, deployment


def define(case, d):
    layers = {
        "base/kustomization.yaml": "resources:\n- cm.yaml\n- sub\nconfigMapGenerator:\n- name: base-gen\n  literals:\n  - a=b\n",
        "base/cm.yaml": configmap("base-cm"),
        "base/sub/kustomization.yaml": "resources:\n- deploy.yaml\n",
        "base/sub/deploy.yaml": deployment("deep"),
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- comp-cm.yaml\n",
        "comp/comp-cm.yaml": configmap("comp-cm"),
    }
    case("buildmetadata-origin-annotations-across-layers", {
        **layers,
        "overlay/kustomization.yaml": "buildMetadata:\n- originAnnotations\nnamePrefix: o-\nresources:\n- ../base\ncomponents:\n- ../comp\ngenerators:\n- |-\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  metadata:\n    name: plugin-gen\n  literals:\n  - x=y\n",
    }, root="overlay")
    case("buildmetadata-transformer-annotations-across-layers", {
        **layers,
        "base/kustomization.yaml": "buildMetadata:\n- transformerAnnotations\nnamespace: base-ns\nresources:\n- cm.yaml\n- sub\nconfigMapGenerator:\n- name: base-gen\n  literals:\n  - a=b\n",
        "overlay/kustomization.yaml": "buildMetadata:\n- transformerAnnotations\nnamePrefix: o-\nimages:\n- name: nginx\n  newTag: x\nresources:\n- ../base\ncomponents:\n- ../comp\n",
    }, root="overlay")
