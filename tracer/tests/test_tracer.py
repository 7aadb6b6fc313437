"""The tracer on a real (tiny) PyTorch training loop, run as a separate program exactly as the
harness runs it: sitecustomize on PYTHONPATH, LOSS_COMPARE_TRACE_DIR and _STEPS set."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

TRACER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TRAINER = textwrap.dedent("""
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.act = nn.GELU()

        def forward(self, x):
            h = self.fc(x) * 0.5
            return self.act(h).sum()

    torch.manual_seed(0)
    net = Net()
    opt = torch.optim.AdamW(net.parameters(), lr=0.1)
    for it in range(3):
        x = torch.arange(8, dtype=torch.float32).view(2, 4) / (it + 1)
        loss = net(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("iter %d: loss %r" % (it, loss.item()))
    EXTRA
""")


def run(folder, script, trace=True, extra_path=(), steps="1-2", sitecustomize=True):
    """sitecustomize False: the tracer's folder is not on PYTHONPATH (a program that installs the tracer itself)."""
    path = os.path.join(folder, "train.py")
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([TRACER, *extra_path] if sitecustomize else extra_path)
    env.pop("LOSS_COMPARE_TRACE_DIR", None)
    if trace:
        env["LOSS_COMPARE_TRACE_DIR"] = os.path.join(folder, "trace")
        env["LOSS_COMPARE_TRACE_STEPS"] = steps
    p = subprocess.run([sys.executable, path], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("trainer failed: " + p.stderr)
    return p.stdout


def events(folder):
    with open(os.path.join(folder, "trace", "rank0.trace.jsonl")) as f:
        return [json.loads(line) for line in f]


class TracerTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def test_records_the_steps_asked_and_changes_no_number(self):
        traced = run(self.dir, TRAINER.replace("EXTRA", ""))
        untraced = run(self.dir, TRAINER.replace("EXTRA", ""), trace=False)
        self.assertEqual(untraced, traced)
        e = events(self.dir)
        # A CPU trainer traces the same twice: nothing of the memory torch.empty hands out is digested.
        run(self.dir, TRAINER.replace("EXTRA", ""))
        self.assertEqual(events(self.dir), e)
        empty_inputs = [i for x in e if x["event"] == "op" for i in x["inputs"] if i.get("uninitialized")]
        self.assertTrue(empty_inputs and all("digest" not in i for i in empty_inputs))
        self.assertEqual(e[0]["event"], "trace")
        self.assertEqual(e[0]["format_version"], 1)
        self.assertEqual(e[0]["steps"], [1, 2])
        self.assertEqual(e[-1], {"event": "end", "steps": [1, 2]})
        self.assertEqual([x["step"] for x in e if x["event"] == "optimizer_step"], [1, 2])
        self.assertFalse([x for x in e if x["event"] == "tracer_error"])
        # step start: every parameter, and from step 2 the optimizer's state, by name
        state1 = [(x["kind"], x["name"]) for x in e if x["event"] == "state" and x["step"] == 1]
        self.assertEqual(state1, [("param", "fc.weight"), ("param", "fc.bias")])
        state2 = {x["name"] for x in e if x["event"] == "state" and x["step"] == 2 and x["kind"] == "optimizer"}
        self.assertTrue({"fc.weight.exp_avg", "fc.weight.exp_avg_sq", "fc.bias.exp_avg"} <= state2, state2)
        self.assertEqual([x["name"] for x in e if x["event"] == "input" and x["step"] == 1], ["arg0"])
        ops = [x for x in e if x["event"] == "op"]
        mul = next(x for x in ops if x["op"] == "aten::mul.Tensor" and x["phase"] == "forward")
        self.assertEqual(mul["module"], "")            # the root module's own line
        self.assertEqual(mul["frame"], "train.py:12")
        self.assertEqual(mul["code"], "h = self.fc(x) * 0.5")
        self.assertEqual(mul["args"], {"other": 0.5})
        self.assertTrue(mul["inputs"][0]["from"].startswith("op:1:"))
        gelu = next(x for x in ops if x["op"] == "aten::gelu" and x["phase"] == "forward")
        self.assertEqual((gelu["module"], gelu["args"]), ("act", {"approximate": "none"}))
        linear_inputs = [i["from"] for x in ops if x["module"] == "fc" and x["step"] == 1 for i in x["inputs"]]
        self.assertIn("param:fc.weight", linear_inputs)
        self.assertIn("input:arg0", linear_inputs)
        out = mul["outputs"][0]
        self.assertEqual((out["dtype"], out["shape"], len(out["digest"])), ("float32", [2, 3], 16))
        for key in ("sum", "norm", "max_abs"):
            self.assertIsInstance(out[key], float)
        phases = {x["phase"] for x in ops}
        self.assertTrue({"forward", "backward", "optimizer", "other"} <= phases, phases)
        self.assertFalse([x for x in ops if x["step"] > 2])

    def test_a_user_sitecustomize_still_runs(self):
        user = os.path.join(self.dir, "user_site")
        os.makedirs(user)
        with open(os.path.join(user, "sitecustomize.py"), "w") as f:
            f.write("import os\nopen(os.path.join(%r, 'user_site_ran'), 'w').close()\n" % self.dir)
        run(self.dir, TRAINER.replace("EXTRA", ""), extra_path=[user])
        self.assertTrue(os.path.exists(os.path.join(self.dir, "user_site_ran")))
        self.assertTrue(os.path.exists(os.path.join(self.dir, "trace", "rank0.trace.jsonl")))
        os.remove(os.path.join(self.dir, "user_site_ran"))
        run(self.dir, TRAINER.replace("EXTRA", ""), trace=False, extra_path=[user])
        self.assertTrue(os.path.exists(os.path.join(self.dir, "user_site_ran")))

    def test_a_program_without_torch_gets_a_note_not_an_error(self):
        out = run(self.dir, "print('iter 0: loss 1.0')\n")
        self.assertEqual(out, "iter 0: loss 1.0\n")
        notes = [n for n in os.listdir(os.path.join(self.dir, "trace")) if n.startswith("process-")]
        self.assertEqual(len(notes), 1)
        with open(os.path.join(self.dir, "trace", notes[0])) as f:
            self.assertEqual(json.load(f)["torch_imported"], False)
        self.assertNotIn("torch", sys.modules.get("__main__").__dict__)

    def test_an_op_it_cannot_digest_is_said_and_training_goes_on(self):
        # A meta tensor has no bytes: its summary says so, the run and its numbers are unchanged.
        script = TRAINER.replace("loss = net(x)", "loss = net(x)\n    torch.empty(2, device='meta') + 1").replace("EXTRA", "")
        traced = run(self.dir, script)
        self.assertEqual(run(self.dir, script, trace=False), traced)
        e = events(self.dir)
        meta = [x for x in e if x["event"] == "op" and x["op"] == "aten::add.Tensor" and x["outputs"][0].get("digest") is None]
        self.assertTrue(meta)
        self.assertIn("error", meta[0]["outputs"][0])
        self.assertEqual(e[-1]["event"], "end")

    def test_each_rank_writes_its_own_file(self):
        # Two ranks on the CPU (gloo), started as a launcher starts them: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT.
        script = textwrap.dedent("""
            import torch
            import torch.distributed as dist
            import torch.nn as nn
            dist.init_process_group("gloo")
            rank = dist.get_rank()
            torch.manual_seed(0)
            model = nn.parallel.DistributedDataParallel(nn.Linear(4, 2))
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            for it in range(2):
                loss = model(torch.arange(8, dtype=torch.float32).view(2, 4) * (rank + 1)).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
            dist.destroy_process_group()
        """)
        with open(os.path.join(self.dir, "ddp.py"), "w") as f:
            f.write(script)
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        procs = []
        for rank in (0, 1):
            env = dict(os.environ, PYTHONPATH=TRACER, LOSS_COMPARE_TRACE_DIR=os.path.join(self.dir, "trace"),
                       LOSS_COMPARE_TRACE_STEPS="1-2", RANK=str(rank), WORLD_SIZE="2", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
            procs.append(subprocess.Popen([sys.executable, "ddp.py"], cwd=self.dir, env=env))
        self.assertEqual([p.wait(timeout=300) for p in procs], [0, 0])
        for rank in (0, 1):
            with open(os.path.join(self.dir, "trace", "rank%d.trace.jsonl" % rank)) as f:
                e = [json.loads(line) for line in f]
            self.assertEqual((e[0]["rank"], e[0]["world_size"]), (rank, 2))
            self.assertEqual(e[-1]["event"], "end")
            collectives = [x for x in e if x["event"] == "op" and x["op"].startswith("c10d::allreduce")]
            self.assertTrue(collectives)
            self.assertTrue(all(o.get("collective") for x in collectives for o in x["outputs"]))

    def test_a_compiled_region_is_named_and_says_whether_its_inside_was_traced(self):
        # torch 1.13 has no torch.compile: a stand-in with torch 2.x's contract (a module comes back as a module
        # holding it under _orig_mod, a function as a function). The program installs the tracer itself, as
        # sitecustomize does once torch is imported, after putting the stand-in in place.
        script = textwrap.dedent("""
            import functools, os, sys
            sys.path.insert(0, os.environ["TRACER"])
            import torch
            import torch.nn as nn
            from torch.utils._python_dispatch import _get_current_dispatch_mode, _pop_mode_temporarily

            class OptimizedModule(nn.Module):
                def __init__(self, mod):
                    super().__init__()
                    self._orig_mod = mod

                def forward(self, *a):
                    if os.environ.get("HIDE") != "1" or _get_current_dispatch_mode() is None:
                        return self._orig_mod(*a)   # as dynamo runs a frame under a dispatch mode: eagerly
                    with _pop_mode_temporarily():   # as compiled kernels would run: unseen by the mode
                        return self._orig_mod(*a)

            def stand_in_compile(model, **options):
                if isinstance(model, nn.Module):
                    return OptimizedModule(model)
                return functools.wraps(model)(lambda *a: model(*a))

            torch.compile = stand_in_compile
            import loss_compare_tracer
            loss_compare_tracer.install_on_import()

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 3)

                def forward(self, x):
                    return self.fc(x) * 0.5

            def loss_of(y):
                return (y * y).mean()

            torch.manual_seed(0)
            model = torch.compile(Net())
            loss_fn = torch.compile(loss_of)
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            for it in range(2):
                loss = loss_fn(model(torch.arange(8, dtype=torch.float32).view(2, 4)))
                opt.zero_grad()
                loss.backward()
                opt.step()
                print("iter %d: loss %r" % (it, loss.item()))
        """)
        os.environ["TRACER"] = TRACER
        self.addCleanup(os.environ.pop, "TRACER")
        eager = run(self.dir, script, steps="1", sitecustomize=False)
        e = events(self.dir)
        regions = [x for x in e if x["event"] == "compiled"]
        line = {text: "train.py:%d" % (i + 1) for i, text in enumerate(script.splitlines())}
        self.assertEqual([(x["name"], x["frame"], x["code"]) for x in regions],
                         [("the model", line["model = torch.compile(Net())"], "model = torch.compile(Net())"),
                          ("loss_of", line["loss_fn = torch.compile(loss_of)"], "loss_fn = torch.compile(loss_of)")])
        self.assertTrue(all(x["ops"] > 0 for x in regions), regions)
        # Names inside a compiled module are the module's own, as an uncompiled run names them.
        self.assertEqual([x["name"] for x in e if x["event"] == "state"], ["fc.weight", "fc.bias"])
        self.assertIn("fc", {x["module"] for x in e if x["event"] == "op"})
        self.assertEqual(run(self.dir, script, trace=False, sitecustomize=False), eager)

        os.environ["HIDE"] = "1"
        try:
            hidden = run(self.dir, script, steps="1", sitecustomize=False)
        finally:
            del os.environ["HIDE"]
        self.assertEqual(hidden, eager)
        e = events(self.dir)
        model, loss = [x for x in e if x["event"] == "compiled"]
        self.assertEqual((model["name"], model["ops"]), ("the model", 0))
        self.assertGreater(loss["ops"], 0)
        first = next(x for x in e if x["event"] == "op" and x["index"] == loss["first_op"])
        self.assertEqual(first["inputs"][0]["from"], "compiled:the model")

    def test_a_dtensor_is_read_as_its_local_shard(self):
        # torch 1.13 has no DTensor: a stand-in with the two attributes torch 2.x's DTensor has and the tracer reads.
        sys.path.insert(0, TRACER)
        from loss_compare_tracer.summary import summary
        import torch

        class DTensor:
            def __init__(self, local):
                self._local_tensor = local
                self.placements = ("Shard(dim=0)",)
                self.shape = torch.Size([4, 3])
                self.dtype = local.dtype

        local = torch.arange(6, dtype=torch.float32).view(2, 3)
        s = summary(DTensor(local))
        self.assertEqual(s.pop("dtensor"), {"placements": ["Shard(dim=0)"], "global_shape": [4, 3]})
        self.assertEqual(s, summary(local))
        self.assertEqual(s["shape"], [2, 3])


if __name__ == "__main__":
    unittest.main()
