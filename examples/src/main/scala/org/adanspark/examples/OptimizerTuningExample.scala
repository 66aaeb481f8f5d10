package org.adanspark.examples

import org.apache.spark.ml.Pipeline
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.{StringIndexer, VectorAssembler}
import org.apache.spark.ml.tuning.{CrossValidator, ParamGridBuilder}
import org.apache.spark.sql.SparkSession

import org.adanspark.io.DataSetLocator
import org.adanspark.spark.ml.{AdanNetClassificationModel, AdanNetClassifier}

/**
 * A Spark ML pipeline in Scala: cross-validate AdanNetClassifier over optimizers and learning rates on
 * a9a, then report the best setting and its test accuracy.
 *
 * {{{
 * bin/adan-example scala [EPOCHS] [ROWS]
 * }}}
 */
object OptimizerTuningExample {

  def main(args: Array[String]): Unit = {
    val epochs = args.headOption.map(_.toInt).getOrElse(2)
    val rows = args.lift(1).map(_.toInt).getOrElse(16000)
    val dir = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t")
    val spark = SparkSession.builder().master("local[*]").appName("optimizer-tuning-example")
      .config("spark.ui.enabled", "false").getOrCreate()
    try {
      val read = (file: String) =>
        spark.read.format("libsvm").option("numFeatures", "123").load(dir.resolve(file).toString)
      val train = read("a9a").limit(rows)
      val test = read("a9a.t")

      val classifier = new AdanNetClassifier()
        .setFeaturesCol("assembled")
        .setLabelCol("indexedLabel")
        .setHiddenLayers(Array(32))
        .setGlobalBatchSize(1024)
        .setMaxEpochs(epochs)
      val pipeline = new Pipeline().setStages(Array(
        new StringIndexer().setInputCol("label").setOutputCol("indexedLabel"),
        new VectorAssembler().setInputCols(Array("features")).setOutputCol("assembled"),
        classifier))

      val grid = new ParamGridBuilder()
        .addGrid(classifier.optimizer, Seq("adan", "adamw"))
        .addGrid(classifier.learningRate, Array(0.002, 0.02))
        .build()
      val accuracy = new MulticlassClassificationEvaluator().setLabelCol("indexedLabel").setMetricName("accuracy")
      val cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setEvaluator(accuracy)
        .setNumFolds(2).setSeed(7L).fit(train)

      grid.zip(cv.avgMetrics).foreach { case (params, metric) =>
        println(f"${params.get(classifier.optimizer).get}%-6s lr ${params.get(classifier.learningRate).get}%-6s" +
          f"  cross-validated accuracy $metric%.4f")
      }
      val best = cv.bestModel.asInstanceOf[org.apache.spark.ml.PipelineModel].stages.last
        .asInstanceOf[AdanNetClassificationModel]
      println(f"best: ${best.getOptimizer} lr ${best.getLearningRate}; a9a test accuracy " +
        f"${accuracy.evaluate(cv.bestModel.transform(test))}%.4f")
    } finally {
      spark.stop()
    }
  }
}
