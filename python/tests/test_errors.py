"""Refusals reach Python as one-line exceptions naming the param; a session without the jar says what to set."""
import subprocess
import sys
import textwrap

import pytest
from pyspark.ml.linalg import Vectors

import adan_spark
from adan_spark import AdanSparkError, AdanSparkJarMissing, AdanSparkParamError
from adan_spark.ml import AdanNetClassifier


@pytest.fixture(scope="module")
def tiny(spark):
    rows = [(Vectors.dense([float(i % 3), float(i % 5)]), float(i % 2)) for i in range(64)]
    return spark.createDataFrame(rows, ["features", "label"])


def test_a_refused_value_is_a_param_error_whose_first_line_names_the_param(tiny):
    with pytest.raises(AdanSparkParamError) as e:
        AdanNetClassifier(learningRate=-1.0).fit(tiny)
    first = str(e.value).splitlines()[0]
    assert "learningRate" in first and "-1.0" in first, first
    assert "\tat " not in str(e.value) and "Py4J" not in str(e.value)
    assert isinstance(e.value, ValueError)


def test_a_refused_choice_names_the_param_and_value(tiny):
    with pytest.raises(AdanSparkParamError) as e:
        AdanNetClassifier(optimizer="adamx").fit(tiny)
    assert "optimizer" in str(e.value) and "adamx" in str(e.value), str(e.value)


def test_a_bad_combination_names_both_params(tiny):
    with pytest.raises(AdanSparkParamError) as e:
        AdanNetClassifier(optimizer="adamw", betas=[0.9, 0.99, 0.9]).fit(tiny)
    assert "betas" in str(e.value), str(e.value)


def test_a_bad_row_names_the_column(spark):
    rows = [(Vectors.dense([1.0, 2.0]), 0.0), (Vectors.dense([1.0, float("nan")]), 1.0)]
    with pytest.raises(AdanSparkError) as e:
        AdanNetClassifier().fit(spark.createDataFrame(rows, ["features", "label"]))
    assert "features" in str(e.value) and "NaN" in str(e.value), str(e.value)
    assert len(str(e.value).splitlines()) == 1


def test_a_session_without_the_jar_is_told_what_to_set(tmp_path):
    script = textwrap.dedent("""
        from pyspark.sql import SparkSession
        from adan_spark.ml import AdanNetClassifier
        SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
        AdanNetClassifier()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=str(tmp_path))
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("adan_spark.AdanSparkJarMissing: this session's JVM has no "
                           "org.adanspark.spark.ml.AdanNetClassifier"), done.stderr[-2000:]
    assert "adan_spark.jar()" in last and "JavaPackage" not in done.stderr


def test_the_jar_helper_names_the_variable_when_it_points_nowhere(monkeypatch, tmp_path):
    monkeypatch.setenv(adan_spark.JAR_ENV, str(tmp_path / "nothing.jar"))
    with pytest.raises(AdanSparkJarMissing, match="ADAN_SPARK_JAR=.*nothing.jar: no such file"):
        adan_spark.jar()
