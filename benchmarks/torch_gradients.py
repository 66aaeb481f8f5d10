#!/usr/bin/env python3
"""The PyTorch peer of GradientThroughput: examples per second of a forward and backward pass over one
micro-batch of real Fashion-MNIST images, for the same networks as adan-spark's presets (lenet,
resnet:depth=8:width=16, mlp:256) and the residual net with batch normalisation (resnet-bn), with the summed
cross-entropy loss, on the given number of threads. With --save-torchscript it saves them as TorchScript
instead, for the PyTorch backend's side of benchmarks/torch-backend.sh.

Prints one line per model in GradientThroughput's format:
  RESULT pytorch-<version>,<model>,<batch>,<threads>,,,<examples_per_sec>,
Run by benchmarks/nd4j-variants.sh; needs Debian's python3-torch (CPU) and numpy.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def lenet():
    # the lenet preset: conv 5x5x20 and 5x5x50 with identity activation, 2x2 max-pools, dense 500 relu
    return nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.MaxPool2d(2, 2),
        nn.Conv2d(20, 50, 5), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))


class Block(nn.Module):
    """The resnet preset's basic block: act(x + conv(act(conv(x)))), 1x1 projection where the shape changes;
    with bn, batch normalisation after each 3x3 convolution (the ResNet paper's block, convolutions without
    bias)."""

    def __init__(self, cin, cout, stride, bn=False):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=not bn)
        self.bn1 = nn.BatchNorm2d(cout) if bn else nn.Identity()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=not bn)
        self.bn2 = nn.BatchNorm2d(cout) if bn else nn.Identity()
        self.proj = nn.Conv2d(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.proj(x) + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


def resnet(width=16, blocks=1, bn=False):
    layers = [nn.Conv2d(1, width, 3, 1, 1, bias=not bn)] + ([nn.BatchNorm2d(width)] if bn else []) + [nn.ReLU()]
    cin = width
    for stage in range(3):
        cout = width << stage
        for b in range(blocks):
            layers.append(Block(cin, cout, 2 if stage > 0 and b == 0 else 1, bn))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 10)]
    return nn.Sequential(*layers)


def resnet_bn():
    return resnet(bn=True)


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def fashion_mnist(data_dir, batch):
    with gzip.open(os.path.join(data_dir, "train-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16)[: batch * 784]
    with gzip.open(os.path.join(data_dir, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:batch]
    x = torch.from_numpy(images.reshape(batch, 1, 28, 28).astype(np.float32) / 255.0)
    return x, torch.from_numpy(labels.astype(np.int64))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", required=True, help="the fashion-mnist directory")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--models", default="lenet,resnet,mlp:256")
    p.add_argument("--save-torchscript", metavar="DIR",
                   help="save each model as DIR/<model>.pt for adan-spark's PyTorch backend, and measure nothing")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    nets = {"lenet": lenet, "resnet": resnet, "resnet-bn": resnet_bn, "mlp:256": mlp}
    if a.save_torchscript:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
        from adan_spark import torchscript as adan_torchscript
        os.makedirs(a.save_torchscript, exist_ok=True)
        for name in a.models.split(","):
            adan_torchscript.export(nets[name](), os.path.join(a.save_torchscript, name.replace(":", "-") + ".pt"))
        return
    x, y = fashion_mnist(a.data_dir, a.batch)
    for name in a.models.split(","):
        net = nets[name]()
        for _ in range(3):  # warm-up: oneDNN picks and caches its kernels
            net.zero_grad()
            F.cross_entropy(net(x), y, reduction="sum").backward()
        start = time.perf_counter()
        iterations = 0
        while time.perf_counter() - start < a.seconds:
            net.zero_grad()
            F.cross_entropy(net(x), y, reduction="sum").backward()
            iterations += 1
        rate = iterations * a.batch / (time.perf_counter() - start)
        print("RESULT pytorch-%s,%s,%d,%d,,,%.1f," % (torch.__version__, name, a.batch, torch.get_num_threads(), rate),
              flush=True)


if __name__ == "__main__":
    main()
