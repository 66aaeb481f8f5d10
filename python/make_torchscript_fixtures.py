"""Makes the TorchScript models and float64 reference gradients the PyTorch backend's tests check against.

    /usr/bin/python3 python/make_torchscript_fixtures.py adan-spark/src/test/resources/torchscript

It writes ``batch.f64`` (a fixed batch: 8 examples of 784 values in [0, 1), then their 8 class labels), and
for each model ``NAME.pt`` (saved by adan_spark.torchscript.export, float32, training mode) and
``NAME-expected.f64`` (from the same weights in float64, in training mode: the summed cross-entropy of the
logits, the gradient of every parameter in the module's parameter order, then every buffer after that one
forward pass). All files are little-endian float64 but the models. ``mlp_dropout.pt`` has no reference: its
pass draws random numbers; ``linear2.pt`` (2 features → 1 prediction) is the regression tests' model. It also saves four models the backend
refuses: a batch-normalised one without the buffer methods, one with two outputs, one with two inputs, one
without parameters. For the presets of the PyTorch backend (``--backend pytorch``) it writes
``preset-NAME-expected.f64``: the same network built in PyTorch, from the θ the preset draws from seed 42 (the
same SplitMix64 stream as java.util.SplittableRandom), in float64 (layout in preset_fixture); charlm's on the
token windows of ``tokens.f64``. Debian's
python3-torch 1.13 (CPU) made the committed files.
"""
import copy
import math
import os
import sys

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adan_spark import torchscript as adan_torchscript  # noqa: E402


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


class SplitMix64:
    """java.util.SplittableRandom(seed): the stream the PyTorch backend's presets draw their initial θ from."""

    GAMMA = 0x9E3779B97F4A7C15
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.seed = seed & self.MASK

    def next_double(self):
        self.seed = (self.seed + self.GAMMA) & self.MASK
        z = self.seed
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        z = z ^ (z >> 31)
        return (z >> 11) * 2.0 ** -53


# DJL's batch normalisation passes libtorch the momentum 1 - 0.9f, computed in float32
PRESET_BN_MOMENTUM = float(np.float32(1) - np.float32(0.9))


def preset_bn(channels):
    return nn.BatchNorm2d(channels, eps=1e-5, momentum=PRESET_BN_MOMENTUM)


class PresetBasicBlock(nn.Module):
    """The resnet preset's block: act(bn(conv(act(bn(conv(x))))) + shortcut(x)), branch before shortcut."""

    def __init__(self, channels_in, out, stride):
        super().__init__()
        self.branch = nn.Sequential(nn.Conv2d(channels_in, out, 3, stride, 1, bias=False), preset_bn(out), nn.ReLU(),
                                    nn.Conv2d(out, out, 3, 1, 1, bias=False), preset_bn(out))
        self.shortcut = nn.Identity() if stride == 1 and channels_in == out else nn.Sequential(
            nn.Conv2d(channels_in, out, 1, stride, 0, bias=False), preset_bn(out))

    def forward(self, x):
        return F.relu(self.branch(x) + self.shortcut(x))


def preset_resnet(depth=8, width=16, channels=1, classes=10):
    blocks = (depth - 2) // 6
    layers = [nn.Conv2d(channels, width, 3, 1, 1, bias=False), preset_bn(width), nn.ReLU()]
    channels_in = width
    for stage in range(3):
        out = width << stage
        for b in range(blocks):
            layers.append(PresetBasicBlock(channels_in, out, 2 if stage > 0 and b == 0 else 1))
            channels_in = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels_in, classes)]
    return nn.Sequential(*layers)


