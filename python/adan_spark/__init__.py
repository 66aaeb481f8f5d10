"""adan-spark for PySpark: neural networks trained on Spark with the Adan optimizer at large global batches.

The estimators live in :mod:`adan_spark.ml`; :mod:`adan_spark.torchscript` saves a PyTorch module for the
PyTorch backend. The JVM side is one jar, the submit jar; put it on the session's classpath with one line::

    spark = SparkSession.builder.config("spark.jars", adan_spark.jar()).getOrCreate()

See docs/PYTHON.md.
"""
import os
from pathlib import Path

__version__ = "0.1.0.dev0"

#: The project's version as Maven writes it, which names the submit jar.
JVM_VERSION = "0.1.0-SNAPSHOT"

#: The environment variable that names the submit jar's path.
JAR_ENV = "ADAN_SPARK_JAR"


class AdanSparkError(Exception):
    """An error of adan-spark's JVM side, carrying its one-line message (the full JVM trace is ``__cause__``)."""


class AdanSparkParamError(AdanSparkError, ValueError):
    """A param value, or a combination of params, that adan-spark refuses; the message names the param."""


class AdanSparkJarMissing(AdanSparkError, RuntimeError):
    """The session's JVM does not have adan-spark's classes: the submit jar is not on its classpath."""


def jar() -> str:
    """The path of adan-spark's submit jar, for ``spark.jars`` or ``spark-submit --jars``.

    ``$ADAN_SPARK_JAR`` when set; else the jar that ``mvn -B -pl dist -am -DskipTests package`` builds in the
    checkout this package runs from (a source tree, or ``pip install -e ./python``:
    ``dist/target/adan-spark-<version>.jar``).

    :raises AdanSparkJarMissing: when neither exists, saying how to get one
    """
    named = os.environ.get(JAR_ENV, "")
    if named:
        if not Path(named).is_file():
            raise AdanSparkJarMissing("%s=%s: no such file (it names adan-spark's submit jar)" % (JAR_ENV, named))
        return named
    name = "adan-spark-%s.jar" % JVM_VERSION
    candidate = Path(__file__).resolve().parents[2] / "dist" / "target" / name
    if candidate.is_file():
        return str(candidate)
    raise AdanSparkJarMissing(
        "adan-spark's submit jar was not found: build it with `mvn -B -pl dist -am -DskipTests package` in the "
        "adan-spark checkout and set %s to dist/target/%s" % (JAR_ENV, name))
