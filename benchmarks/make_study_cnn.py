"""Saves the large-batch study's CNN (benchmarks' StudyCnn, a DL4J configuration) as TorchScript, so the two
backends can be timed training the same network:

    /usr/bin/python3 benchmarks/make_study_cnn.py /tmp/study-cnn.pt

conv 5x5 stride 2, 16 channels, no bias -> batch norm -> ReLU -> conv 3x3 stride 2, 32 channels, no bias
-> batch norm -> ReLU -> dense 800 -> 10 logits, for 1x28x28 images. Saved through adan_spark.torchscript, so the
PyTorch backend reaches batch normalisation's buffers. Only the architecture matters here: the initial
weights are PyTorch's own draw, not DL4J's.
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from adan_spark import torchscript as adan_torchscript  # noqa: E402


def study_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, stride=2, bias=False), nn.BatchNorm2d(16, eps=1e-5, momentum=0.1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, bias=False), nn.BatchNorm2d(32, eps=1e-5, momentum=0.1), nn.ReLU(),
        nn.Flatten(), nn.Linear(800, 10))


if __name__ == "__main__":
    torch.manual_seed(1)
    adan_torchscript.export(study_cnn(), sys.argv[1] if len(sys.argv) > 1 else "study-cnn.pt")
