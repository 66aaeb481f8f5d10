# What the bin/ launchers share; sourced by them, not run.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# build MODULE: package MODULE and the modules it needs. ADAN_SKIP_BUILD=1 skips it when the build is
# current, as in the tests, which run the launchers after packaging. Maven's output (which carries terminal
# colour codes even when quiet) is shown only when the build fails.
build() {
  [[ -n "${ADAN_SKIP_BUILD:-}" ]] && return 0
  local log
  log="$(mktemp)"
  if ! ( cd "$root" && mvn -B -q -Dstyle.color=never -pl "$1" -am -DskipTests package ) > "$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "$(basename "$0"): building $1 failed (mvn -pl $1 -am -DskipTests package)" >&2
    exit 1
  fi
  rm -f "$log"
}

# classpath MODULE: its classes and the dependency classpath Maven wrote for the launchers.
classpath() {
  echo "$root/$1/target/classes:$(cat "$root/$1/target/classpath.txt")"
}

# Spark's Java 17 module flags (pom.xml's spark.jvm.opens), which spark-submit would add itself.
spark_opens="$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' "$root/pom.xml")"

# The nd4j-native build the modules were built with (Nd4jVariant reads the same file): JavaCPP loads that
# build's natives only when told its suffix, before any class of ours has run.
nd4j_variant() {
  local f="$root/adan-spark/target/classes/org/adanspark/spark/nd4j-variant.properties"
  echo "-Dorg.bytedeco.javacpp.platform.extension=$( [[ -f "$f" ]] && sed -n 's/^extension=//p' "$f")"
}
