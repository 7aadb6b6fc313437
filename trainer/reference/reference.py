#!/usr/bin/env python3
"""An independent reference for the trainer's six debug models, in plain PyTorch.

Written from torchtitan's model semantics at commit 6a3a9da9564d82a1120c7639ef6236bb4cffa049
(torchtitan/models/llama3, torchtitan/experiments/llama4, torchtitan/models/deepseek_v3,
torchtitan/models/moe.py, components/lr_scheduler.py, components/loss.py), not from the Java
trainer. Runs with Debian's python3-torch (PyTorch 1.13, CPU), so it uses plain ops where 1.13
lacks one: RMSNorm, scaled-dot-product attention and flex attention (an explicit boolean mask)
are written out.

It loads the trainer's seed checkpoint (safetensors), reads the batches the trainer dumped with
--debug.dump_batches=DIR, trains N steps with AdamW and torchtitan's warmup-stable-decay
schedule, and writes the trainer's metrics JSONL (a meta line, which also names the BLAS torch
calls (which_blas.py), then step, loss, grad_norm, lr, data_fingerprint, time_ms per step).

usage: reference.py --config=TOML --checkpoint=FILE --batches=DIR --metrics=FILE
                    [--section.key=value ...]   (model.name, model.flavor, training.steps, ...)
Exit codes: 0 ok, 2 bad input (one line on stderr).
"""

import json
import math
import os
import struct
import sys
import time
import tomllib

import torch
import torch.nn.functional as F
from torch import nn

from which_blas import which_blas

# Deliberate differences from torchtitan, shared with the trainer: the byte-level tokenizer
# (vocab 258, EOS id 257) and iRoPE chunks of 32 tokens (torchtitan: 256 at seq_len 2048).
EOS_ID = 257
IROPE_CHUNK = 32


class BadInput(Exception):
    pass


# ----------------------------------------------------------------------------- flavors

def llama3_flavor(flex):
    # torchtitan/models/llama3/__init__.py: debugmodel / debugmodel_flex_attn
    return dict(family="llama", dim=256, n_layers=6, n_heads=16, n_kv_heads=None, multiple_of=256,
                ffn_dim_multiplier=None, norm_eps=1e-5, rope_theta=500000.0,
                rope_scaling=dict(factor=8.0, low=1.0, high=4.0, original=8192),
                use_flex_attn=flex, moe=None, interleave_moe_layer_step=1,
                every_n_layers_nope=None, fixed_attn_block_size=None)


def llama4_flavor(irope):
    # torchtitan/experiments/llama4/__init__.py debugmodel / debugmodel_irope, args.py defaults
    f = llama3_flavor(irope)
    f["rope_scaling"] = dict(factor=16.0, low=1.0, high=1.0, original=8192)
    f["moe"] = dict(num_experts=8, num_shared_experts=1, score_func="sigmoid", route_norm=False,
                    route_scale=1.0, score_before_experts=True, top_k=1, load_balance_coeff=1e-3)
    f["interleave_moe_layer_step"] = 2
    if irope:
        f["every_n_layers_nope"] = 4
        f["fixed_attn_block_size"] = IROPE_CHUNK
    return f


def deepseek_flavor(flex):
    # torchtitan/models/deepseek_v3/__init__.py debugmodel / debugmodel_flex_attn, args.py defaults
    return dict(family="deepseek", dim=256, inter_dim=1024, moe_inter_dim=256, n_layers=6,
                n_dense_layers=1, n_heads=16, norm_eps=1e-5,
                moe=dict(num_experts=8, num_shared_experts=2, top_k=3, score_func="softmax",
                         route_norm=False, route_scale=1.0, score_before_experts=False,
                         load_balance_coeff=1e-3),
                q_lora_rank=0, kv_lora_rank=512, qk_nope_head_dim=128, qk_rope_head_dim=64,
                v_head_dim=128, mscale=0.70, original_seq_len=4096, rope_theta=10000.0,
                rope_factor=40.0, beta_fast=32, beta_slow=1, use_flex_attn=flex)


FLAVORS = {
    ("llama3", "debugmodel"): lambda: llama3_flavor(False),
    ("llama3", "debugmodel_flex_attn"): lambda: llama3_flavor(True),
    ("llama4", "debugmodel"): lambda: llama4_flavor(False),
    ("llama4", "debugmodel_irope"): lambda: llama4_flavor(True),
    ("deepseek_v3", "debugmodel"): lambda: deepseek_flavor(False),
    ("deepseek_v3", "debugmodel_flex_attn"): lambda: deepseek_flavor(True),
}


