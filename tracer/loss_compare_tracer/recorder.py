"""Records the traced steps of one process into <dir>/rank<R>.trace.jsonl (docs/pytorch-trace.md)."""
import functools
import json
import linecache
import os
import sys
import threading
import weakref

import torch
import torch.nn.modules.module as nn_module
from torch.utils._python_dispatch import TorchDispatchMode

from . import FORMAT_VERSION, write_process_note, rank as _rank
from .summary import described, digest, local_shard, summary

_TORCH_DIR = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep
# Their outputs are whatever the memory held: no digest (run to run it differs). A collective's (c10d::)
# outputs are not read either: it may still be running when it returns; its result is read as the next op's input.
_UNINITIALIZED = {"aten::empty", "aten::empty_like", "aten::empty_strided", "aten::new_empty", "aten::new_empty_strided",
                  "aten::empty_permuted", "aten::resize_"}
# In-place ops that overwrite `self` whatever it held: its old bytes (often uninitialized memory) are not read.
_OVERWRITE = {"aten::normal_", "aten::uniform_", "aten::zero_", "aten::fill_", "aten::copy_", "aten::random_",
              "aten::bernoulli_", "aten::exponential_", "aten::geometric_", "aten::log_normal_", "aten::cauchy_"}
_TRACER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class _Mode(TorchDispatchMode):
    def __init__(self, recorder):
        super().__init__()
        self.recorder = recorder

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.recorder.busy:
            return func(*args, **kwargs)
        before = self.recorder.inputs(func, args, kwargs)   # before the op: an in-place op changes its input
        out = func(*args, **kwargs)
        self.recorder.op(func, before, out, args)
        return out


