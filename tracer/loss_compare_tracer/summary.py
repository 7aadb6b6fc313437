"""Tensor summaries: dtype, shape, an exact digest of the bytes, float64 sum, L2 norm and max |x|.
Only the summary leaves this module, never the tensor."""
import hashlib
import math

import torch

_AS_INTEGER = {torch.bfloat16: torch.int16}


def local_shard(t):
    """A DTensor (torch 2.x: torch.distributed.tensor, before 2.5 torch.distributed._tensor; absent in 1.13)
    is read as the local shard this rank computes, its `_local_tensor`, with its placements and global
    shape; any other tensor is itself, with None. Found by its attributes, so nothing is imported."""
    local = getattr(t, "_local_tensor", None)
    if isinstance(local, torch.Tensor) and hasattr(t, "placements"):
        return local, {"placements": [str(p) for p in t.placements], "global_shape": list(t.shape)}
    return t, None


def described(t):
    """dtype and shape of a tensor (a DTensor: of its local shard, with `dtensor`: its placements and global shape)."""
    local, distributed = local_shard(t)
    out = {"dtype": str(local.dtype).replace("torch.", ""), "shape": list(local.shape)}
    if distributed is not None:
        out["dtensor"] = distributed
    return out


def tensor_bytes(t):
    """The elements' bytes in row-major order on the CPU (the machine's byte order)."""
    x = t.detach()
    if x.is_complex():
        x = torch.view_as_real(x)
    x = x.cpu().contiguous()
    if x.dtype in _AS_INTEGER:
        x = x.view(_AS_INTEGER[x.dtype])
    elif x.element_size() == 1 and x.dtype not in (torch.bool, torch.uint8, torch.int8):
        x = x.view(torch.uint8)  # float8 kinds (torch 2.x)
    return x.numpy().tobytes()


def digest(t):
    return hashlib.sha256(tensor_bytes(local_shard(t)[0])).hexdigest()[:16]


def summary(t):
    """The summary of one tensor (a DTensor's local shard); a tensor it cannot read (meta, sparse, ...) says why instead."""
    out = described(t)
    t = local_shard(t)[0]
    try:
        out["digest"] = digest(t)
        x = t.detach()
        if x.dtype == torch.bool:
            out["true_count"] = int(x.sum().item())
            return out
        if x.is_complex():
            x = torch.view_as_real(x)
        x = x.cpu().to(torch.float64)
        if x.numel() == 0:
            out.update(sum=0.0, norm=0.0, max_abs=0.0)
        else:
            out["sum"] = float(x.sum().item())
            out["norm"] = math.sqrt(float((x * x).sum().item()))
            out["max_abs"] = float(x.abs().max().item())
    except Exception as e:  # the location will say what could not be traced
        out["digest"] = None
        out["error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
    return out
