"""loss_compare's PyTorch tracer (trace format: docs/pytorch-trace.md).

Injected through sitecustomize, never imported by the trainer: when the program imports torch,
the tracer patches torch.optim.Optimizer (step boundaries), registers the global module hooks
(module names, forward phase) and, for the steps asked, runs every op through a
TorchDispatchMode that records it. APIs used, present in torch 1.13 and 2.x:
torch.utils._python_dispatch.TorchDispatchMode, torch.nn.modules.module.register_module_forward_pre_hook
and register_module_forward_hook, torch.optim.Optimizer, torch.autograd.backward/grad.
"""
import importlib.abc
import importlib.machinery
import json
import os
import sys

FORMAT_VERSION = 1


def steps_from(spec):
    """'1-3,5' -> {1, 2, 3, 5}."""
    out = set()
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    return out


class _TorchImportWatcher(importlib.abc.MetaPathFinder):
    """Installs the recorder right after `import torch` finishes (never imports torch itself)."""

    def find_spec(self, name, path, target=None):
        if name != "torch":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module):
            original(module)
            _start(module)

        loader.exec_module = exec_module
        return spec


_recorder = None


def rank():
    return int(os.environ.get("RANK", "0") or 0)


def write_process_note(folder, torch_imported, steps):
    """A process that wrote no trace says why (the harness tells "did not run PyTorch" from "no optimizer step")."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "process-%d.json" % os.getpid())
    with open(path + ".tmp", "w") as f:
        json.dump({"torch_imported": torch_imported, "optimizer_steps": steps, "rank": rank()}, f)
    os.replace(path + ".tmp", path)


def _start(torch_module):
    global _recorder
    if _recorder is not None:
        return
    try:
        from . import recorder
        _recorder = recorder.Recorder(os.environ["LOSS_COMPARE_TRACE_DIR"],
                                      steps_from(os.environ.get("LOSS_COMPARE_TRACE_STEPS", "1")))
        _recorder.install()
    except Exception as e:  # never stop the trainer
        sys.stderr.write("loss_compare tracer: disabled: %r\n" % (e,))


def install_on_import():
    """Called by sitecustomize: trace when torch is imported; say at exit if it never was."""
    import atexit
    pid = os.getpid()
    if "torch" in sys.modules:
        _start(sys.modules["torch"])
    else:
        sys.meta_path.insert(0, _TorchImportWatcher())

    def at_exit():
        if os.getpid() != pid:
            return
        if _recorder is not None:
            _recorder.close()
        else:
            write_process_note(os.environ["LOSS_COMPARE_TRACE_DIR"], torch_imported=False, steps=0)

    atexit.register(at_exit)
