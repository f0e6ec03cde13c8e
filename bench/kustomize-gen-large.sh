#!/usr/bin/env bash
# Writes the large Kustomize benchmark tree into $1: a base of 500 resources
# (250 Deployments, 250 Services) with 20 ConfigMap generators, and an overlay
# with a name prefix, labels, a namespace, images, replicas, a secret generator,
# a strategic-merge patch on every Deployment and a JSON patch.
set -euo pipefail
out=${1:?usage: kustomize-gen-large.sh DIR}
mkdir -p "$out/base" "$out/overlay"
{
  echo "resources:"
  for i in $(seq 0 249); do echo "- app-$i.yaml"; done
  echo "configMapGenerator:"
  for i in $(seq 0 19); do
    echo "- name: cfg-$i"
    echo "  literals:"
    echo "  - LOG_LEVEL=info"
    echo "  - INDEX=\"$i\""
  done
} > "$out/base/kustomization.yaml"
for i in $(seq 0 249); do
  c=$((i % 20))
  cat > "$out/base/app-$i.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-$i
  labels:
    app: app-$i
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app-$i
  template:
    metadata:
      labels:
        app: app-$i
    spec:
      containers:
      - name: main
        image: registry.example.com/app:v1.0.0
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: cfg-$c
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
---
apiVersion: v1
kind: Service
metadata:
  name: app-$i
spec:
  selector:
    app: app-$i
  ports:
  - name: http
    port: 80
    targetPort: 8080
YAML
done
cat > "$out/overlay/kustomization.yaml" <<'YAML'
namespace: bench
namePrefix: prod-
labels:
- pairs:
    env: prod
  includeSelectors: true
commonAnnotations:
  owner: platform
resources:
- ../base
images:
- name: registry.example.com/app
  newTag: v1.2.0
replicas:
- name: app-7
  count: 3
secretGenerator:
- name: creds
  literals:
  - password=hunter2
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            resources:
              limits:
                memory: 256Mi
            env:
            - name: ENV
              value: prod
- target:
    kind: Service
  patch: |-
    - op: add
      path: /metadata/annotations/bench
      value: "yes"
YAML
