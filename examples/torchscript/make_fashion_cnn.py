"""Makes examples/torchscript/fashion_cnn.pt, the small TorchScript model the README trains on Fashion-MNIST:

    /usr/bin/python3 examples/torchscript/make_fashion_cnn.py

Two 3×3 convolutions with batch normalisation and max-pooling, then a linear layer to the 10 classes' logits
(no softmax: the trainer's loss takes logits). Images enter as 1 × 28 × 28; the trainer scales pixels to
[0, 1]. Saved with python/adan_spark/torchscript.py, which exposes batch normalisation's buffers to the trainer.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from adan_spark import torchscript as adan_torchscript  # noqa: E402


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.out = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.out(x.flatten(1))


if __name__ == "__main__":
    torch.manual_seed(42)
    path = os.path.join(HERE, "fashion_cnn.pt")
    adan_torchscript.export(FashionCnn(), path)
    print("wrote", path)
