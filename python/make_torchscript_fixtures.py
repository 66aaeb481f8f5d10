"""Makes the TorchScript models and float64 reference gradients the PyTorch backend's tests check against.

    /usr/bin/python3 python/make_torchscript_fixtures.py adan-spark/src/test/resources/torchscript

It writes ``batch.f64`` (a fixed batch: 8 examples of 784 values in [0, 1), then their 8 class labels), and
for each model ``NAME.pt`` (saved by adan_torchscript.export, float32, training mode) and
``NAME-expected.f64`` (from the same weights in float64, in training mode: the summed cross-entropy of the
logits, the gradient of every parameter in the module's parameter order, then every buffer after that one
forward pass). All files are little-endian float64 but the models. ``mlp_dropout.pt`` has no reference: its
pass draws random numbers; ``linear2.pt`` (2 features → 1 prediction) is the regression tests' model. It also saves four models the backend
refuses: a batch-normalised one without the buffer methods, one with two outputs, one with two inputs, one
without parameters. Debian's python3-torch 1.13 (CPU) made the
committed files.
"""
import copy
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adan_torchscript  # noqa: E402


class Mlp(nn.Module):
    """784 → 32 → 10, ReLU: a module without buffers."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 32)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x.flatten(1))))


class BnCnn(nn.Module):
    """LeNet-like with batch normalisation, 1×28×28 in: 1 and 6 input channels, neither a multiple of 16."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


class LeNet(nn.Module):
    """DL4J's lenet preset's convolutions (conv 5×5×20, max-pool, conv 5×5×50, max-pool), the case where
    libtorch's oneDNN computes wrong float32 results with AVX2 or AVX-512; dense 64 (the preset's is 500) keeps
    the committed files small."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.dense = nn.Linear(50 * 4 * 4, 64)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 2)
        x = F.max_pool2d(self.conv2(x), 2)
        return self.out(F.relu(self.dense(x.flatten(1))))


class DropoutMlp(nn.Module):
    """784 → 32 → 10 with dropout: a training pass draws random numbers."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 32)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        return self.out(self.drop(F.relu(self.hidden(x.flatten(1)))))


class TwoOutputs(nn.Module):
    """Returns a tuple: refused, a model has one output."""

    def __init__(self):
        super().__init__()
        self.out = nn.Linear(784, 10)

    def forward(self, x):
        y = self.out(x.flatten(1))
        return y, y


class TwoInputs(nn.Module):
    """Takes two tensors: refused, a model has one input."""

    def __init__(self):
        super().__init__()
        self.out = nn.Linear(784, 10)

    def forward(self, x, y):
        return self.out(x.flatten(1)) + y


class NoParameters(nn.Module):
    """Nothing to train: refused."""

    def forward(self, x):
        return x.flatten(1)[:, :10]


def write_f64(path, values):
    torch.cat([v.detach().double().reshape(-1) for v in values]).numpy().astype("<f8").tofile(path)


def fixture(directory, name, model, shape, x, y):
    adan_torchscript.export(model, os.path.join(directory, name + ".pt"))
    reference = copy.deepcopy(model).double().train()
    loss = F.cross_entropy(reference(x.double().reshape(8, *shape)), y, reduction="sum")
    loss.backward()
    write_f64(os.path.join(directory, name + "-expected.f64"),
              [loss.reshape(1)] + [p.grad for p in reference.parameters()] + list(reference.buffers()))
    print(name, "loss", loss.item(), "parameters", sum(p.numel() for p in model.parameters()),
          "buffers", sum(b.numel() for b in model.buffers()))


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(directory, exist_ok=True)
    torch.manual_seed(11)
    x = torch.rand(8, 784)
    y = torch.randint(0, 10, (8,))
    write_f64(os.path.join(directory, "batch.f64"), [x, y])
    torch.manual_seed(5)
    fixture(directory, "mlp", Mlp(), (784,), x, y)
    torch.manual_seed(6)
    fixture(directory, "cnn_bn", BnCnn(), (1, 28, 28), x, y)
    torch.manual_seed(7)
    fixture(directory, "lenet", LeNet(), (1, 28, 28), x, y)
    torch.manual_seed(9)
    adan_torchscript.export(DropoutMlp(), os.path.join(directory, "mlp_dropout.pt"))
    regressor = nn.Linear(2, 1)  # a regressor of 2 features, from zero as a least-squares fit would start
    nn.init.zeros_(regressor.weight)
    nn.init.zeros_(regressor.bias)
    adan_torchscript.export(regressor, os.path.join(directory, "linear2.pt"))
    # models the backend refuses, each with one line
    torch.manual_seed(8)
    torch.jit.save(torch.jit.script(BnCnn()), os.path.join(directory, "bad-bn-without-buffer-methods.pt"))
    torch.jit.save(torch.jit.script(TwoOutputs()), os.path.join(directory, "bad-two-outputs.pt"))
    torch.jit.save(torch.jit.script(TwoInputs()), os.path.join(directory, "bad-two-inputs.pt"))
    torch.jit.save(torch.jit.script(NoParameters()), os.path.join(directory, "bad-no-parameters.pt"))


if __name__ == "__main__":
    main()
