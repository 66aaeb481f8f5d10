"""PySpark: Spark's feature stages and AdanNetClassifier on UCI skin segmentation, saved and reloaded.

    bin/adan-example python [EPOCHS]

Prints the test accuracy of the fitted pipeline and of the reloaded one (the same: a reloaded model predicts
the same probabilities), and the run's fingerprint.
"""
import os
import sys
import tempfile

from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import StandardScaler, StringIndexer, VectorAssembler
from pyspark.sql import SparkSession

import adan_spark
from adan_spark.ml import AdanNetClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("ADAN_SHARED_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))


def main(epochs: int) -> None:
    spark = (SparkSession.builder.master("local[2]").appName("adan-spark skin pipeline")
             .config("spark.jars", adan_spark.jar())           # the one line that brings the JVM side
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    pixels = (spark.read.option("sep", "\t").option("inferSchema", "true")
              .csv(os.path.join(DATA, "skin-segmentation", "Skin_NonSkin.txt")).toDF("B", "G", "R", "skin"))
    train, test = pixels.randomSplit([0.8, 0.2], seed=11)

    pipeline = Pipeline(stages=[
        StringIndexer(inputCol="skin", outputCol="label"),
        VectorAssembler(inputCols=["B", "G", "R"], outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="features", withMean=True),
        AdanNetClassifier(hiddenLayers=[32], optimizer="adan", globalBatchSize=4096, maxEpochs=epochs),
    ])
    model = pipeline.fit(train)
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy")
    print("test accuracy %.4f after %d steps, params_sha256 %s" % (
        accuracy.evaluate(model.transform(test)), model.stages[-1].summary.totalIterations,
        model.stages[-1].summary.paramsSha256))

    path = os.path.join(tempfile.mkdtemp(prefix="adan-skin-"), "pipeline")
    model.write().overwrite().save(path)
    reloaded = PipelineModel.load(path)
    print("reloaded %s from %s: test accuracy %.4f" % (type(reloaded.stages[-1]).__name__, path,
                                                       accuracy.evaluate(reloaded.transform(test))))
    spark.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
