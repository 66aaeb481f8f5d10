# What the bin/ launchers share; sourced by them, not run.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# build MODULE: package MODULE and the modules it needs. ADAN_SKIP_BUILD=1 skips it when the build is
# current, as in the tests, which run the launchers after packaging.
build() {
  [[ -n "${ADAN_SKIP_BUILD:-}" ]] || ( cd "$root" && mvn -B -q -Dstyle.color=never -pl "$1" -am -DskipTests package )
}

# classpath MODULE: its classes and the dependency classpath Maven wrote for the launchers.
classpath() {
  echo "$root/$1/target/classes:$(cat "$root/$1/target/classpath.txt")"
}

# Spark's Java 17 module flags (pom.xml's spark.jvm.opens), which spark-submit would add itself.
spark_opens="$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' "$root/pom.xml")"
