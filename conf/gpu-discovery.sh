#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, and
# spark.worker.resource.gpu.discoveryScript on a standalone worker). Prints the GPUs this host offers,
# as Spark's ResourceInformation JSON:   {"name": "gpu", "addresses": ["0", "1"]}
# The addresses are CUDA device ordinals, which is what each task binds (TaskDevice). Where
# CUDA_VISIBLE_DEVICES restricts the process, the ordinals it can use are 0..k-1 for its k visible
# devices, whatever nvidia-smi numbers them.
# Exits 1 with a message on stderr when no GPU can be found: asking Spark for GPUs on a host without
# them should stop the executor, not run it on the CPU unnoticed.
set -euo pipefail

addresses=()
if [[ -n "${CUDA_VISIBLE_DEVICES+set}" && "${CUDA_VISIBLE_DEVICES}" != "all" ]]; then
  # set, even empty: CUDA sees exactly these (none when empty)
  IFS=',' read -r -a visible <<< "${CUDA_VISIBLE_DEVICES}"
  for i in "${!visible[@]}"; do
    [[ -n "${visible[$i]// /}" ]] && addresses+=("$i")
  done
elif command -v nvidia-smi > /dev/null 2>&1; then
  while read -r index; do
    [[ -n "$index" ]] && addresses+=("${index// /}")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader)
else
  echo "gpu-discovery.sh: nvidia-smi not found and CUDA_VISIBLE_DEVICES not set: no GPU on ${HOSTNAME:-this host}" >&2
  exit 1
fi

if [[ ${#addresses[@]} -eq 0 ]]; then
  echo "gpu-discovery.sh: no GPU found on ${HOSTNAME:-this host}" >&2
  exit 1
fi

json=""
for a in "${addresses[@]}"; do
  json+="${json:+, }\"$a\""
done
echo "{\"name\": \"gpu\", \"addresses\": [${json}]}"
