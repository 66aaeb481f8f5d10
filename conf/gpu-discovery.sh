#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, and
# spark.worker.resource.gpu.discoveryScript on a standalone worker). Prints the GPUs this host offers,
# as Spark's ResourceInformation JSON:   {"name": "gpu", "addresses": ["0", "1"]}
# The addresses are CUDA device ordinals, which is what each task binds (TaskDevice). Where
# CUDA_VISIBLE_DEVICES restricts the process, the ordinals it can use are 0..k-1 for its k visible
# devices, whatever nvidia-smi numbers them.
# Exits 1 with a message on stderr when no GPU can be found: asking Spark for GPUs on a host without
# them should stop the executor, not run it on the CPU unnoticed. Likewise for a GPU the backend the job
# computes with cannot run on (ADAN_GPU_BACKEND in the executor's environment, default dl4j):
#   dl4j     nd4j-cuda-11.6 1.0.0-M2.1 carries machine code for compute capability 3.7 and 5.0-8.6 and no
#            PTX, so it runs on 3.7 and 5.0-8.x and on nothing newer (no Hopper, 9.0, or later);
#   pytorch  libtorch 2.5.1+cu124 carries machine code for 5.0-9.0 and no PTX: 5.x-9.x, Maxwell to Hopper,
#            no Blackwell -- docs/GPU.md.
set -euo pipefail

backend="${ADAN_GPU_BACKEND:-dl4j}"
case "$backend" in
  dl4j) runs="3.7 and 5.0-8.x" natives="adan-spark's CUDA backend (nd4j-cuda-11.6 1.0.0-M2.1)" ;;
  pytorch) runs="5.0-9.x" natives="the PyTorch backend's CUDA build (libtorch 2.5.1+cu124)" ;;
  *) echo "gpu-discovery.sh: ADAN_GPU_BACKEND must be dl4j or pytorch, got '$backend'" >&2; exit 1 ;;
esac

# supported MAJOR MINOR: whether the backend's machine code runs on a device of that compute capability
supported() {
  local major=$1 minor=$2
  if [[ "$backend" == pytorch ]]; then
    (( major >= 5 && major <= 9 ))
  else
    (( (major == 3 && minor >= 7) || (major >= 5 && major <= 8) ))
  fi
}

# check INDEX UUID CAP: exits 1 naming the device when its compute capability is not supported
check() {
  local index=$1 uuid=$2 cap=$3
  if [[ ! "$cap" =~ ^([0-9]+)\.([0-9]+)$ ]]; then
    echo "gpu-discovery.sh: cannot read the compute capability of GPU $index ($uuid): '$cap'; not checked" >&2
    return 0
  fi
  if ! supported "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"; then
    echo "gpu-discovery.sh: GPU $index ($uuid) on ${HOSTNAME:-this host} has compute capability $cap;" \
      "$natives runs only on $runs (docs/GPU.md)" >&2
    exit 1
  fi
}

indices=() uuids=() caps=()
if command -v nvidia-smi > /dev/null 2>&1; then
  # compute_cap needs a recent driver; without it the devices are listed unchecked
  rows="$(nvidia-smi --query-gpu=index,uuid,compute_cap --format=csv,noheader 2> /dev/null)" \
    || rows="$(nvidia-smi --query-gpu=index,uuid --format=csv,noheader)"
  while IFS=',' read -r index uuid cap; do
    [[ -z "${index// /}" ]] && continue
    indices+=("${index// /}") uuids+=("${uuid// /}") caps+=("${cap// /}")
  done <<< "$rows"
fi

addresses=()
if [[ -n "${CUDA_VISIBLE_DEVICES+set}" && "${CUDA_VISIBLE_DEVICES}" != "all" ]]; then
  # set, even empty: CUDA sees exactly these (none when empty), by nvidia-smi index or UUID
  IFS=',' read -r -a visible <<< "${CUDA_VISIBLE_DEVICES}"
  for i in "${!visible[@]}"; do
    device="${visible[$i]// /}"
    [[ -z "$device" ]] && continue
    addresses+=("$i")
    for j in "${!indices[@]}"; do
      if [[ "${indices[$j]}" == "$device" || "${uuids[$j]}" == "$device" ]]; then
        check "${indices[$j]}" "${uuids[$j]}" "${caps[$j]}"
      fi
    done
  done
elif command -v nvidia-smi > /dev/null 2>&1; then
  for j in "${!indices[@]}"; do
    check "${indices[$j]}" "${uuids[$j]}" "${caps[$j]}"
    addresses+=("${indices[$j]}")
  done
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
