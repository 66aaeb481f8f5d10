"""One ``local[2]`` session per test module, with the freshly built submit jar (``adan_spark.jar()``)."""
import os
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

import adan_spark

#: The project checkout and the shared data sets beside it.
ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("ADAN_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="module", autouse=True)
def spark(tmp_path_factory):
    """A ``local[2]`` session with adan-spark's jar, stopped after the module."""
    session = (SparkSession.builder.master("local[2]").appName("adan-spark-pytest")
               .config("spark.jars", adan_spark.jar())
               .config("spark.driver.memory", "3g")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.local.dir", str(tmp_path_factory.mktemp("spark-local")))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def skin(spark, fraction=0.1):
    """UCI skin segmentation (B, G, R in 0..255; label 1 = skin, 2 = not), a fixed sample, cached."""
    path = DATA / "skin-segmentation" / "Skin_NonSkin.txt"
    df = (spark.read.option("sep", "\t").option("inferSchema", "true").csv(str(path))
          .toDF("B", "G", "R", "skin"))
    return df.sample(fraction=fraction, seed=7).cache()
