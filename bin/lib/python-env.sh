# Sourced by bin/adan-python-test and bin/adan-example: makes (once) python/.venv, PyPI's pyspark of the project's
# Spark with pytest and numpy, installs the checkout's python/ package into it, and exports ADAN_SPARK_JAR (the
# submit jar, which must be built: mvn -B -pl dist -am -DskipTests package).
py_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$py_root/python/.venv"
spark_version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$py_root/pom.xml")"
project_version="$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$py_root/pom.xml")"
export ADAN_SPARK_JAR="${ADAN_SPARK_JAR:-$py_root/dist/target/adan-spark-$project_version.jar}"
if [[ ! -f "$ADAN_SPARK_JAR" ]]; then
  echo "$(basename "$0"): no submit jar at $ADAN_SPARK_JAR: run mvn -B -pl dist -am -DskipTests package" >&2
  exit 2
fi
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import pyspark, pytest, sys; sys.exit(pyspark.__version__ != '$spark_version')" 2>/dev/null; then
  echo "$(basename "$0"): making $venv (pyspark==$spark_version from PyPI)" >&2
  rm -rf "$venv"
  "${ADAN_PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "pyspark==$spark_version" "pytest>=7" "numpy>=1.21"
fi
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$py_root/python"
