#!/usr/bin/env bash
# The PyTorch backend against PyTorch itself and against the DL4J backend, on the same cores, in one run:
# examples/s of one micro-batch's gradient (forward + backward, summed cross-entropy) for LeNet, the residual
# net (resnet:depth=8:width=16) and the residual net with batch normalisation, on 128 real Fashion-MNIST
# images. PyTorch is Debian's python3-torch (benchmarks/torch_gradients.py); the PyTorch backend runs the same
# networks, saved by that script as TorchScript, through adan-spark's port (TorchGradientThroughput, which
# also times the flat copies of θ in and the gradient out); DL4J runs its lenet and resnet presets
# (GradientThroughput; it has no batch-normalised residual preset).
#
#   benchmarks/torch-backend.sh [--quick] [--rounds N] [--out-dir DIR]
#
# The rounds run the three in turn, so drift on a shared machine hits all of them alike. Writes
# DIR/torch-backend.csv and .txt (machine, command). Needs the benchmarks module built
# (mvn -pl benchmarks -am install -DskipTests) and /usr/bin/python3 with python3-torch.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/benchmarks/lib/rounds.sh"
threads=2
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
python=/usr/bin/python3
modules="$root/benchmarks/target/torchscript"
mkdir -p "$out"
csv="$out/torch-backend.csv"
"$python" "$root/benchmarks/torch_gradients.py" --data-dir "$data" --models lenet,resnet,resnet-bn --save-torchscript "$modules"

echo "config,model,batch,threads,examples_per_sec,gradient_sha256,copy_ms,pass_ms,round" > "$csv"
start=$(date +%s)
for ((r = 1; r <= rounds; r++)); do
  "$python" "$root/benchmarks/torch_gradients.py" --data-dir "$data" --threads "$threads" --seconds "$seconds" \
      --models lenet,resnet,resnet-bn | sed -n 's/^RESULT //p' \
    | awk -F, -v r="$r" 'BEGIN{OFS=","} {print $1,$2,$3,$4,$7,"","","",r}' | tee -a "$csv"
  java -Xmx4g -Dbench.dir="$modules" -Dbench.seconds="$seconds" -Dbench.threads="$threads" -cp "$cp" \
      org.adanspark.bench.TorchGradientThroughput 2>/dev/null | sed -n 's/^RESULT //p' \
    | awk -F, -v r="$r" 'BEGIN{OFS=","} {print $1,$2,$3,$4,$7,$8,$9,$10,r}' | tee -a "$csv"
  # DL4J on as many threads: OMP_NUM_THREADS sets ND4J's pool when it loads
  OMP_NUM_THREADS=$threads java -Xmx4g -Dbench.models=lenet,resnet -Dbench.seconds="$seconds" -cp "$cp" \
      org.adanspark.bench.GradientThroughput 2>/dev/null | sed -n 's/^RESULT //p' \
    | awk -F, -v r="$r" 'BEGIN{OFS=","} {print "dl4j " $1,$2,$3,$4,$7,$8,"","",r}' | tee -a "$csv"
done
{
  echo "benchmarks/torch-backend.sh$([[ $quick == 1 ]] && echo ' --quick') --rounds $rounds"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB,"\
       "$(java -version 2>&1 | head -1), $("$python" -c 'import torch; print("torch", torch.__version__)'), $(date -u +%Y-%m-%d)"
  echo "micro-batch 128 real Fashion-MNIST images, $seconds s per measurement after 3 warm-up passes, $threads threads;"\
       "wall time $(( $(date +%s) - start )) s"
} > "$out/torch-backend.txt"
echo "wrote $csv and $out/torch-backend.txt"
