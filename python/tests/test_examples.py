"""The documented Python example runs as bin/adan-example python runs it, and reaches what the README says."""
import os
import re
import subprocess
import sys

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "python" / "skin_pipeline.py"


def test_the_skin_pipeline_example(spark):
    spark.stop()  # the example starts its own session in its own process; this module needs none after
    done = subprocess.run([sys.executable, str(EXAMPLE), "3"], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-3000:]
    fitted = re.search(r"test accuracy (\d\.\d+) after (\d+) steps, params_sha256 ([0-9a-f]{64})", done.stdout)
    reloaded = re.search(r"reloaded AdanNetClassificationModel from \S+: test accuracy (\d\.\d+)", done.stdout)
    assert fitted and reloaded, done.stdout
    assert float(fitted.group(1)) > 0.95 and fitted.group(1) == reloaded.group(1), done.stdout
