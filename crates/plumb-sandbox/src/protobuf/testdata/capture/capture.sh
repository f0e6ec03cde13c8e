#!/bin/bash
# Re-captures the kubectl fixtures: testdata/<case>.pb (the body kubectl sends) and
# <case>.kubectl.json (kubectl's --dry-run=client -o json for the same command).
# Needs kubectl and python3; run from anywhere, then rerun scripts/gen-protobuf-table.py.
# `token*` and `csr-approve` have no dry-run JSON; their <case>.json is blessed by the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
testdata=$(dirname "$here")
work=$(mktemp -d)
port=18777
python3 "$here/recorder.py" $port "$work/out" &
server=$!
trap 'kill $server; rm -rf "$work"' EXIT
sleep 1
cat > "$work/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:$port"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
KC
export KUBECONFIG="$work/kubeconfig"
cd "$work"
printf '\x00\x01\xffbin' > bin.dat
echo hello > greeting.txt

# capture CASE [--no-dry-run] ARGS... [-- COMMAND...]
capture() {
  local case=$1; shift
  local dry=1
  if [ "$1" = --no-dry-run ]; then dry=0; shift; fi
  local args=() rest=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
  rest=("$@")
  rm -f out/*
  # The recorder answers writes with a bare Status, which some commands reject: only the
  # request body matters.
  kubectl "${args[@]}" "${rest[@]}" >/dev/null 2>&1 || true
  cp "$(ls out/*.bin | head -1)" "$testdata/$case.pb"
  if [ $dry = 1 ]; then
    kubectl "${args[@]}" --dry-run=client -o json "${rest[@]}" > "$testdata/$case.kubectl.json"
  fi
}

capture namespace create namespace ns1
capture configmap create configmap c --from-literal=a=b --from-literal=empty=
capture configmap-files create configmap cf --from-file=greeting.txt --from-file=bin.dat
capture secret-generic create secret generic s --from-literal=k=v
capture secret-docker-registry create secret docker-registry r --docker-server=reg.example --docker-username=u --docker-password=p
capture deployment create deployment d --image=nginx --replicas=2 --port=80
capture deployment-multi create deployment d2 --image=nginx --image=busybox --replicas=0
capture service-clusterip create service clusterip s --tcp=80:8080
capture service-nodeport create service nodeport np --tcp=80:web --node-port=30080
capture service-loadbalancer create service loadbalancer lb --tcp=443:8443
capture service-externalname create service externalname en --external-name=example.com
capture job create job j --image=busybox -- echo hi
capture job-from-cronjob create job manual --from=cronjob/cj
capture cronjob create cronjob cj --image=busybox "--schedule=*/5 * * * *" -- echo hi
capture role create role r --verb=get,list --resource=pods,deployments.apps
capture role-resource-names create role r2 --verb=get --resource=configmaps --resource-name=a --resource-name=b
capture rolebinding create rolebinding rb --role=r --user=alice --serviceaccount=default:sa
capture clusterrole create clusterrole cr --verb=get --non-resource-url=/healthz
capture clusterrole-aggregate create clusterrole agg --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true
capture clusterrolebinding create clusterrolebinding crb --clusterrole=cr --group=devs
capture serviceaccount create serviceaccount sa
capture quota create quota q --hard=cpu=1500m,memory=1Gi,pods=10
capture quota-scopes create quota q2 --hard=pods=2 --scopes=BestEffort
capture priorityclass create priorityclass pc --value=1000 --description=high
capture priorityclass-never create priorityclass pc2 --value=5 --preemption-policy=Never --global-default
capture pdb create pdb pdb --selector=app=x --min-available=50%
capture pdb-max-unavailable create pdb pdb2 --selector=app=y --max-unavailable=1
capture ingress create ingress ing --rule=foo.com/bar=svc:80 --class=nginx
capture ingress-tls create ingress ing2 "--rule=foo.com/*=svc:http,tls=my-cert" --default-backend=defsvc:80 --annotation=a=b
capture token --no-dry-run create token sa --duration=10m --audience=api
capture token-bound --no-dry-run create token sa --bound-object-kind=Pod --bound-object-name=p --bound-object-uid=123
capture csr-approve --no-dry-run certificate approve csr1
