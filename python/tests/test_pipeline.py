"""The estimators in Spark ML pipelines on real data: fit, tune, persist in every direction, regress."""
import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import MulticlassClassificationEvaluator, RegressionEvaluator
from pyspark.ml.feature import StandardScaler, StringIndexer, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.ml.regression import LinearRegression
from pyspark.ml.tuning import CrossValidator, CrossValidatorModel, ParamGridBuilder

from conftest import skin
from adan_spark.ml import (AdanNetClassificationModel, AdanNetClassifier, AdanNetRegressionModel,
                           AdanNetRegressor)


@pytest.fixture(scope="module")
def split(spark):
    train, test = skin(spark).randomSplit([0.8, 0.2], seed=11)
    return train.cache(), test.cache()


def _pipeline(**params):
    params = {"hiddenLayers": [16], "globalBatchSize": 1024, "maxEpochs": 10, **params}
    return Pipeline(stages=[
        StringIndexer(inputCol="skin", outputCol="label"),
        VectorAssembler(inputCols=["B", "G", "R"], outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="features", withMean=True),
        AdanNetClassifier(**params),
    ])


@pytest.fixture(scope="module")
def fitted(split):
    train, _ = split
    return _pipeline().fit(train)


def _accuracy(model, df):
    return MulticlassClassificationEvaluator(metricName="accuracy").evaluate(model.transform(df))


def test_a_pipeline_of_spark_feature_stages_learns_skin_segmentation(fitted, split):
    _, test = split
    model = fitted.stages[-1]
    assert isinstance(model, AdanNetClassificationModel)
    assert model.hasSummary and model.summary.totalIterations > 0
    assert len(model.summary.lossHistory) == model.summary.totalIterations
    assert model.summary.lossHistory[-1] < model.summary.lossHistory[0]
    assert len(model.summary.paramsSha256) == 64
    # three standardised colour channels, 16 hidden units: far above the 79% of always answering "not skin"
    assert _accuracy(fitted, test) > 0.95


def test_a_pipeline_model_saved_from_python_loads_as_the_python_classes_and_on_the_jvm(spark, fitted, split, tmp_path):
    _, test = split
    path = str(tmp_path / "pipeline")
    fitted.write().overwrite().save(path)
    loaded = PipelineModel.load(path)
    assert isinstance(loaded.stages[-1], AdanNetClassificationModel)
    assert not loaded.stages[-1].hasSummary
    expected = [r.probability for r in fitted.transform(test).orderBy("B", "G", "R").collect()]
    assert [r.probability for r in loaded.transform(test).orderBy("B", "G", "R").collect()] == expected
    jvm = spark._jvm.org.apache.spark.ml.PipelineModel.load(path)
    assert jvm.stages()[3].getClass().getName() == "org.adanspark.spark.ml.AdanNetClassificationModel"


def test_a_model_saved_on_the_jvm_loads_in_python_with_its_params(spark, fitted, split, tmp_path):
    _, test = split
    model = fitted.stages[-1]
    path = str(tmp_path / "jvm-model")
    model._to_java().write().overwrite().save(path)  # what Scala/Java's model.write().save(path) writes
    loaded = AdanNetClassificationModel.load(path)
    assert isinstance(loaded, AdanNetClassificationModel)
    assert loaded.getHiddenLayers() == [16] and loaded.getGlobalBatchSize() == 1024 and loaded.uid == model.uid
    features = fitted.transform(test).select("features", "probability").collect()
    again = loaded.transform(spark.createDataFrame([(r.features,) for r in features], ["features"])).collect()
    assert [r.probability for r in again] == [r.probability for r in features]


