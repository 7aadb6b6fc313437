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


def run(folder, script, trace=True, extra_path=(), steps="1-2"):
    path = os.path.join(folder, "train.py")
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([TRACER, *extra_path])
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


if __name__ == "__main__":
    unittest.main()