# ----------------------------------------------------------------------------- building blocks

class RMSNorm(nn.Module):
    """nn.RMSNorm (not in 1.13): x / sqrt(mean(x^2) + eps) * weight; eps None = finfo(dtype).eps."""

    def __init__(self, dim, eps=None):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        eps = self.eps if self.eps is not None else torch.finfo(x.dtype).eps
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * self.weight


def attend(q, k, v, mask, scale):
    """softmax(q k^T * scale, masked) v; q, k, v (B, H, S, D); mask (B or 1, 1, S, S) bool, True = attend."""
    if scale is None:
        scale = 1.0 / math.sqrt(q.size(-1))
    scores = torch.matmul(q, k.transpose(-2, -1)) * scale
    scores = scores.masked_fill(~mask, float("-inf"))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def causal_mask(seqlen):
    q = torch.arange(seqlen).view(-1, 1)
    kv = torch.arange(seqlen).view(1, -1)
    return (q >= kv).view(1, 1, seqlen, seqlen)


def document_mask(batch, eos_id):
    """torchtitan models/attention.py get_document_mask_mod, materialized: (B, 1, S, S)."""
    eos_mask = batch == eos_id
    eos_mask[:, -1] = True
    cumulative = torch.cumsum(torch.where(eos_mask, 1, 0), dim=1)
    seq_idx = torch.zeros_like(cumulative, dtype=torch.int32)
    seq_idx[:, 1:] = cumulative[:, :-1]
    return (seq_idx.unsqueeze(2) == seq_idx.unsqueeze(1)).unsqueeze(1)


def fixed_block_mask(seqlen, block):
    idx = torch.arange(seqlen) // block
    return (idx.view(-1, 1) == idx.view(1, -1)).view(1, 1, seqlen, seqlen)


def apply_rotary_emb(x, freqs_cis):
    """x (B, S, H, D): rotate interleaved pairs as complex numbers, in fp32, back to x's dtype."""
    xc = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    f = freqs_cis[: x.shape[1]].view(1, x.shape[1], 1, xc.shape[-1])
    return torch.view_as_real(xc * f).flatten(3).type_as(x)


