"""adan-spark's Spark ML stages for PySpark: wrappers of the JVM estimators and models.

::

    from adan_spark.ml import AdanNetClassifier
    clf = AdanNetClassifier(hiddenLayers=[64], optimizer="adan", globalBatchSize=4096, maxEpochs=5)
    model = clf.fit(train)            # label: class indices 0, 1, ... as doubles (StringIndexer's)
    model.transform(test).select("prediction", "probability")

The params (names, docs, defaults) are generated from the JVM's declaration (``_params.py``); an unset
``learningRate``, ``weightDecay`` or ``betas`` is the chosen optimizer's recipe. A refused value or combination
raises :class:`adan_spark.AdanSparkParamError` with the JVM's one-line message.
"""
from typing import Any, List, Type

from pyspark.ml.classification import _JavaProbabilisticClassificationModel, _JavaProbabilisticClassifier
from pyspark.ml.linalg import Vector
from pyspark.ml.regression import _JavaRegressionModel, _JavaRegressor
from pyspark.ml.util import JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaWrapper
from pyspark.sql import DataFrame

from adan_spark.ml._jvm import JAVA_PACKAGE, check_classes, translated
from adan_spark.ml._params import (
    PER_OPTIMIZER,
    RECIPES,
    _AdanNetClassifierSignature,
    _AdanNetParams,
    _AdanNetRegressionParams,
    _AdanNetRegressionSetters,
    _AdanNetRegressorSignature,
    _AdanNetSetters,
    recipe,
)

__all__ = [
    "AdanNetClassifier",
    "AdanNetClassificationModel",
    "AdanNetRegressor",
    "AdanNetRegressionModel",
    "AdanNetTrainingSummary",
    "RECIPES",
]


class _AdanNetReader(JavaMLReader):
    """Loads a saved stage through its JVM class in ``org.adanspark.spark.ml``, as PySpark's own readers do."""

    @classmethod
    def _java_loader_class(cls, clazz: Type[Any]) -> str:
        check_classes(clazz.__name__)
        return "%s.%s" % (JAVA_PACKAGE, clazz.__name__)


class _AdanNetStage(JavaMLReadable, JavaMLWritable):
    """Persistence and readable explanations shared by the four stages."""

    @classmethod
    def read(cls) -> _AdanNetReader:
        """A reader of stages saved by ``save`` here, by the JVM's ``write().save`` or by ``--save-model``."""
        return _AdanNetReader(cls)

    def explainParam(self, param: Any) -> str:
        """``name: doc (default: ..., current: ...)``; an unset per-optimizer param shows the recipe's value."""
        param = self._resolveParam(param)
        if not self.hasDefault(param) and param.name in PER_OPTIMIZER:
            values = ["default: %s, %s's" % (recipe(self.getOrDefault("optimizer"), param.name),
                                             self.getOrDefault("optimizer"))]
            if self.isSet(param):
                values.append("current: %s" % (self._paramMap[param],))
            return "%s: %s (%s)" % (param.name, param.doc, ", ".join(values))
        return super().explainParam(param)

    @translated
    def _transfer_params_to_java(self) -> None:
        super()._transfer_params_to_java()  # type: ignore[misc]


class AdanNetTrainingSummary(JavaWrapper):
    """How a model was trained: the loss per step, steps, wall time, optimizer and the parameters' SHA-256."""

    @property
    def lossHistory(self) -> List[float]:
        """The global batch's mean training loss after each step."""
        return list(self._call_java("lossHistory"))

    @property
    def totalIterations(self) -> int:
        """Optimizer steps taken."""
        return int(self._call_java("totalIterations"))

    @property
    def wallTimeSeconds(self) -> float:
        """Seconds from the first step to the last."""
        return float(self._call_java("wallTimeSeconds"))

    @property
    def optimizer(self) -> str:
        """The optimizer with its hyperparameters, as the run's log names it."""
        return str(self._call_java("optimizer"))

    @property
    def paramsSha256(self) -> str:
        """The SHA-256 of the trained float32 parameters: the run's fingerprint."""
        return str(self._call_java("paramsSha256"))

    def __repr__(self) -> str:
        return str(self._java_obj.toString())


class _AdanNetModel(_AdanNetStage):
    """The models' shared part: the training summary, and JVM errors of ``transform`` translated."""

    @property
    def hasSummary(self) -> bool:
        """Whether this model has a training summary (a loaded model has none)."""
        return bool(self._call_java("hasSummary"))  # type: ignore[attr-defined]

    @property
    def summary(self) -> AdanNetTrainingSummary:
        """The training summary of a freshly fitted model.

        :raises RuntimeError: for a model without one (``hasSummary`` is False)
        """
        if not self.hasSummary:
            raise RuntimeError("No training summary available for this %s (it was loaded, not fitted)"
                               % type(self).__name__)
        return AdanNetTrainingSummary(self._call_java("summary"))  # type: ignore[attr-defined]

    @translated
    def _transform(self, dataset: DataFrame) -> DataFrame:
        return super()._transform(dataset)  # type: ignore[misc]


class _AdanNetEstimator(_AdanNetStage):
    """The estimators' shared part: the Python model class of what the JVM fits, and JVM errors of ``fit``
    translated."""

    #: the Python class wrapping the JVM model this estimator fits
    _model_class: Type[Any]

    def _create_model(self, java_model: Any) -> Any:
        return self._model_class(java_model)

    @translated
    def _fit(self, dataset: DataFrame) -> Any:
        return super()._fit(dataset)  # type: ignore[misc]


class AdanNetClassificationModel(
    _AdanNetModel,
    _JavaProbabilisticClassificationModel[Vector],
    _AdanNetParams,
):
    """A fitted :class:`AdanNetClassifier`: ``transform`` adds rawPrediction, probability and prediction."""


class AdanNetClassifier(
    _AdanNetClassifierSignature,
    _AdanNetEstimator,
    _JavaProbabilisticClassifier["AdanNetClassificationModel"],
    _AdanNetParams,
    _AdanNetSetters,
):
    """A neural-network classifier trained by adan-spark's synchronous large-batch trainer (the JVM's
    ``org.adanspark.spark.ml.AdanNetClassifier``): executors sum minibatch gradients, an all-reduce forms the
    global batch, Adan (or a baseline) steps over sharded state. Labels are class indices as doubles."""

    _model_class = AdanNetClassificationModel


class AdanNetRegressionModel(
    _AdanNetModel,
    _JavaRegressionModel[Vector],
    _AdanNetRegressionParams,
):
    """A fitted :class:`AdanNetRegressor`: ``transform`` adds the prediction column."""


class AdanNetRegressor(
    _AdanNetRegressorSignature,
    _AdanNetEstimator,
    _JavaRegressor["AdanNetRegressionModel"],
    _AdanNetRegressionParams,
    _AdanNetSetters,
    _AdanNetRegressionSetters,
):
    """A neural-network regressor (squared error or Huber loss) trained like :class:`AdanNetClassifier`."""

    _model_class = AdanNetRegressionModel
