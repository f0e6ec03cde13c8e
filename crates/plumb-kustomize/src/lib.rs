//! Native Kustomize: `build` produces what `kustomize build` (v5.5) produces, byte for
//! byte, without a subprocess.