class Recorder:
    def __init__(self, folder, steps):
        self.folder = folder
        self.steps = sorted(steps)
        self.last = max(steps) if steps else 0
        self.pid = os.getpid()
        self.step = 1                    # the step running now: optimizer steps completed + 1
        self.optimizer_steps = 0
        self.first_optimizer = None      # its step() marks the step boundaries
        self.optimizers = []             # weak references, for optimizer-state names
        self.model = None                # the first root module with parameters: its inputs are the batch
        self.module_names = {}           # id(module) -> qualified name
        self.param_names = {}            # id(param) -> name
        self.stack = []
        self.in_backward = 0
        self.in_optimizer = 0
        self.started_step = 0            # the last step whose start state was written
        self.index = 0                   # op index within the step
        self.producers = {}              # id(tensor) -> (weakref, "op:s:i" | "param:n" | "state:n" | "input:n")
        self.mode = None
        self.file = None
        self.path = os.path.join(folder, "rank%d.trace.jsonl" % _rank())
        self.done = False
        self.recording = False
        self.lock = threading.RLock()
        self.uninitialized = set()       # labels of ops whose outputs are uninitialized memory
        self.busy = False                # the tracer's own ops (summaries outside an op) are not the trainer's
        self.regions = {}                # id(module torch.compile returned) -> (frame, code) of the torch.compile call
        self.region_starts = []          # (module, op index) of the compiled modules running now
        self.collective_writes = {}      # storage address -> ((step, index), label) of the last collective that wrote it

    # -- installation --------------------------------------------------------------------
    def install(self):
        nn_module.register_module_forward_pre_hook(self._forward_pre)
        nn_module.register_module_forward_hook(self._forward_post)
        self._patch_optimizer()
        self._patch_backward()
        self._patch_compile()
        if self.steps and self.steps[0] == 1:
            self._start_recording()

    def _patch_optimizer(self):
        recorder = self
        original_init = torch.optim.Optimizer.__init__
        patched = set()

        def init(opt, *a, **k):
            original_init(opt, *a, **k)
            recorder.optimizers.append(weakref.ref(opt))
            if recorder.first_optimizer is None:
                recorder.first_optimizer = weakref.ref(opt)
            cls = type(opt)
            if cls not in patched:
                patched.add(cls)
                step = cls.step

                def wrapped(self_, *sa, **sk):
                    return recorder._optimizer_step(self_, step, sa, sk)
                wrapped.__wrapped__ = step
                cls.step = wrapped

        torch.optim.Optimizer.__init__ = init

    def _patch_backward(self):
        recorder = self
        for owner, name in ((torch.autograd, "backward"), (torch.autograd, "grad")):
            original = getattr(owner, name)

            def wrapped(*a, __original=original, **k):
                recorder.in_backward += 1
                try:
                    return __original(*a, **k)
                finally:
                    recorder.in_backward -= 1
            setattr(owner, name, wrapped)

    def _patch_compile(self):
        """torch.compile (torch 2.x; absent in 1.13): every region it returns is named in the trace with how
        many of its ops the tracer saw. Dynamo compiles no frame while a TorchDispatchMode is active, so in
        a traced step a region runs eagerly and its ops are traced; a region whose inside ran compiled
        anyway (0 ops) is said, and its outputs are read as coming from it."""
        original = getattr(torch, "compile", None)
        if original is None:
            return
        recorder = self

        def traced_compile(model=None, *a, **k):
            if model is None:   # @torch.compile(mode=...) used as a decorator factory
                return lambda m: traced_compile(m, *a, **k)
            frame, code = _user_frame(1)
            compiled = original(model, *a, **k)
            try:
                return recorder._region(model, compiled, frame, code)
            except Exception as e:  # never stop the trainer: its compiled object as torch made it
                recorder._error("torch.compile", e)
                return compiled
        traced_compile.__wrapped__ = original
        torch.compile = traced_compile

    def _region(self, model, compiled, frame, code):
        if isinstance(compiled, torch.nn.Module):  # torch.compile(module): an OptimizedModule, left as it is
            self.regions[id(compiled)] = (frame, code)
            return compiled
        recorder = self
        owner = getattr(model, "__self__", None)   # module.compile() compiles the module's bound _call_impl

        def region(*a, **k):
            start = recorder.index if recorder._active() else None
            out = compiled(*a, **k)
            if start is not None:
                name = recorder.module_names.get(id(owner)) if isinstance(owner, torch.nn.Module) else None
                recorder._region_ran(name if name is not None else getattr(model, "__qualname__", type(model).__name__),
                                     frame, code, start, out)
            return out
        try:
            functools.update_wrapper(region, compiled)
        except Exception:
            pass
        return region

    def _region_ran(self, name, frame, code, start, out):
        """A compiled region ended: its name, where torch.compile was called, the ops seen inside; none seen: its
        outputs come from it."""
        with self.lock:
            self.busy = True
            try:
                ops = self.index - start
                self._write({"event": "compiled", "step": self.step, "name": name, "frame": frame, "code": code,
                             "first_op": start, "ops": ops})
                if ops == 0:
                    for t in _tensors(out):
                        self._produced(t, "compiled:" + name)
            except Exception as e:
                self._error("torch.compile region", e)
            finally:
                self.busy = False

    # -- hooks ---------------------------------------------------------------------------
    def _forward_pre(self, module, inputs):
        if not self.stack:
            self._root(module, inputs)
        self.stack.append(module)
        if id(module) in self.regions and self._active():
            self.region_starts.append((module, self.index))

    def _forward_post(self, module, inputs, output):
        if self.stack and self.stack[-1] is module:
            self.stack.pop()
        if self.region_starts and self.region_starts[-1][0] is module:
            start = self.region_starts.pop()[1]
            if self._active():
                frame, code = self.regions[id(module)]
                name = self.module_names.get(id(module), "")
                self._region_ran(name if name else "the model", frame, code, start, output)

    def _root(self, module, inputs):
        if id(module) not in self.module_names:
            for name, m in module.named_modules():
                self.module_names.setdefault(id(m), _uncompiled(name))
            for name, p in module.named_parameters():
                self.param_names.setdefault(id(p), _uncompiled(name))
        if self.model is None and any(True for _ in module.parameters()):
            self.model = weakref.ref(module)
        if not self._active():
            return
        try:
            self._step_start()
            if self.model is not None and self.model() is module:
                self.busy = True
                for i, t in enumerate(inputs):
                    if isinstance(t, torch.Tensor):
                        name = "arg%d" % i
                        self._write(dict({"event": "input", "step": self.step, "name": name}, **summary(t)))
                        self._produced(t, "input:" + name)
        except Exception as e:
            self._error("forward_pre", e)
        finally:
            self.busy = False

    def _optimizer_step(self, opt, step, a, k):
        first = self.first_optimizer is not None and self.first_optimizer() is opt and not self.in_optimizer
        if first and self._active():
            try:
                self._step_start()
            except Exception as e:
                self._error("step_start", e)
        self.in_optimizer += 1
        try:
            return step(opt, *a, **k)
        finally:
            self.in_optimizer -= 1
            if first:
                self._step_end()

    def _step_end(self):
        if self._active():
            self._write({"event": "optimizer_step", "step": self.step, "ops": self.index})
        self.optimizer_steps += 1
        self.step += 1
        self.index = 0
        if self.recording and self.step > self.last:
            self._stop_recording()
            self._write({"event": "end", "steps": self.steps})
            self.close()
        elif not self.recording and self.step in self.steps:
            self._start_recording()
        elif self.recording and self.step not in self.steps:
            self._stop_recording()

    def _start_recording(self):
        self.mode = _Mode(self)
        self.mode.__enter__()
        self.recording = True

    def _stop_recording(self):
        if self.mode is not None:
            self.mode.__exit__(None, None, None)
            self.mode = None
        self.recording = False

    def _active(self):
        return self.recording and os.getpid() == self.pid and not self.done

    # -- the step's start state ----------------------------------------------------------
    def _step_start(self):
        if self.started_step == self.step:
            return
        self.started_step = self.step
        self.busy = True
        try:
            self._write_state()
        finally:
            self.busy = False

    def _write_state(self):
        params = self._named_params()
        for name, p in params:
            self._write(dict({"event": "state", "step": self.step, "kind": "param", "name": name}, **summary(p)))
            self._produced(p, "param:" + name)
        for name, t in self._optimizer_state(params):
            self._write(dict({"event": "state", "step": self.step, "kind": "optimizer", "name": name}, **summary(t)))
            self._produced(t, "state:" + name)

    def _named_params(self):
        seen, out = set(), []
        model = self.model() if self.model is not None else None
        if model is not None:
            for name, p in model.named_parameters():
                seen.add(id(p))
                out.append((_uncompiled(name), p))
        for ref in self.optimizers:
            opt = ref()
            if opt is None:
                continue
            for g, group in enumerate(opt.param_groups):
                for i, p in enumerate(group["params"]):
                    if id(p) not in seen:
                        seen.add(id(p))
                        out.append((self.param_names.get(id(p), "param_groups.%d.%d" % (g, i)), p))
        return out

    def _optimizer_state(self, params):
        by_id = {id(p): n for n, p in params}
        out = []
        for o, ref in enumerate(self.optimizers):
            opt = ref()
            if opt is None:
                continue
            prefix = "" if o == 0 else "optimizer%d." % o
            for group in opt.param_groups:
                for p in group["params"]:
                    for key, value in sorted(opt.state.get(p, {}).items()):
                        if isinstance(value, torch.Tensor):
                            out.append((prefix + by_id.get(id(p), "?") + "." + key, value))
        return out

    # -- ops -----------------------------------------------------------------------------
    def inputs(self, func, args, kwargs):
        """The op's tensor inputs (source, digest) and constant arguments, read before it runs; None: not recorded."""
        if not self._active() or func._schema.name.startswith("profiler::"):
            return None  # profiler:: record_function markers (optimizer.step, zero_grad): handles, not numbers
        with self.lock:
            self.busy = True
            try:
                schema = func._schema
                inputs, constants = [], {}
                positional = list(schema.arguments)
                for i, a in enumerate(args):
                    self._argument(positional[i].name if i < len(positional) else "arg%d" % i, a, inputs, constants)
                if schema.name in _OVERWRITE and inputs and inputs[0]["arg"] == "self":
                    inputs[0] = _unread(inputs[0])   # its old values are not read: often torch.empty's memory
                for key, a in kwargs.items():
                    self._argument(key, a, inputs, constants)
                written = {a.name for a in positional if getattr(a, "is_out", False)}
                inputs = [_unread(i) if i["arg"].split("[")[0] in written else i for i in inputs]  # out=: written, not read
                for a in positional[len(args):]:    # defaults, so a changed default reads as a changed argument
                    if a.name not in kwargs and a.name not in constants and a.has_default_value():
                        constants[a.name] = _plain(a.default_value)
                return inputs, constants
            except Exception as e:
                self._error(str(getattr(func, "_schema", func)), e)
                return None
            finally:
                self.busy = False

    def op(self, func, before, out, args=()):
        if before is None or not self._active():
            return
        with self.lock:
            self.busy = True
            try:
                self._op(func, before, out, args)
            except Exception as e:
                self._error(str(getattr(func, "_schema", func)), e)
            finally:
                self.busy = False

    def _op(self, func, before, out, args):
        schema = func._schema
        name = schema.name + ("." + func._overloadname if func._overloadname and func._overloadname != "default" else "")
        inputs, constants = before
        module = self.module_names.get(id(self.stack[-1])) if self.stack else None
        phase = ("optimizer" if self.in_optimizer else "backward" if self.in_backward
                 else "forward" if self.stack else "other")
        frame, code = _user_frame()
        outputs = []
        label = "op:%d:%d" % (self.step, self.index)
        unread = ("uninitialized" if schema.name in _UNINITIALIZED
                  else "collective" if schema.name.startswith("c10d::") else None)
        if unread == "uninitialized":
            self.uninitialized.add(label)
        elif unread == "collective":
            # It writes into its tensors' memory: whatever reads that memory later (a view taken before) reads what it brought.
            for t in _flat_tensors(args):
                if _storage(t):
                    self.collective_writes[_storage(t)] = ((self.step, self.index), label)
        elif inputs and inputs[0].get("uninitialized") and _views_self(schema):
            # A view of memory nothing wrote yet: not digested now; read later, it holds what was written through any alias.
            unread = "uninitialized"
        for t in _tensors(out):
            outputs.append(dict(described(t), **{unread: True}) if unread else summary(t))
            self._produced(t, label)
        self._write({"event": "op", "step": self.step, "index": self.index, "op": name, "module": module, "phase": phase,
                     "frame": frame, "code": code, "inputs": inputs, "args": constants, "outputs": outputs})
        self.index += 1

    def _argument(self, name, a, inputs, constants):
        if isinstance(a, torch.Tensor):
            inputs.append(self._input(name, a))
        elif isinstance(a, (list, tuple)) and any(isinstance(x, torch.Tensor) for x in a):
            for j, x in enumerate(a):
                if isinstance(x, torch.Tensor):
                    inputs.append(self._input("%s[%d]" % (name, j), x))
        else:
            constants[name] = _plain(a)

    def _input(self, name, t):
        entry = self.producers.get(id(t))
        source = entry[1] if entry is not None and entry[0]() is t else "external"
        written = self.collective_writes.get(_storage(t)) if self.collective_writes else None
        if written is not None and (source == "external" or (source.startswith("op:") and _order(source) < written[0])):
            source = written[1]
        record = dict({"arg": name, "from": source}, **described(t))
        if source in self.uninitialized:   # torch.empty's memory: no digest
            return _unread(record)
        try:
            record["digest"] = digest(t)
        except Exception:
            record["digest"] = None
        return record

    def _produced(self, t, label):
        try:
            self.producers[id(t)] = (weakref.ref(t), label)
        except TypeError:
            pass
        if len(self.producers) > 200000:
            self.producers = {k: v for k, v in self.producers.items() if v[0]() is not None}

    # -- output --------------------------------------------------------------------------
    def _write(self, event):
        if self.file is None:
            os.makedirs(self.folder, exist_ok=True)
            self.file = open(self.path + ".tmp", "w")
            self.file.write(json.dumps({"event": "trace", "format": "loss_compare.pytorch_trace", "format_version": FORMAT_VERSION,
                                        "torch": torch.__version__, "rank": _rank(),
                                        "world_size": int(os.environ.get("WORLD_SIZE", "1") or 1),
                                        "steps": self.steps, "digest": "sha256-16"}) + "\n")
        self.file.write(json.dumps(event) + "\n")

    def _error(self, where, e):
        try:
            self._write({"event": "tracer_error", "step": self.step, "where": where,
                         "error": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")})
        except Exception:
            pass

    def close(self):
        """Publishes the trace (rename): complete when it ends with "end"; a process that traced nothing leaves a note."""
        if os.getpid() != self.pid:
            return
        if self.file is not None:
            self.file.close()
            self.file = None
            os.replace(self.path + ".tmp", self.path)
        elif not self.done:
            write_process_note(self.folder, torch_imported=True, steps=self.optimizer_steps)
        self.done = True
        self._stop_recording()


def _storage(t):
    """The address of a tensor's memory (a DTensor's local shard's): views of one buffer share it."""
    t = local_shard(t)[0]
    try:
        return (t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()).data_ptr()
    except Exception:
        return None


def _order(label):
    """"op:3:12" -> (3, 12)."""
    _, step, index = label.split(":")
    return int(step), int(index)


def _flat_tensors(args):
    out = []
    for a in args:
        if isinstance(a, torch.Tensor):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(_flat_tensors(a))
    return out


def _views_self(schema):
    """A view op (as_strided, view, split, ...): its outputs are its `self`'s memory, unwritten."""
    returns = schema.returns
    return bool(returns) and all(r.alias_info is not None and not r.alias_info.is_write for r in returns)


def _uncompiled(name):
    """A name inside a module torch.compile wrapped, as the module itself names it ("_orig_mod.h.0" -> "h.0")."""
    return ".".join(part for part in name.split(".") if part != "_orig_mod")


def _unread(record):
    record.pop("digest", None)
    record["uninitialized"] = True
    return record


def _tensors(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (list, tuple)):
        return [t for t in out if isinstance(t, torch.Tensor)]
    return []


def _plain(a):
    """A constant argument as JSON: numbers exactly, dtypes and devices by name, any other object by its type
    (its text may hold an address that differs run to run)."""
    if a is None or isinstance(a, (bool, int, float, str)):
        return a
    if isinstance(a, (list, tuple)):
        return [_plain(x) for x in a]
    if isinstance(a, (torch.dtype, torch.device, torch.layout, torch.memory_format)):
        return str(a)
    return type(a).__name__


def _user_frame(depth=3):
    """The first frame outside torch and this tracer, from `depth` frames up: "file:line" (relative to the working
    directory) and its text."""
    f = sys._getframe(depth)
    while f is not None:
        path = f.f_code.co_filename
        if not (path.startswith(_TORCH_DIR) or path.startswith(_TRACER_DIR) or path.startswith("<")):
            shown = os.path.relpath(path) if path.startswith(os.getcwd() + os.sep) else path
            return "%s:%d" % (shown, f.f_lineno), linecache.getline(path, f.f_lineno).strip()
        f = f.f_back
    return None, None