def test_an_estimator_round_trips_with_its_params(tmp_path):
    clf = AdanNetClassifier(hiddenLayers=[8, 4], optimizer="adamw", learningRate=0.003, betas=[0.9, 0.95])
    clf.write().save(str(tmp_path / "clf"))
    loaded = AdanNetClassifier.load(str(tmp_path / "clf"))
    assert isinstance(loaded, AdanNetClassifier)
    assert (loaded.getHiddenLayers(), loaded.getOptimizer(), loaded.getLearningRate(), loaded.getBetas()) == \
        ([8, 4], "adamw", 0.003, [0.9, 0.95])
    assert not loaded.isSet(loaded.weightDecay) and loaded.getWeightDecay() == 0.01


def test_cross_validator_over_optimizer_and_learning_rate(split, tmp_path):
    train, _ = split
    small = train.limit(4000)
    pipeline = _pipeline(maxEpochs=1)
    clf = pipeline.getStages()[-1]
    grid = (ParamGridBuilder().addGrid(clf.optimizer, ["adan", "adamw"])
            .addGrid(clf.learningRate, [0.002, 0.02]).build())
    cv = CrossValidator(estimator=pipeline, estimatorParamMaps=grid, numFolds=2, seed=5,
                        evaluator=MulticlassClassificationEvaluator(metricName="accuracy"))
    model = cv.fit(small)
    assert len(model.avgMetrics) == 4 and all(0.0 < m <= 1.0 for m in model.avgMetrics)
    # two steps per fit: the grid's learning rates reach the JVM, so the larger one learns more in them
    best = model.bestModel.stages[-1]
    assert best.getLearningRate() == 0.02 and max(model.avgMetrics) > 0.75, model.avgMetrics
    by_lr = {lr: [m for g, m in zip(grid, model.avgMetrics) if g[clf.learningRate] == lr] for lr in (0.002, 0.02)}
    assert min(by_lr[0.02]) > max(by_lr[0.002]), model.avgMetrics
    model.write().overwrite().save(str(tmp_path / "cv"))
    assert isinstance(CrossValidatorModel.load(str(tmp_path / "cv")).bestModel.stages[-1], AdanNetClassificationModel)


def test_the_linear_regressor_matches_spark_linear_regression(spark, split, tmp_path):
    train, test = split
    prep = Pipeline(stages=[VectorAssembler(inputCols=["B", "G"], outputCol="raw"),
                            StandardScaler(inputCol="raw", outputCol="features", withMean=True)]).fit(train)
    tr = prep.transform(train).withColumn("label", train["R"] / 255.0)
    te = prep.transform(test).withColumn("label", test["R"] / 255.0)
    reference = LinearRegression(regParam=0.0).fit(tr)
    ours = AdanNetRegressor(hiddenLayers=[], globalBatchSize=512, maxEpochs=8, learningRate=0.01,
                            weightDecay=0.0).fit(tr)
    assert isinstance(ours, AdanNetRegressionModel)
    rmse = RegressionEvaluator(metricName="rmse")
    theirs_rmse, our_rmse = rmse.evaluate(reference.transform(te)), rmse.evaluate(ours.transform(te))
    # least squares is the optimum of the same objective: Adan's last iterate within 2% of its test RMSE
    assert our_rmse <= theirs_rmse * 1.02, (our_rmse, theirs_rmse)
    ours.write().save(str(tmp_path / "reg"))
    assert AdanNetRegressionModel.load(str(tmp_path / "reg")).getHiddenLayers() == []


def test_array_features_train_the_same_network_as_their_vectors(split):
    train, test = split
    prep = Pipeline(stages=_pipeline().getStages()[:3]).fit(train)
    vectors = prep.transform(train).select("features", "label")
    arrays = vectors.select(vector_to_array("features").alias("features"), "label")  # array<double>
    clf = AdanNetClassifier(hiddenLayers=[8], globalBatchSize=1024, maxEpochs=1)
    from_vectors, from_arrays = clf.fit(vectors), clf.fit(arrays)
    assert from_arrays.summary.paramsSha256 == from_vectors.summary.paramsSha256
    predicted = from_arrays.transform(prep.transform(test).select(vector_to_array("features").alias("features")))
    assert dict(predicted.dtypes)["features"] == "array<double>"
    assert predicted.count() == test.count()
