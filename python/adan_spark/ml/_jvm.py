"""The bridge to the JVM stages: creating one with a clear error when the jar is missing, and JVM errors
turned into Python exceptions whose first line is the JVM's one-line message."""
import functools
from typing import Any, Callable, TypeVar

from adan_spark import AdanSparkError, AdanSparkJarMissing, AdanSparkParamError, JAR_ENV

#: The JVM package of the stages; ``org.adanspark.spark.ml`` is also a Python module (this package's alias),
#: so ``PipelineModel.load`` finds the Python class of a saved stage from its JVM class name.
JAVA_PACKAGE = "org.adanspark.spark.ml"

_F = TypeVar("_F", bound=Callable[..., Any])


def _active_jvm() -> Any:
    from pyspark import SparkContext

    sc = SparkContext._active_spark_context
    if sc is None:
        raise AdanSparkError("no active SparkSession: create one (with spark.jars = adan_spark.jar()) first")
    return sc, sc._jvm


def check_classes(java_class: str) -> None:
    """Raises :class:`AdanSparkJarMissing` unless the session's JVM can load ``JAVA_PACKAGE.java_class``."""
    from py4j.protocol import Py4JJavaError

    sc, jvm = _active_jvm()
    name = "%s.%s" % (JAVA_PACKAGE, java_class)
    try:
        loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
        jvm.java.lang.Class.forName(name, False, loader)
    except Py4JJavaError:
        configured = sc.getConf().get("spark.jars", "")
        raise AdanSparkJarMissing(
            "this session's JVM has no %s: start the session with adan-spark's submit jar, "
            "SparkSession.builder.config(\"spark.jars\", adan_spark.jar()) (or spark-submit --jars; %s names the "
            "jar); spark.jars is %r" % (name, JAR_ENV, configured)) from None


def new_java_stage(java_class: str, uid: str) -> Any:
    """A new JVM stage of ``JAVA_PACKAGE.java_class`` with ``uid``, after checking the jar is there."""
    from pyspark.ml.wrapper import JavaWrapper

    check_classes(java_class)
    return JavaWrapper._new_java_obj("%s.%s" % (JAVA_PACKAGE, java_class), uid)


def _innermost(error: Any) -> Any:
    """The innermost cause of a Py4J error's Java throwable: the one whose message says what was wrong."""
    throwable = error.java_exception
    while throwable.getCause() is not None and throwable.getCause() != throwable:
        throwable = throwable.getCause()
    return throwable


def first_line(error: BaseException) -> str:
    """The JVM's one-line message of a Py4J or PySpark error: its innermost cause's, without the Java trace."""
    from py4j.protocol import Py4JJavaError

    if isinstance(error, Py4JJavaError):
        throwable = _innermost(error)
        message = throwable.getMessage()
        return str(message) if message is not None else str(throwable.toString())
    text = getattr(error, "_desc", None) or str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _is_param_error(error: BaseException, message: str) -> bool:
    from py4j.protocol import Py4JJavaError

    if isinstance(error, Py4JJavaError):
        return "IllegalArgumentException" in _innermost(error).getClass().getName()
    return type(error).__name__ == "IllegalArgumentException" or message.startswith("param ")


def translated(method: _F) -> _F:
    """Calls ``method``; a JVM error leaves it as :class:`AdanSparkParamError` (a refused param or combination)
    or :class:`AdanSparkError`, whose message is the JVM's first line; the original error is its cause."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from py4j.protocol import Py4JJavaError
        from pyspark.errors.exceptions.captured import CapturedException

        try:
            return method(*args, **kwargs)
        except (Py4JJavaError, CapturedException) as e:
            message = first_line(e)
            kind = AdanSparkParamError if _is_param_error(e, message) else AdanSparkError
            raise kind(message) from e

    return wrapper  # type: ignore[return-value]
