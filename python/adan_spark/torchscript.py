"""Saves a PyTorch module as TorchScript that adan-spark's PyTorch backend can train.

    from adan_spark import torchscript as adan_torchscript
    torchscript.export(model, "model.pt")

The module must take one tensor (a batch of examples) and return one tensor: the logits of a classifier
(no softmax) or the prediction of a regressor. adan-spark trains every parameter with the run's optimizer
and keeps the module's buffers (batch normalisation's running mean, variance and batch counter) out of the
optimizer: after each step it moves them by the example-weighted mean of the changes the partitions' forward
passes made (docs/MODELS.md, "PyTorch models").

TorchScript gives Java no way to reach a module's buffers, so a module that has any is wrapped: the wrapper
registers each buffer a second time under its own name (the same tensor, so batch normalisation's in-place
updates show through it) and adds two methods, ``adan_buffers()`` and ``adan_set_buffers(values)``. A module
without buffers is saved as it is; any TorchScript module without buffers can be trained without this script.
"""
import importlib.util
import os
import tempfile

import torch

_WRAPPER = '''from typing import List
import torch


class AdanModule(torch.nn.Module):
    """{names}"""

    def __init__(self, model, buffers):
        super().__init__()
        self.model = model
        for i, b in enumerate(buffers):
            self.register_buffer("adan_buffer_%d" % i, b)

    def forward(self, x):
        return self.model(x)

    @torch.jit.export
    def adan_buffers(self) -> List[torch.Tensor]:
        return [{getters}]

    @torch.jit.export
    def adan_set_buffers(self, values: List[torch.Tensor]):
{setters}
'''


def scripted(model):
    """Returns ``model`` scripted, wrapped as the module docstring says when it has buffers."""
    model = model.cpu().float()
    named = list(model.named_buffers())
    if not named:
        return torch.jit.script(model)
    n = len(named)
    source = _WRAPPER.format(
        names=", ".join(name for name, _ in named),
        getters=", ".join("self.adan_buffer_%d" % i for i in range(n)),
        setters="\n".join("        self.adan_buffer_%d.copy_(values[%d])" % (i, i) for i in range(n)))
    # TorchScript compiles from source files, so the wrapper for n buffers is written to one and imported
    directory = tempfile.mkdtemp(prefix="adan_torchscript_")
    path = os.path.join(directory, "adan_module_%d.py" % n)
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("adan_module_%d" % n, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return torch.jit.script(module.AdanModule(model, [b for _, b in named]))


def export(model, path):
    """Saves ``model`` as TorchScript at ``path``, in training mode, ready for ``--model torchscript:PATH``."""
    s = scripted(model)
    s.train()
    torch.jit.save(s, path)
    return s
