package org.adanspark.spark.ml

import java.nio.file.Files

import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.{StringIndexer, VectorAssembler}
import org.apache.spark.ml.tuning.{ParamGridBuilder, TrainValidationSplit}
import org.apache.spark.sql.SparkSession
import org.scalatest.BeforeAndAfterAll
import org.scalatest.flatspec.AnyFlatSpec
import org.scalatest.matchers.should.Matchers

import org.adanspark.io.DataSetLocator

/** How Scala users write it: the Java estimator in a Scala pipeline, tuned and saved. */
class AdanNetPipelineSpec extends AnyFlatSpec with Matchers with BeforeAndAfterAll {

  private lazy val spark = SparkSession.builder()
    .master("local[2]")
    .appName("adan-spark-scala-spec")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.sql.shuffle.partitions", "4")
    .getOrCreate()

  private lazy val a9a = {
    val dir = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t")
    val read = (file: String) => spark.read.format("libsvm").option("numFeatures", "123").load(dir.resolve(file).toString)
    (read("a9a"), read("a9a.t"))
  }

  override def afterAll(): Unit = spark.stop()

  private def classifier = new AdanNetClassifier()
    .setFeaturesCol("assembled")
    .setLabelCol("indexed")
    .setHiddenLayers(Array(16))
    .setGlobalBatchSize(2048)
    .setMaxEpochs(2)
    .setSeed(1L)

  "AdanNetClassifier" should "fit in a Scala Pipeline, predict, and reload with identical predictions" in {
    val (train, test) = a9a
    val pipeline = new Pipeline().setStages(Array(
      new StringIndexer().setInputCol("label").setOutputCol("indexed"),
      new VectorAssembler().setInputCols(Array("features")).setOutputCol("assembled"),
      classifier.setOptimizer("adan").setLearningRate(0.01)))
    val model = pipeline.fit(train)

    val accuracy = new MulticlassClassificationEvaluator().setLabelCol("indexed").setMetricName("accuracy")
      .evaluate(model.transform(test))
    accuracy should be >= 0.83

    val summary = model.stages.last.asInstanceOf[AdanNetClassificationModel].summary
    summary.lossHistory.length.toLong shouldBe summary.totalIterations

    val dir = Files.createTempDirectory("adan-scala-spec").resolve("pipeline").toString
    model.write.overwrite().save(dir)
    val reloaded = PipelineModel.load(dir)
    val before = model.transform(test).select("prediction", "probability").collect()
    val after = reloaded.transform(test).select("prediction", "probability").collect()
    after shouldBe before
  }

  it should "be tuned by TrainValidationSplit over a Scala param grid" in {
    val (train, _) = a9a
    val indexed = new StringIndexer().setInputCol("label").setOutputCol("indexed").fit(train).transform(train)
    val data = new VectorAssembler().setInputCols(Array("features")).setOutputCol("assembled").transform(indexed)
      .limit(4000)
    val clf = classifier
    val grid = new ParamGridBuilder().addGrid(clf.optimizer, Seq("adan", "lamb")).build()
    val tuned = new TrainValidationSplit().setEstimator(clf).setEstimatorParamMaps(grid)
      .setEvaluator(new MulticlassClassificationEvaluator().setLabelCol("indexed"))
      .setTrainRatio(0.75).fit(data)
    tuned.validationMetrics should have length 2
    Seq("adan", "lamb") should contain(tuned.bestModel.asInstanceOf[AdanNetClassificationModel].getOptimizer)
  }

  "A bad param value" should "be refused by Spark's validator, naming the param" in {
    val error = the[IllegalArgumentException] thrownBy new AdanNetClassifier().setGlobalBatchSize(0)
    error.getMessage should include("globalBatchSize")
  }
}
