"""The JVM package's name as a Python module: PySpark's ``PipelineModel.load`` (and every meta-stage's
``_from_java``) finds the Python class of a saved JVM stage by its class name, ``org.adanspark.spark.ml.X``,
so this module is :mod:`adan_spark.ml` under that name (``org``, ``org.adanspark`` and ``org.adanspark.spark``
are namespace packages, shared with any other distribution that maps a JVM package the same way)."""
from adan_spark.ml import *  # noqa: F401,F403
from adan_spark.ml import __all__  # noqa: F401
