"""Put on PYTHONPATH by loss_compare for a traced re-run. Does nothing unless LOSS_COMPARE_TRACE_DIR
is set; then installs the PyTorch tracer when (and only if) the program imports torch. Any
sitecustomize the environment already has still runs: this one is found first and chains to it.
"""
import os
import sys


def _chain_to_next_sitecustomize():
    import importlib.machinery
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


if os.environ.get("LOSS_COMPARE_TRACE_DIR"):
    try:
        import loss_compare_tracer
        loss_compare_tracer.install_on_import()
    except Exception as e:  # the tracer must never stop the trainer
        sys.stderr.write("loss_compare tracer: not installed: %r\n" % (e,))
_chain_to_next_sitecustomize()
