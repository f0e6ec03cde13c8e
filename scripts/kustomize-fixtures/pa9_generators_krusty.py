from _common import KUST


def define(case, d):
    case("configmapgenerator-and-secretgenerator-same-sources", {
        KUST: d("""
        namePrefix: blah-
        configMapGenerator:
        - name: bob
          literals:
          - fruit=apple
          - vegetable=broccoli
          envs:
          - foo.env
          files:
          - passphrase=phrase.dat
          - forces.txt
        - name: json
          literals:
          - 'v2=[{"path": "var/cache"}]'
          - >-
            locations=[{"path":
            "var/cache",
            "maxSize": 32000000000,
            "freeSpacePercent": 1.0}]
        secretGenerator:
        - name: bob
          literals:
          - fruit=apple
          - vegetable=broccoli
          envs:
          - foo.env
          files:
          - passphrase=phrase.dat
          - forces.txt
        """),
        "foo.env": "\nMOUNTAIN=everest\nOCEAN=pacific\n",
        "phrase.dat": "\nShort days.\nLong years.\n",
        "forces.txt": "\ngravitational\nelectromagnetic\nstrong nuclear\nweak nuclear\n",
    })
    case("configmapgenerator-duplicate-fields-in-kustomization-last-wins", {
        KUST: "namePrefix: blah-\nconfigMapGenerator:\n- name: bob\n  behavior: create\n  literals:\n  - bean=pinto\n  literals:\n  - fruit=apple\n  files:\n  - forces.txt\n  files:\n  - nobles=nobility.txt\n",
        "forces.txt": "gravity\n",
        "nobility.txt": "\nhelium\nneon\n",
    })
    case("configmapgenerator-merge-through-two-overlay-branches", {
        "base1/kustomization.yaml": "namePrefix: p1-\nconfigMapGenerator:\n- name: com1\n  behavior: create\n  literals:\n  - from=base\n",
        "base2/kustomization.yaml": "namePrefix: p2-\nconfigMapGenerator:\n- name: com2\n  behavior: create\n  literals:\n  - from=base\n",
        "overlay/o1/kustomization.yaml": "resources:\n- ../../base1\nconfigMapGenerator:\n- name: com1\n  behavior: merge\n  literals:\n  - from=overlay\n",
        "overlay/o2/kustomization.yaml": "resources:\n- ../../base2\nconfigMapGenerator:\n- name: com2\n  behavior: merge\n  literals:\n  - from=overlay\n",
        "overlay/kustomization.yaml": "resources:\n- o1\n- o2\nconfigMapGenerator:\n- name: com1\n  behavior: merge\n  literals:\n  - foo=bar\n  - baz=qux\n",
    }, root="overlay")
    case("configmapgenerator-merge-by-prefixed-and-suffixed-names", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cm\n  behavior: create\n  literals:\n  - foo=bar\n",
        "o1/kustomization.yaml": "resources:\n- ../base\nnamePrefix: o1-\n",
        "o2/kustomization.yaml": "resources:\n- ../base\nnameSuffix: -o2\n",
        KUST: "resources:\n- o1\n- o2\nconfigMapGenerator:\n- name: o1-cm\n  behavior: merge\n  literals:\n  - big=bang\n- name: cm-o2\n  behavior: merge\n  literals:\n  - big=crunch\n",
    })
