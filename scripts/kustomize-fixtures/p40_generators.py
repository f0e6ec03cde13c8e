from _common import KUST, deployment, service, configmap


def define(case, d):
    uses = lambda *names: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: consumer\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom:\n" + "".join(
        f"    - {'secretRef' if n.startswith('s:') else 'configMapRef'}:\n        name: {n[2:] if n.startswith('s:') else n}\n" for n in names)
    # ---------------------------------------------------------------- configMapGenerator
    case("configmapgenerator-literals", {
        KUST: "configMapGenerator:\n- name: app\n  literals:\n  - LOG_LEVEL=debug\n  - WORKERS=4\n  - EMPTY=\n  - URL=https://example.com/?a=b&c=d\n",
    })
    case("configmapgenerator-files", {
        KUST: "configMapGenerator:\n- name: files\n  files:\n  - application.properties\n  - config/nginx.conf\n",
        "application.properties": "server.port=8080\nspring.profiles.active=prod\n",
        "config/nginx.conf": "server {\n    listen 80;\n    location / {\n        return 200 'ok';\n    }\n}\n",
    })
    case("configmapgenerator-files-with-custom-key", {
        KUST: "configMapGenerator:\n- name: files\n  files:\n  - app.json=settings/production.json\n  - plain.txt\n",
        "settings/production.json": '{\n  "debug": false,\n  "items": [1, 2, 3]\n}\n',
        "plain.txt": "no trailing newline",
    })
    case("configmapgenerator-envs", {
        KUST: "configMapGenerator:\n- name: env\n  envs:\n  - app.env\n  - extra.env\n",
        "app.env": "# comment line\nDB_HOST=db.internal\n\nDB_PORT=5432\nQUOTED=\"with quotes\"\nSPACES=  padded value  \nexport_NOT=1\n",
        "extra.env": "FEATURE=on\nLAST=true\n",
    })
    case("configmapgenerator-env-legacy-singular-field", {
        KUST: "configMapGenerator:\n- name: env\n  env: app.env\n",
        "app.env": "A=1\nB=2\n",
    })
    case("configmapgenerator-literal-quoting", {
        KUST: d("""
        configMapGenerator:
        - name: quoting
          literals:
          - BOOL=true
          - NO=no
          - OCTAL=0123
          - EXP=1e3
          - NULLISH=null
          - TILDE=~
          - FLOAT=1.50
          - COLON=a:b
          - HASH=#not-a-comment
          - SPACE=two words
          - 'SQ=''single quoted'''
          - DQ="double quoted"
          - LEADING= leading
          - MULTI=a=b=c
        """),
    })
    case("configmapgenerator-multiline-and-unicode-files", {
        KUST: "configMapGenerator:\n- name: texts\n  files:\n  - motd.txt\n  - unicode.txt\n  - trailing-spaces.txt\n  - crlf.txt\n",
        "motd.txt": "Welcome!\n\n  indented line\nlast line\n",
        "unicode.txt": "héllo wörld — ✓ 日本語 🚀\n",
        "trailing-spaces.txt": "line with trailing spaces   \nnext\n",
        "crlf.txt": "windows\r\nline endings\r\n",
    })
    case("configmapgenerator-binary-file", {
        KUST: "configMapGenerator:\n- name: bin\n  files:\n  - logo.bin\n  - text.txt\n",
        "logo.bin": bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF, 0xFE, 0x10, 0x80]),
        "text.txt": "plain\n",
    })
    case("configmapgenerator-behavior-merge", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: settings\n  literals:\n  - A=1\n  - B=2\n",
        "overlay/kustomization.yaml": "resources:\n- ../base\nconfigMapGenerator:\n- name: settings\n  behavior: merge\n  literals:\n  - B=20\n  - C=3\n",
    }, root="overlay")
    case("configmapgenerator-behavior-replace", {
        "base/kustomization.yaml": "configMapGenerator:\n- name: settings\n  literals:\n  - A=1\n  - B=2\n",
        "overlay/kustomization.yaml": "resources:\n- ../base\nconfigMapGenerator:\n- name: settings\n  behavior: replace\n  literals:\n  - Z=26\n",
    }, root="overlay")
    case("configmapgenerator-behavior-create-explicit", {
        KUST: "configMapGenerator:\n- name: one\n  behavior: create\n  literals:\n  - a=1\n- name: two\n  literals:\n  - b=2\n",
    })
    case("configmapgenerator-merge-with-prefix-and-namespace", {
        "base/kustomization.yaml": "namePrefix: base-\nnamespace: app\nresources:\n- pod.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - A=1\n",
        "base/pod.yaml": uses("settings"),
        "overlay/kustomization.yaml": "namePrefix: prod-\nresources:\n- ../base\nconfigMapGenerator:\n- name: settings\n  namespace: app\n  behavior: merge\n  literals:\n  - A=2\n",
    }, root="overlay")
    case("configmapgenerator-options-labels-annotations", {
        KUST: d("""
        configMapGenerator:
        - name: labelled
          literals:
          - k=v
          options:
            labels:
              app: shop
              generated: "true"
            annotations:
              note: from options
        """),
    })
    case("configmapgenerator-disable-name-suffix-hash", {
        KUST: "resources:\n- pod.yaml\nconfigMapGenerator:\n- name: fixed\n  literals:\n  - k=v\n  options:\n    disableNameSuffixHash: true\n- name: hashed\n  literals:\n  - k=v\n",
        "pod.yaml": uses("fixed", "hashed"),
    })
    case("configmapgenerator-immutable", {
        KUST: "configMapGenerator:\n- name: frozen\n  literals:\n  - k=v\n  options:\n    immutable: true\n",
    })
    case("configmapgenerator-namespace-field", {
        KUST: "configMapGenerator:\n- name: placed\n  namespace: elsewhere\n  literals:\n  - k=v\n- name: default-ns\n  literals:\n  - k=v\n",
    })
    case("configmapgenerator-sorted-keys-and-mixed-sources", {
        KUST: "configMapGenerator:\n- name: mixed\n  literals:\n  - zebra=z\n  - apple=a\n  files:\n  - middle.txt\n  envs:\n  - vars.env\n",
        "middle.txt": "m\n",
        "vars.env": "BANANA=b\n",
    })
    case("configmapgenerator-with-kustomization-namespace", {
        KUST: "namespace: ns1\nconfigMapGenerator:\n- name: c\n  literals:\n  - a=b\n",
    })

    # ---------------------------------------------------------------- secretGenerator
    case("secretgenerator-literals", {
        KUST: "secretGenerator:\n- name: creds\n  literals:\n  - username=admin\n  - password=p@ss:w0rd!\n",
    })
    case("secretgenerator-files", {
        KUST: "secretGenerator:\n- name: keys\n  files:\n  - id_rsa.pub\n  - token=token.txt\n",
        "id_rsa.pub": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC example@host\n",
        "token.txt": "t0k3n",
    })
    case("secretgenerator-envs", {
        KUST: "secretGenerator:\n- name: env-secret\n  envs:\n  - secret.env\n",
        "secret.env": "API_KEY=abc123\nAPI_SECRET=def456\n",
    })
    case("secretgenerator-type-tls", {
        KUST: "secretGenerator:\n- name: tls\n  type: kubernetes.io/tls\n  files:\n  - tls.crt\n  - tls.key\n",
        "tls.crt": "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n",
        "tls.key": "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----\n",
    })
    case("secretgenerator-behavior-merge", {
        "base/kustomization.yaml": "secretGenerator:\n- name: creds\n  literals:\n  - user=base\n  - pass=base\n",
        "overlay/kustomization.yaml": "resources:\n- ../base\nsecretGenerator:\n- name: creds\n  behavior: merge\n  literals:\n  - pass=overlay\n",
    }, root="overlay")
    case("secretgenerator-options-disable-hash-immutable", {
        KUST: "secretGenerator:\n- name: static\n  literals:\n  - k=v\n  options:\n    disableNameSuffixHash: true\n    immutable: true\n    labels:\n      kind: static\n",
    })
    case("secretgenerator-referenced-by-workloads", {
        KUST: "namePrefix: app-\nresources:\n- deploy.yaml\nsecretGenerator:\n- name: db\n  literals:\n  - password=secret\n- name: docker\n  type: kubernetes.io/dockerconfigjson\n  files:\n  - .dockerconfigjson=docker.json\n",
        "docker.json": '{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}\n',
        "deploy.yaml": deployment("web", extra_container="        env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: db\n              key: password\n", extra_pod="      imagePullSecrets:\n      - name: docker\n      volumes:\n      - name: db\n        secret:\n          secretName: db\n"),
    })

    # ---------------------------------------------------------------- generatorOptions
    case("generatoroptions-disable-hash", {
        KUST: "generatorOptions:\n  disableNameSuffixHash: true\nconfigMapGenerator:\n- name: a\n  literals:\n  - k=v\nsecretGenerator:\n- name: b\n  literals:\n  - k=v\n",
    })
    case("generatoroptions-labels-annotations", {
        KUST: "generatorOptions:\n  labels:\n    generated-by: kustomize\n  annotations:\n    note: global\nconfigMapGenerator:\n- name: a\n  literals:\n  - k=v\n  options:\n    labels:\n      local: \"yes\"\n    annotations:\n      note: local\n",
    })
    case("generatoroptions-immutable", {
        KUST: "generatorOptions:\n  immutable: true\nconfigMapGenerator:\n- name: a\n  literals:\n  - k=v\nsecretGenerator:\n- name: s\n  literals:\n  - k=v\n",
    })
    case("generatoroptions-per-generator-overrides-global", {
        KUST: "generatorOptions:\n  disableNameSuffixHash: true\nconfigMapGenerator:\n- name: global\n  literals:\n  - k=v\n- name: local\n  literals:\n  - k=v\n  options:\n    disableNameSuffixHash: false\n",
    })

    # ---------------------------------------------------------------- hashes and references
    case("generator-hash-rewritten-in-workloads", {
        KUST: "resources:\n- all.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=1\nsecretGenerator:\n- name: sec\n  literals:\n  - b=2\n",
        "all.yaml": "---\n".join([
            deployment("web", extra_container="        envFrom:\n        - configMapRef:\n            name: cfg\n        - secretRef:\n            name: sec\n"),
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: job\nspec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: j\n            image: busybox\n          volumes:\n          - name: c\n            configMap:\n              name: cfg\n          - name: s\n            secret:\n              secretName: sec\n",
        ]),
    })
    case("generator-hash-with-prefix-suffix-and-namespace", {
        KUST: "namePrefix: shop-\nnameSuffix: -eu\nnamespace: shop\nresources:\n- pod.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n",
        "pod.yaml": uses("cfg"),
    })
    case("generator-hash-overlay-merge-rehash", {
        "base/kustomization.yaml": "resources:\n- pod.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n",
        "base/pod.yaml": uses("cfg"),
        "overlay/kustomization.yaml": "namePrefix: o-\nresources:\n- ../base\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals:\n  - b=2\n",
    }, root="overlay")
    case("generator-hash-unaffected-by-labels-order", {
        KUST: "commonLabels:\n  z: last\n  a: first\nconfigMapGenerator:\n- name: one\n  literals:\n  - y=2\n  - x=1\n- name: two\n  literals:\n  - x=1\n  - y=2\n",
    })
    case("generator-hash-existing-configmap-not-hashed", {
        KUST: "resources:\n- cm.yaml\n- pod.yaml\nconfigMapGenerator:\n- name: generated\n  literals:\n  - a=1\n",
        "cm.yaml": configmap("plain"),
        "pod.yaml": uses("plain", "generated"),
    })

    # ---------------------------------------------------------------- replacements
    src = d("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: env-config
      annotations:
        image: registry.example.com/app:9.9.9
    data:
      HOSTNAME: api.example.com
      PORT: "8443"
      DOMAIN: example.com
      REGION: eu-west-1
    ---
    """)
    target_deploy = deployment("app", image="app:placeholder", extra_container="        env:\n        - name: HOST\n          value: placeholder\n        - name: PORT\n          value: \"0\"\n        args:\n        - --listen=0.0.0.0:PORT\n        - --region=REGION\n")
    ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app\nspec:\n  rules:\n  - host: placeholder.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: app\n            port:\n              number: 80\n"
    rres = {"res.yaml": src + target_deploy + "---\n" + ing}
    case("replacements-basic-fieldpath", {
        **rres,
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: ConfigMap
            name: env-config
            fieldPath: data.HOSTNAME
          targets:
          - select:
              kind: Ingress
              name: app
            fieldPaths:
            - spec.rules.0.host
        """),
    })
    case("replacements-into-list-by-name", {
        **rres,
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: ConfigMap
            fieldPath: data.HOSTNAME
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.[name=app].env.[name=HOST].value
        - source:
            kind: ConfigMap
            fieldPath: data.PORT
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.[name=app].env.[name=PORT].value
        """),
    })
    case("replacements-delimiter-and-index", {
        **rres,
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: ConfigMap
            fieldPath: data.PORT
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.0.args.0
            options:
              delimiter: ':'
              index: 1
        - source:
            kind: ConfigMap
            fieldPath: data.REGION
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.0.args.1
            options:
              delimiter: '='
              index: 1
        - source:
            kind: ConfigMap
            fieldPath: metadata.annotations.image
            options:
              delimiter: ':'
              index: 1
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.0.image
            options:
              delimiter: ':'
              index: 1
        """),
    })
    case("replacements-create-missing-fields", {
        **rres,
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: ConfigMap
            fieldPath: data.REGION
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.metadata.annotations.region
            - metadata.labels.region
            options:
              create: true
        """),
    })
    case("replacements-from-file", {
        **rres,
        KUST: "resources:\n- res.yaml\nreplacements:\n- path: replacement.yaml\n",
        "replacement.yaml": d("""
        source:
          kind: ConfigMap
          name: env-config
          fieldPath: data.DOMAIN
        targets:
        - select:
            kind: Ingress
          fieldPaths:
          - spec.rules.0.host
          options:
            delimiter: .
            index: 1
        """),
    })
    case("replacements-reject-and-multiple-targets", {
        "res.yaml": src + deployment("a", image="x") + "---\n" + deployment("b", image="x") + "---\n" + deployment("c", image="x", app="special"),
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: ConfigMap
            fieldPath: metadata.annotations.image
          targets:
          - select:
              kind: Deployment
            reject:
            - name: b
            - labelSelector: app=special
            fieldPaths:
            - spec.template.spec.containers.0.image
        """),
    })
    case("replacements-wildcard-all-containers", {
        "res.yaml": src + deployment("a", image="x", extra_container="        env:\n        - name: REGION\n          value: none\n      - name: second\n        image: y\n        env:\n        - name: REGION\n          value: none\n"),
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: ConfigMap
            fieldPath: data.REGION
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.*.env.[name=REGION].value
        """),
    })
    case("replacements-source-is-generated-configmap-name", {
        "deploy.yaml": deployment("app", extra_container="        env:\n        - name: CONFIG_NAME\n          value: tbd\n"),
        KUST: "namePrefix: x-\nresources:\n- deploy.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=b\n" + d("""
        replacements:
        - source:
            kind: ConfigMap
            name: cfg
            fieldPath: metadata.name
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.template.spec.containers.0.env.0.value
        """),
    })
    case("replacements-non-string-values", {
        "res.yaml": d("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: sizes
        data:
          replicas: "3"
        ---
        apiVersion: example.com/v1
        kind: Settings
        metadata:
          name: s
        spec:
          count: 7
          enabled: true
        ---
        """) + deployment("app"),
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: Settings
            fieldPath: spec.count
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - spec.replicas
        - source:
            kind: Settings
            fieldPath: spec.enabled
          targets:
          - select:
              kind: Deployment
            fieldPaths:
            - metadata.annotations.enabled
            options:
              create: true
        - source:
            kind: ConfigMap
            fieldPath: data.replicas
          targets:
          - select:
              kind: Settings
            fieldPaths:
            - spec.count
        """),
    })
    case("replacements-whole-map-value", {
        "res.yaml": src + deployment("app"),
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            kind: Deployment
            fieldPath: spec.selector.matchLabels
          targets:
          - select:
              kind: ConfigMap
            fieldPaths:
            - metadata.labels
            options:
              create: true
        """),
    })
    case("replacements-select-by-group-version-namespace", {
        "res.yaml": src.replace("name: env-config\n", "name: env-config\n  namespace: conf\n") + deployment("app") + "---\n" + deployment("app").replace("  name: app\n", "  name: app\n  namespace: other\n", 1),
        KUST: "resources:\n- res.yaml\n" + d("""
        replacements:
        - source:
            version: v1
            kind: ConfigMap
            name: env-config
            namespace: conf
            fieldPath: data.REGION
          targets:
          - select:
              group: apps
              version: v1
              kind: Deployment
              namespace: other
            fieldPaths:
            - metadata.annotations.region
            options:
              create: true
        """),
    })

    # ---------------------------------------------------------------- vars (legacy)
    case("vars-service-name-in-args", {
        "res.yaml": service("db", port=5432, target=5432) + "---\n" + deployment("app", extra_container="        args:\n        - --db-host=$(DB_SERVICE)\n        - --unknown=$(NOT_A_VAR)\n        command:\n        - /app\n        - --port=$(DB_PORT)\n"),
        KUST: "namePrefix: pre-\nresources:\n- res.yaml\n" + d("""
        vars:
        - name: DB_SERVICE
          objref:
            kind: Service
            name: db
            apiVersion: v1
        - name: DB_PORT
          objref:
            kind: Service
            name: db
            apiVersion: v1
          fieldref:
            fieldpath: spec.ports[0].port
        """),
    })
    case("vars-configmap-data-in-env", {
        "res.yaml": configmap("settings", {"region": "eu-west-1"}) + "---\n" + deployment("app", extra_container="        env:\n        - name: REGION\n          value: $(REGION)\n        - name: NAME\n          value: region-$(REGION)-x\n"),
        KUST: "resources:\n- res.yaml\n" + d("""
        vars:
        - name: REGION
          objref:
            kind: ConfigMap
            name: settings
            apiVersion: v1
          fieldref:
            fieldpath: data.region
        """),
    })
    case("vars-in-ingress-and-annotations", {
        "res.yaml": service("web") + "---\n" + "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    target: $(WEB_SVC)\nspec:\n  rules:\n  - host: $(WEB_SVC).example.com\n",
        KUST: "namespace: edge\nresources:\n- res.yaml\nvars:\n- name: WEB_SVC\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\n- name: WEB_NS\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\n  fieldref:\n    fieldpath: metadata.namespace\n",
    })
    case("vars-from-base-used-in-overlay", {
        "base/kustomization.yaml": "resources:\n- svc.yaml\nvars:\n- name: SVC\n  objref:\n    kind: Service\n    name: backend\n    apiVersion: v1\n",
        "base/svc.yaml": service("backend"),
        "overlay/kustomization.yaml": "namePrefix: prod-\nresources:\n- ../base\n- deploy.yaml\n",
        "overlay/deploy.yaml": deployment("frontend", extra_container="        args:\n        - --backend=http://$(SVC):80\n"),
    }, root="overlay")
    case("vars-configuration-custom-varreference", {
        "res.yaml": service("db") + "---\napiVersion: example.com/v1\nkind: App\nmetadata:\n  name: a\nspec:\n  database: $(DB)\n  untouched: $(DB)\n",
        "varref.yaml": "varReference:\n- path: spec/database\n  kind: App\n",
        KUST: "resources:\n- res.yaml\nconfigurations:\n- varref.yaml\nvars:\n- name: DB\n  objref:\n    kind: Service\n    name: db\n    apiVersion: v1\n",
    })
