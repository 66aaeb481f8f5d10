#!/usr/bin/env bash
# ND4J's native variants against PyTorch on the same cores, in one run: examples/s of one micro-batch's
# gradient (forward + backward) for lenet, resnet and mlp:256 on real Fashion-MNIST images, through
# GradientThroughput (one JVM per variant: JavaCPP picks the variant at load time) and torch_gradients.py.
#
#   benchmarks/nd4j-variants.sh [--quick] [--rounds N] [--out-dir DIR]
#
# Configurations: each nd4j-native variant (generic x86-64, -avx2, -avx512, -onednn, -onednn-avx2) with
# DL4J's layer helpers on (adan-spark's default), the generic build with them off (DL4J 1.0.0-M2.1's
# default), the default variant without workspaces, and PyTorch (Debian's python3-torch) on as many
# threads. The rounds run the configurations in turn, so drift on a shared machine hits all of them alike.
# Writes DIR/nd4j-variants.csv (one row per configuration, model and round) and .txt (machine, command).
# Needs the benchmarks module built (mvn -pl benchmarks -am install -DskipTests) and the variant jars in
# the local Maven repository (the script fetches missing ones with mvn dependency:get).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/benchmarks/lib/rounds.sh"
threads=$(nproc)
repo="${MAVEN_REPO:-$HOME/.m2/repository}"   # the local Maven repository
version=1.0.0-M2.1
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
python=/usr/bin/python3
mkdir -p "$out"
csv="$out/nd4j-variants.csv"

variant_jar() { # variant_jar EXT: the nd4j-native jar of that variant, fetched when missing
  local jar="$repo/org/nd4j/nd4j-native/$version/nd4j-native-$version-linux-x86_64$1.jar"
  if [[ ! -f "$jar" ]]; then
    mvn -B -q -Dstyle.color=never dependency:get -Dartifact="org.nd4j:nd4j-native:$version:jar:linux-x86_64$1" -Dtransitive=false >&2
  fi
  echo "$jar"
}

java_run() { # java_run EXT HELPERS_DISABLED WORKSPACES
  # the variant's jar goes first and its extension is always named, "" included: otherwise Nd4jVariant would
  # pick the build's own default (-onednn) for the plain configuration
  local ext="$1" props=(-Dbench.seconds="$seconds" -Dbench.workspaces="$3" -Dorg.eclipse.deeplearning4j.helpers.disable="$2"
    -Dorg.bytedeco.javacpp.platform.extension="$ext")
  local path
  path="$(variant_jar "$ext"):$cp"
  java -Xmx4g "${props[@]}" -cp "$path" org.adanspark.bench.GradientThroughput 2>/dev/null | sed -n 's/^RESULT //p' \
    | awk -F, -v h="$2" 'BEGIN{OFS=","} {$6=(h=="true"?"off":"on"); print}'
}

echo "config,model,batch,threads,workspaces,helpers,examples_per_sec,gradient_sha256,round" > "$csv"
start=$(date +%s)
for ((r = 1; r <= rounds; r++)); do
  for config in "|true|ENABLED" "|false|ENABLED" "-avx2|false|ENABLED" "-avx512|false|ENABLED" \
                "-onednn|false|ENABLED" "-onednn-avx2|false|ENABLED" "-onednn|false|NONE" "torch"; do
    if [[ "$config" == torch ]]; then
      "$python" "$root/benchmarks/torch_gradients.py" --data-dir "$data" --threads "$threads" --seconds "$seconds" \
        | sed -n 's/^RESULT //p' | sed "s/\$/,$r/" | tee -a "$csv"
    else
      IFS='|' read -r ext helpers ws <<< "$config"
      java_run "$ext" "$helpers" "$ws" | sed "s/\$/,$r/" | tee -a "$csv"
    fi
  done
done
{
  echo "benchmarks/nd4j-variants.sh$([[ $quick == 1 ]] && echo ' --quick') --rounds $rounds"
  echo "machine: $threads cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB,"\
       "$(java -version 2>&1 | head -1), $("$python" -c 'import torch; print("torch", torch.__version__)'),"\
       "$(date -u +%Y-%m-%d)"
  echo "micro-batch 128 real Fashion-MNIST images, $seconds s per measurement after 2-3 warm-up passes, $threads threads"\
       "(ND4J: all cores; PyTorch: torch.set_num_threads); wall time $(( $(date +%s) - start )) s"
} > "$out/nd4j-variants.txt"
echo "wrote $csv and $out/nd4j-variants.txt"
