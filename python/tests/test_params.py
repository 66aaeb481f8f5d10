"""The Python stages' params are the JVM stages': names, docs, defaults, the recipe and the setters."""
from pyspark.ml.tuning import ParamGridBuilder

import adan_spark
from pyspark.ml.param import Param

from adan_spark.ml import AdanNetClassifier, AdanNetRegressor, RECIPES
from adan_spark.ml._params import _AdanNetParams, _AdanNetRegressionParams

#: The params generated from adan-spark's declaration; the others (featuresCol, ...) are Spark's shared ones,
#: whose Python docs PySpark writes itself.
OWN = {n for c in (_AdanNetParams, _AdanNetRegressionParams) for n, v in vars(c).items() if isinstance(v, Param)}


def _jvm_params(java_stage):
    out = {}
    for p in java_stage.params():
        default = java_stage.getDefault(p)
        out[p.name()] = (p.doc(), default.get() if default.isDefined() else None)
    return out


def _python(value):
    return list(value) if hasattr(value, "__iter__") and not isinstance(value, str) else value


def test_every_param_matches_the_jvm_stage(spark):
    for stage in (AdanNetClassifier(), AdanNetRegressor()):
        jvm = _jvm_params(stage._java_obj)
        python = {p.name: p for p in stage.params}
        assert sorted(python) == sorted(jvm), type(stage).__name__
        assert len(OWN & set(python)) >= 18
        for name, (doc, default) in jvm.items():
            p = python[name]
            if name in OWN:
                assert p.doc == doc, name
            if default is None:
                assert not stage.hasDefault(p), name
            else:
                assert _python(stage.getOrDefault(p)) == _python(default), name


def test_unset_optimizer_params_are_the_recipe_as_on_the_jvm(spark):
    spec = spark._jvm.org.adanspark.spark.config.OptimizerSpec
    assert sorted(RECIPES) == sorted(spec.NAMES)
    for name in RECIPES:
        clf = AdanNetClassifier(optimizer=name)
        assert clf.getLearningRate() == spec.defaultLr(name), name
        assert clf.getWeightDecay() == spec.defaultWeightDecay(name), name
        assert clf.getBetas() == list(spec.defaultBetas(name)), name
    assert AdanNetClassifier(optimizer="lookahead-adamw").getLearningRate() == RECIPES["adamw"]["learningRate"]


def test_keyword_constructor_setters_and_set_params():
    clf = AdanNetClassifier(hiddenLayers=[32, 16], optimizer="lamb", globalBatchSize=1024)
    assert clf.getHiddenLayers() == [32, 16] and clf.getOptimizer() == "lamb" and clf.getGlobalBatchSize() == 1024
    assert clf.setLearningRate(0.05) is clf and clf.getLearningRate() == 0.05
    clf.setParams(maxEpochs=7, seed=3)
    assert (clf.getMaxEpochs(), clf.getSeed(), clf.getGlobalBatchSize()) == (7, 3, 1024)
    reg = AdanNetRegressor(loss="huber", huberDelta=0.5)
    assert (reg.getLoss(), reg.getHuberDelta()) == ("huber", 0.5)


def test_params_are_class_attributes_for_grids_and_copy_keeps_them():
    clf = AdanNetClassifier()
    grid = ParamGridBuilder().addGrid(clf.optimizer, ["adan", "adamw"]).addGrid(clf.learningRate, [0.01, 0.1]).build()
    assert len(grid) == 4 and {g[clf.optimizer] for g in grid} == {"adan", "adamw"}
    copied = clf.copy({clf.learningRate: 0.3})
    assert copied.uid == clf.uid and copied.getLearningRate() == 0.3 and not clf.isSet(clf.learningRate)


def test_explain_params_names_the_recipe_for_an_unset_learning_rate():
    text = AdanNetClassifier(optimizer="adamw").explainParams()
    assert "learningRate: the chosen optimizer's peak learning rate (> 0) (default: 0.002, adamw's)" in text
    assert "globalBatchSize:" in text and "default: 4096" in text


def test_the_package_version_is_the_projects():
    assert adan_spark.__version__ == adan_spark.JVM_VERSION.replace("-SNAPSHOT", ".dev0")
    pom = (__import__("conftest").ROOT / "pom.xml").read_text(encoding="utf-8")
    assert "<version>%s</version>" % adan_spark.JVM_VERSION in pom
