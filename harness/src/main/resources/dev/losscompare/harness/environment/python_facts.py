# What a Python trainer's environment runs: printed as NAME=VALUE lines by the interpreter the
# trainer's runs start (through the environment's command prefix and variables).
# Only what a run cannot change once started (a thread count the trainer sets itself is not here).
# Runs on torch 1.13 and 2.x: torch.__version__, torch.version.cuda, torch.backends.cudnn.version(),
# torch.__config__.show() and ctypes are in both.
import ctypes
import os
import platform
import re

facts = {"python_version": platform.python_version()}
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    facts["torch_version"] = torch.__version__
    facts["cuda_version"] = torch.version.cuda
    facts["cudnn_version"] = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    facts["blas"] = m.group(1) if m else None
    # The library whose sgemm_ torch's CPU kernels call, and for OpenBLAS the kernel it chose.
    try:
        class _DlInfo(ctypes.Structure):
            _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                        ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]
        cpu = ctypes.CDLL(os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so"))
        info = _DlInfo()
        if ctypes.CDLL(None).dladdr(ctypes.cast(cpu.sgemm_, ctypes.c_void_p), ctypes.byref(info)):
            lib = ctypes.CDLL(os.path.realpath(info.dli_fname.decode()))
            facts["blas_library"] = os.path.basename(os.path.realpath(info.dli_fname.decode()))
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_config.restype = ctypes.c_char_p
                facts["blas"] = "OpenBLAS " + lib.openblas_get_config().decode().split()[1]
                facts["blas_core"] = lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        pass
for name in sorted(facts):
    if facts[name] is not None:
        print("%s=%s" % (name, facts[name]))
