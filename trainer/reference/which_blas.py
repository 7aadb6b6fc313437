#!/usr/bin/env python3
"""Which BLAS library this torch's matmuls really call, and whether it is an optimized one.

Debian's torch links libblas.so.3, which is whatever the libblas.so.3 alternative (or
LD_LIBRARY_PATH) points to: Netlib's reference BLAS (one core, unoptimized) or OpenBLAS, BLIS,
MKL. Which packages are installed does not say: with the reference libblas.so.3 first, OpenBLAS
may still be mapped (through liblapack.so.3) but never called. So this asks the dynamic linker
which file gives libtorch_cpu its sgemm_, and that file whether it is an optimized BLAS.

usage: which_blas.py   prints "OpenBLAS 0.3.21 SkylakeX (FILE)" and exits 0 for an optimized
                       BLAS; for any other, one "error: ..." line on stderr and exit 2.
"""

import ctypes
import os
import sys

import torch

class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def _string(lib, name):
    fn = getattr(lib, name)
    fn.restype = ctypes.c_char_p
    return fn().decode()


def which_blas():
    """(description or None when not an optimized BLAS, the library's file)."""
    torch_cpu = ctypes.CDLL(os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so"))
    # dlsym through libtorch_cpu's handle searches it and its dependencies in load order: the
    # sgemm_ its own calls are bound to.
    address = ctypes.cast(torch_cpu.sgemm_, ctypes.c_void_p)
    info = _DlInfo()
    if not ctypes.CDLL(None).dladdr(address, ctypes.byref(info)):
        raise OSError("dladdr found no library for sgemm_")
    path = os.path.realpath(info.dli_fname.decode())
    lib = ctypes.CDLL(path)
    # Each optimized BLAS exports a function of its own; the reference BLAS none.
    if hasattr(lib, "openblas_get_config"):
        # e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64"
        version = _string(lib, "openblas_get_config").split()[1]
        return f"OpenBLAS {version} {_string(lib, 'openblas_get_corename')}", path
    if hasattr(lib, "bli_info_get_version_str"):
        return f"BLIS {_string(lib, 'bli_info_get_version_str')}", path
    if hasattr(lib, "MKL_Get_Version_String"):
        return "MKL", path
    return None, path


def main():
    name, path = which_blas()
    if name is None:
        print(f"error: the peer's torch calls the reference BLAS ({path}: not OpenBLAS, BLIS or MKL; "
              "unoptimized, one core), so a speed ratio against it would flatter the trainer; install an "
              "optimized BLAS (Debian: apt-get install libopenblas0-pthread)", file=sys.stderr)
        return 2
    print(f"{name} ({path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