class PresetCausalBlock(nn.Module):
    """charlm's block: h = x + W_o attention(LN1(x)), y = h + W2 gelu(W1 LN2(h) + b1) + b2, causal by -1e9."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.projection = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.expand = nn.Linear(width, 4 * width)
        self.contract = nn.Linear(4 * width, width)

    def forward(self, x):
        m, t, width = x.shape
        d = width // self.heads
        q, k, v = self.qkv(self.norm1(x)).reshape(m, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        mask = torch.triu(torch.full((t, t), -1e9, dtype=x.dtype), diagonal=1)
        attended = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask, -1) @ v
        h = x + self.projection(attended.transpose(1, 2).reshape(m, t, width))
        return h + self.contract(F.gelu(self.expand(self.norm2(h))))


class PresetCharLm(nn.Module):
    """charlm (attention body) on the PyTorch backend: token + position embeddings, causal blocks, logits
    [m, vocabulary, T]."""

    def __init__(self, vocabulary=12, length=16, width=32, heads=4, layers=2):
        super().__init__()
        self.token = nn.Parameter(torch.empty(vocabulary, width))
        self.position = nn.Parameter(torch.empty(length, width))
        self.blocks = nn.Sequential(*[PresetCausalBlock(width, heads) for _ in range(layers)])
        self.out = nn.Linear(width, vocabulary)

    def forward(self, ids):
        return self.out(self.blocks(self.token[ids] + self.position)).transpose(1, 2)


PRESETS = {
    # name: (the preset's --model spec, its network in PyTorch, example shape, every how many gradient values kept)
    "preset-mlp": ("mlp:32", lambda: nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)), (784,), 1),
    "preset-lenet": ("lenet", lambda: nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.MaxPool2d(2, 2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10)), (1, 28, 28), 7),
    "preset-resnet": ("resnet:depth=8:width=16", preset_resnet, (1, 28, 28), 1),
}


def preset_initialisation(model, seed):
    """The presets' initial θ (TorchPresets.initialTheta): PyTorch's default initialisation drawn from
    SplitMix64(seed) in parameter order, every weight and the bias after it uniform in ±1/sqrt(fan-in), batch
    normalisation's scale 1 and shift 0, running mean 0 and variance 1; each value rounded to float32."""
    random = SplitMix64(seed)
    bound = 0.0

    def draw(p, bound):
        flat = [np.float32((2 * random.next_double() - 1) * bound) for _ in range(p.numel())]
        p.copy_(torch.tensor(np.array(flat, dtype=np.float32), dtype=torch.float64).reshape(p.shape))

    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, PresetCharLm):  # its own embeddings, drawn as weights of fan-in = width
                for p in (module.token, module.position):
                    draw(p, 1 / math.sqrt(p.shape[1]))
            elif isinstance(module, nn.LayerNorm):
                module.weight.fill_(1)
                module.bias.fill_(0)
            elif isinstance(module, nn.BatchNorm2d):
                module.weight.fill_(1)
                module.bias.fill_(0)
                module.running_mean.fill_(0)
                module.running_var.fill_(1)
            elif isinstance(module, (nn.Conv2d, nn.Linear)):
                for name, p in module.named_parameters(recurse=False):
                    if name == "weight":
                        bound = 1 / math.sqrt(p.numel() / p.shape[0])
                    draw(p, bound)


def preset_fixture(directory, name, x, y, seed=42):
    """NAME-expected.f64: the stride k, the summed cross-entropy, every k-th value of the gradient in θ's order
    (the parameters in order), then the running means and variances after the pass (no batch counter: the
    presets have none)."""
    spec, make, shape, stride = PRESETS[name]
    model = make().double().train()
    preset_initialisation(model, seed)
    loss = F.cross_entropy(model(x.double().reshape(8, *shape)), y, reduction="sum")
    loss.backward()
    gradient = torch.cat([p.grad.reshape(-1) for p in model.parameters()])[::stride]
    buffers = [b for n, b in model.named_buffers() if not n.endswith("num_batches_tracked")]
    write_f64(os.path.join(directory, name + "-expected.f64"),
              [torch.tensor([float(stride)]), loss.reshape(1), gradient] + buffers)
    print(name, spec, "loss", loss.item(), "parameters", sum(p.numel() for p in model.parameters()),
          "kept", gradient.numel())


def charlm_fixture(directory, seed=42):
    """tokens.f64: 8 windows of 17 token ids below 12 (the first 16 are read, each next one predicted);
    preset-charlm-expected.f64 as preset_fixture's, the loss summed over windows and positions."""
    torch.manual_seed(13)
    windows = torch.randint(0, 12, (8, 17))
    write_f64(os.path.join(directory, "tokens.f64"), [windows])
    model = PresetCharLm().double().train()
    preset_initialisation(model, seed)
    loss = F.cross_entropy(model(windows[:, :16]), windows[:, 1:], reduction="sum")
    loss.backward()
    gradient = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
    write_f64(os.path.join(directory, "preset-charlm-expected.f64"), [torch.tensor([1.0]), loss.reshape(1), gradient])
    print("preset-charlm charlm:layers=2:width=32:heads=4 loss", loss.item(), "parameters", gradient.numel())


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
    for name in PRESETS:
        preset_fixture(directory, name, x, y)
    charlm_fixture(directory)
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