def llama_freqs_cis(dim, end, theta, s):
    freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: (dim // 2)].float() / dim))
    if s is not None:
        wavelen = 2 * math.pi / freqs
        high_wavelen = s["original"] / s["high"]
        low_wavelen = s["original"] / s["low"]
        freqs = torch.where(wavelen > low_wavelen, freqs / s["factor"], freqs)
        # llama4 has low == high: a tensor division by 0.0 (inf/nan) that torch.where never selects
        smooth = (s["original"] / wavelen - s["low"]) / (s["high"] - s["low"])
        smoothed = (1 - smooth) * freqs / s["factor"] + smooth * freqs
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        freqs = torch.where(medium, smoothed, freqs)
    t = torch.arange(end)
    angles = torch.outer(t, freqs).float()
    return torch.polar(torch.ones_like(angles), angles)


def deepseek_freqs_cis(a, seqlen):
    dim, base, factor = a["qk_rope_head_dim"], a["rope_theta"], a["rope_factor"]
    freqs = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    if seqlen > a["original_seq_len"]:
        def correction_dim(rot):
            return dim * math.log(a["original_seq_len"] / (rot * 2 * math.pi)) / (2 * math.log(base))
        low = max(math.floor(correction_dim(a["beta_fast"])), 0)
        high = min(math.ceil(correction_dim(a["beta_slow"])), dim - 1)
        if low == high:
            high += 0.001
        ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
        smooth = 1 - ramp
        freqs = freqs / factor * (1 - smooth) + freqs * smooth
    t = torch.arange(seqlen)
    angles = torch.outer(t, freqs)
    return torch.polar(torch.ones_like(angles), angles)


class SwiGLU(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Router(nn.Module):
    def __init__(self, dim, m):
        super().__init__()
        self.gate = nn.Linear(dim, m["num_experts"], bias=False)
        self.m = m


class MoE(nn.Module):
    """torchtitan models/moe.py: token-choice top-k, for-loop experts, shared experts, scatter_add."""

    def __init__(self, dim, hidden, m):
        super().__init__()
        n = m["num_experts"]
        self.m = m
        # registration order: experts, router, shared experts (as torchtitan's MoE.__init__)
        self.experts = nn.Module()
        self.experts.w1 = nn.Parameter(torch.empty(n, hidden, dim))
        self.experts.w2 = nn.Parameter(torch.empty(n, dim, hidden))
        self.experts.w3 = nn.Parameter(torch.empty(n, hidden, dim))
        self.router = Router(dim, m)
        self.shared_experts = SwiGLU(dim, hidden * m["num_shared_experts"]) if m["num_shared_experts"] > 0 else None
        self.register_buffer("expert_bias", torch.zeros(n, dtype=torch.float32))
        self.register_buffer("tokens_per_expert", torch.zeros(n, dtype=torch.float32))

    def forward(self, x):
        m, n = self.m, self.m["num_experts"]
        bs, slen, dim = x.shape
        x = x.view(-1, dim)
        scores = self.router.gate(x).to(torch.float32)
        scores = torch.sigmoid(scores) if m["score_func"] == "sigmoid" else F.softmax(scores, dim=1)
        _, selected = torch.topk(scores + self.expert_bias, k=m["top_k"], dim=1)
        top_scores = scores.gather(dim=1, index=selected)
        if m["route_norm"]:
            top_scores = top_scores / (top_scores.sum(dim=-1, keepdim=True) + 1e-20)
        top_scores = top_scores * m["route_scale"]
        counts = torch.bincount(selected.view(-1), minlength=n)  # histc over expert ids
        with torch.no_grad():
            self.tokens_per_expert.add_(counts.float())
        order = torch.sort(selected.view(-1), stable=True).indices
        scores_sorted = top_scores.view(-1)[order]
        token_idx = (order // m["top_k"]).reshape(-1, 1).expand(-1, dim)
        routed = torch.gather(x, dim=0, index=token_idx)
        if m["score_before_experts"]:
            routed = (routed.to(torch.float32) * scores_sorted.reshape(-1, 1)).to(x.dtype)
        outs = []
        for e, chunk in enumerate(torch.split(routed, counts.tolist(), dim=0)):
            h = F.silu(torch.matmul(chunk, self.experts.w1[e].transpose(-2, -1)))
            h = h * torch.matmul(chunk, self.experts.w3[e].transpose(-2, -1))
            outs.append(torch.matmul(h, self.experts.w2[e].transpose(-2, -1)))
        routed_out = torch.cat(outs, dim=0)
        out = self.shared_experts(x) if self.shared_experts is not None else torch.zeros_like(x)
        if not m["score_before_experts"]:
            routed_out = (routed_out.to(torch.float32) * scores_sorted.reshape(-1, 1)).to(x.dtype)
        out = out.scatter_add(dim=0, index=token_idx, src=routed_out)
        return out.reshape(bs, slen, dim)

    @torch.no_grad()
    def update_expert_bias(self):
        """torchtitan components/optimizer.py _update_expert_bias (an optimizer step pre-hook)."""
        tpe = self.tokens_per_expert
        delta = self.m["load_balance_coeff"] * torch.sign(tpe.mean() - tpe)
        delta = delta - delta.mean()
        self.expert_bias.add_(delta)
        self.tokens_per_expert.zero_()


# ----------------------------------------------------------------------------- llama3 / llama4

class GQAttention(nn.Module):
    def __init__(self, a, use_rope):
        super().__init__()
        self.n_heads = a["n_heads"]
        self.n_kv_heads = a["n_kv_heads"] or a["n_heads"]
        self.head_dim = a["dim"] // a["n_heads"]
        self.wq = nn.Linear(a["dim"], self.n_heads * self.head_dim, bias=False)
        self.wk = nn.Linear(a["dim"], self.n_kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(a["dim"], self.n_kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(self.n_heads * self.head_dim, a["dim"], bias=False)
        self.use_rope = use_rope

    def forward(self, x, freqs_cis, mask):
        bs, seqlen, _ = x.shape
        q = self.wq(x).view(bs, seqlen, -1, self.head_dim)
        k = self.wk(x).view(bs, seqlen, -1, self.head_dim)
        v = self.wv(x).view(bs, seqlen, -1, self.head_dim)
        if self.use_rope:
            q, k = apply_rotary_emb(q, freqs_cis), apply_rotary_emb(k, freqs_cis)
        rep = self.n_heads // self.n_kv_heads
        k = torch.repeat_interleave(k, rep, dim=2)
        v = torch.repeat_interleave(v, rep, dim=2)
        out = attend(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), mask, None)
        return self.wo(out.transpose(1, 2).contiguous().view(bs, seqlen, -1))


class LlamaBlock(nn.Module):
    def __init__(self, layer_id, a):
        super().__init__()
        nope = a["every_n_layers_nope"]
        self.use_rope = not (nope is not None and layer_id % nope == 0)
        self.attention = GQAttention(a, self.use_rope)
        self.moe_enabled = a["moe"] is not None and (layer_id + 1) % a["interleave_moe_layer_step"] == 0
        dim = a["dim"]
        hidden = int(2 * (4 * dim) / 3)
        if self.moe_enabled:
            m = a["moe"]
            hidden = int(hidden / (m["top_k"] + m["num_shared_experts"]))  # auto_scale_hidden_dim
            hidden += -hidden % a["multiple_of"]
            self.moe = MoE(dim, hidden, m)
        else:
            hidden = a["multiple_of"] * ((hidden + a["multiple_of"] - 1) // a["multiple_of"])
            self.feed_forward = SwiGLU(dim, hidden)
        self.attention_norm = RMSNorm(dim, a["norm_eps"])
        self.ffn_norm = RMSNorm(dim, a["norm_eps"])

    def forward(self, x, freqs_cis, masks):
        h = x + self.attention(self.attention_norm(x), freqs_cis, masks["rope" if self.use_rope else "nope"])
        ffn = self.moe if self.moe_enabled else self.feed_forward
        return h + ffn(self.ffn_norm(h))


class Llama(nn.Module):
    def __init__(self, a, vocab, seqlen):
        super().__init__()
        self.a = a
        self.tok_embeddings = nn.Embedding(vocab, a["dim"])
        self.register_buffer("freqs_cis", llama_freqs_cis(a["dim"] // a["n_heads"], seqlen, a["rope_theta"],
                                                          a["rope_scaling"]), persistent=False)
        self.layers = nn.ModuleDict({str(i): LlamaBlock(i, a) for i in range(a["n_layers"])})
        self.norm = RMSNorm(a["dim"], a["norm_eps"])
        self.output = nn.Linear(a["dim"], vocab, bias=False)

    def masks(self, tokens):
        seqlen = tokens.shape[1]
        base = causal_mask(seqlen)
        if self.a["use_flex_attn"]:
            base = base & document_mask(tokens, EOS_ID)
        rope = base
        if self.a["fixed_attn_block_size"]:
            rope = base & fixed_block_mask(seqlen, self.a["fixed_attn_block_size"])
        return {"rope": rope, "nope": base}

    def forward(self, tokens):
        masks = self.masks(tokens)
        h = self.tok_embeddings(tokens)
        for layer in self.layers.values():
            h = layer(h, self.freqs_cis, masks)
        return self.output(self.norm(h))


# ----------------------------------------------------------------------------- deepseek_v3

class MLA(nn.Module):
    def __init__(self, a, seqlen):
        super().__init__()
        self.a = a
        dim, h = a["dim"], a["n_heads"]
        self.qk_head_dim = a["qk_nope_head_dim"] + a["qk_rope_head_dim"]
        self.wq = nn.Linear(dim, h * self.qk_head_dim, bias=False)
        self.wkv_a = nn.Linear(dim, a["kv_lora_rank"] + a["qk_rope_head_dim"], bias=False)
        self.kv_norm = RMSNorm(a["kv_lora_rank"], a["norm_eps"])
        self.wkv_b = nn.Linear(a["kv_lora_rank"], h * (a["qk_nope_head_dim"] + a["v_head_dim"]), bias=False)
        self.wo = nn.Linear(h * a["v_head_dim"], dim, bias=False)
        self.softmax_scale = self.qk_head_dim ** -0.5
        if seqlen > a["original_seq_len"]:
            mscale = 0.1 * a["mscale"] * math.log(a["rope_factor"]) + 1.0
            self.softmax_scale = self.softmax_scale * mscale * mscale

    def forward(self, x, freqs_cis, mask):
        a = self.a
        bsz, seqlen, _ = x.shape
        q = self.wq(x).view(bsz, seqlen, -1, self.qk_head_dim)
        q_nope, q_pe = torch.split(q, [a["qk_nope_head_dim"], a["qk_rope_head_dim"]], dim=-1)
        q = torch.cat([q_nope, apply_rotary_emb(q_pe, freqs_cis)], dim=-1)
        kv, k_pe = torch.split(self.wkv_a(x), [a["kv_lora_rank"], a["qk_rope_head_dim"]], dim=-1)
        k_pe = apply_rotary_emb(k_pe.unsqueeze(2), freqs_cis)
        kv = self.wkv_b(self.kv_norm(kv)).view(bsz, seqlen, -1, a["qk_nope_head_dim"] + a["v_head_dim"])
        k_nope, v = torch.split(kv, [a["qk_nope_head_dim"], a["v_head_dim"]], dim=-1)
        k = torch.cat([k_nope, k_pe.expand(-1, -1, a["n_heads"], -1)], dim=-1)
        out = attend(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), mask, self.softmax_scale)
        return self.wo(out.transpose(1, 2).contiguous().view(bsz, seqlen, -1))


class DeepSeekBlock(nn.Module):
    def __init__(self, layer_id, a, seqlen):
        super().__init__()
        # registration order: attention, attention_norm, ffn_norm, moe / feed_forward
        self.attention = MLA(a, seqlen)
        self.attention_norm = RMSNorm(a["dim"], a["norm_eps"])
        self.ffn_norm = RMSNorm(a["dim"], a["norm_eps"])
        self.moe_enabled = layer_id >= a["n_dense_layers"]
        if self.moe_enabled:
            self.moe = MoE(a["dim"], a["moe_inter_dim"], a["moe"])
        else:
            self.feed_forward = SwiGLU(a["dim"], a["inter_dim"])

    def forward(self, x, freqs_cis, mask):
        x = x + self.attention(self.attention_norm(x), freqs_cis, mask)
        return x + (self.moe if self.moe_enabled else self.feed_forward)(self.ffn_norm(x))


class DeepSeekV3(nn.Module):
    def __init__(self, a, vocab, seqlen):
        super().__init__()
        self.a = a
        self.tok_embeddings = nn.Embedding(vocab, a["dim"])
        self.register_buffer("freqs_cis", deepseek_freqs_cis(a, seqlen), persistent=False)
        self.layers = nn.ModuleDict({str(i): DeepSeekBlock(i, a, seqlen) for i in range(a["n_layers"])})
        self.norm = RMSNorm(a["dim"])  # default eps (torchtitan: nn.RMSNorm(model_args.dim))
        self.output = nn.Linear(a["dim"], vocab, bias=False)

    def forward(self, tokens):
        mask = causal_mask(tokens.shape[1])
        if self.a["use_flex_attn"]:
            mask = mask & document_mask(tokens, EOS_ID)
        h = self.tok_embeddings(tokens)
        for layer in self.layers.values():
            h = layer(h, self.freqs_cis, mask)
        return self.output(self.norm(h))


# ----------------------------------------------------------------------------- I/O

def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    start = 8 + header_len
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise BadInput(f"{path}: {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(data[start + begin:start + end]), dtype=torch.float32)
        tensors[name] = t.reshape(entry["shape"]).clone()
    return tensors


def load_config(path, overrides):
    with open(path, "rb") as f:
        cfg = tomllib.load(f)
    for o in overrides:
        if not o.startswith("--") or "." not in o:
            raise BadInput(f"unexpected argument '{o}' (overrides look like --section.key=value)")
        key, _, value = o[2:].partition("=")
        section, _, name = key.partition(".")
        current = cfg.get(section, {}).get(name)
        if isinstance(current, bool) or value in ("true", "false"):
            parsed = value != "false"
        elif isinstance(current, int):
            parsed = int(value)
        elif isinstance(current, float):
            parsed = float(value)
        else:
            try:
                parsed = float(value) if any(c in value for c in ".e") else int(value)
            except ValueError:
                parsed = value
        cfg.setdefault(section, {})[name] = parsed
    return cfg


def warmup_stable_decay(training_steps, s):
    """torchtitan components/lr_scheduler.py build_lr_schedulers + linear_warmup_stable_decay."""
    warmup = min(int(s["warmup_steps"]), training_steps)
    decay = round(training_steps * s["decay_ratio"])
    if warmup + decay > training_steps:
        decay = training_steps - warmup
    stable = training_steps + 1 - warmup - decay  # the virtual last step
    min_lr, kind = s["min_lr_factor"], s["decay_type"]

    def factor(step):
        if step < warmup:
            return float((step + 1) / warmup)
        if step < warmup + stable:
            return 1.0
        progress = float(step + 1 - (warmup + stable)) / decay
        adj = {"linear": lambda: 1 - progress, "sqrt": lambda: 1 - math.sqrt(progress),
               "cosine": lambda: 0.5 * (1.0 + math.cos(math.pi * progress))}[kind]()
        return min_lr + (1 - min_lr) * adj

    return factor


def main(argv):
    opts, overrides = {}, []
    for arg in argv:
        key = arg.split("=", 1)[0]
        if key in ("--config", "--checkpoint", "--batches", "--metrics"):
            opts[key[2:]] = arg.split("=", 1)[1]
        else:
            overrides.append(arg)
    missing = [k for k in ("config", "checkpoint", "batches", "metrics") if k not in opts]
    if missing:
        raise BadInput("missing --" + ", --".join(missing) + " (usage: reference.py --config=TOML "
                       "--checkpoint=FILE --batches=DIR --metrics=FILE [--section.key=value ...])")
    cfg = load_config(opts["config"], overrides)
    name, flavor = cfg["model"]["name"], cfg["model"]["flavor"]
    if (name, flavor) not in FLAVORS:
        raise BadInput(f"unknown model {name} {flavor}")
    if cfg["training"].get("mixed_precision_param", "float32") != "float32":
        raise BadInput("the reference runs in float32 only (--training.mixed_precision_param=float32)")
    steps = int(cfg["training"]["steps"])
    torch.set_num_threads(int(cfg["training"].get("num_threads", 1)))

    batches = []
    for step in range(1, steps + 1):
        path = os.path.join(opts["batches"], f"step-{step:06d}.json")
        if not os.path.isfile(path):
            raise BadInput(f"no dumped batch for step {step}: {path} (run the trainer with --debug.dump_batches=DIR)")
        with open(path) as f:
            batches.append(json.load(f))
    seqlen = batches[0]["seq_len"]

    weights = read_safetensors(opts["checkpoint"])
    vocab = weights["tok_embeddings.weight"].shape[0]
    a = FLAVORS[(name, flavor)]()
    model = Llama(a, vocab, seqlen) if a["family"] == "llama" else DeepSeekV3(a, vocab, seqlen)
    names = [n for n, _ in model.named_parameters()]
    if set(names) != set(weights):
        raise BadInput(f"checkpoint does not fit {name} {flavor}: missing {sorted(set(names) - set(weights))}, "
                       f"unexpected {sorted(set(weights) - set(names))}")
    with torch.no_grad():
        for n, p in model.named_parameters():
            if tuple(p.shape) != tuple(weights[n].shape):
                raise BadInput(f"checkpoint {n} has shape {list(weights[n].shape)}, the model expects {list(p.shape)}")
            p.copy_(weights[n])

    o = cfg["optimizer"]
    params = list(model.parameters())
    optimizer = torch.optim.AdamW(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"],
                                  weight_decay=o["weight_decay"], foreach=False)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_stable_decay(steps, cfg["lr_scheduler"]))
    moes = [m for m in model.modules() if isinstance(m, MoE)]
    blas, blas_library = which_blas()

    with open(opts["metrics"], "w") as out:
        out.write(json.dumps({"meta": {"implementation": "reference", "model": name, "flavor": flavor,
                                       "params": sum(p.numel() for p in params),
                                       "torch_version": torch.__version__, "steps": steps,
                                       "blas": blas or "reference", "blas_library": blas_library}}) + "\n")
        for step, batch in enumerate(batches, start=1):
            start = time.perf_counter()
            optimizer.zero_grad()
            inputs = torch.tensor(batch["inputs"], dtype=torch.long)
            labels = torch.tensor(batch["labels"], dtype=torch.long)
            lr = optimizer.param_groups[0]["lr"]
            pred = model(inputs)
            loss = F.cross_entropy(pred.flatten(0, 1).float(), labels.flatten(0, 1))
            loss.backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(params, cfg["training"]["max_norm"])
            for m in moes:
                m.update_expert_bias()
            optimizer.step()
            scheduler.step()
            time_ms = (time.perf_counter() - start) * 1000  # the step's wall time, for trainer/peer_benchmark.sh
            out.write(json.dumps({"step": step, "loss": float(loss.item()), "grad_norm": float(grad_norm.item()),
                                  "lr": lr, "data_fingerprint": batch["data_fingerprint"],
                                  "time_ms": time_ms}) + "\n")
            out.flush()


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
