#!/usr/bin/env python3
"""Peer-comparison benchmark: the sharestat statistics on SecretFlow SPU 0.9.5.

What it measures
----------------
The same statistics as sharestat's own benchmarks, computed by SPU with the
ABY3 protocol (3-party replicated secret sharing, honest majority) over the
ring Z_{2^64} (FM64, 18 fractional bits for fixed-point values):

* ``mean``                 sum(x) revealed, divided by the public n in the clear
* ``freq (5 levels)``      counts of g == k for k in 0..4 (one 5n-element equality)
* ``filtered count``       sum(x < 50)
* ``filtered mean``        mean(x[x > 50]): (sum(x * (x > 50)), sum(x > 50))
  revealed, divided in the clear. (Like sharestat, which reveals n and the sum
  for a mean; dividing inside SPU at 18 fractional bits is inexact or wrong
  for large n, see README.md.)
* ``quantiles 25/50/75%``  R type 7 (= numpy/jnp "linear") from jnp.sort(x),
  in three variants: SPU's default compilation (its partial-sort optimisation
  rewrites sort + fixed slices into a top-k / quickselect), and a full sort
  (``disable_partial_sort_optimization``) with ``sort_method`` SORT_DEFAULT
  (radix sort for ABY3) and SORT_QUICK.

Data are generated in the clear with a fixed numpy seed (x uniform integers
0..99, g codes 0..4, both int32), secret-shared with ``spu.libspu.IoWrapper``
and loaded into the three parties before any timing.

How
---
Three party processes (``multiprocessing``, spawn) each hold an SPU runtime
(``spu.libspu.RuntimeWrapper``) on a brpc link (``spu.libspu.link.create_brpc``)
to the other two over 127.0.0.1 TCP (ports chosen free at start). This is SPU's
real network stack, not the in-process simulator. Each op is a jitted JAX
function compiled to SPU bytecode with ``spu.utils.frontend.compile``; its
result is opened inside the program with ``spu.experimental.reveal`` (so the
reveal is part of the measured run and its traffic). Per (op, n): one warm-up
run, then ``--reps`` timed runs; each run starts after a link barrier and its
wall time is max(end) - min(start) over the three parties (CLOCK_MONOTONIC).
Every run's revealed result is compared with numpy on the plaintext; a wrong
result aborts the benchmark.

Bytes and messages come from SPU's own link statistics: with
``enable_pphlo_profile`` each runtime logs, per executed program, "Link
details: total send bytes B, recv bytes R, send actions S, recv actions T",
taken as the difference of the yacl link counters before and after the run.
The party logs go to files, which this script parses. SPU does not count
communication rounds; "send actions" is the number of link send calls.

Run through ``run.sh`` (creates the venv with spu==0.9.5). Not part of CI.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import multiprocessing as mp
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np

SEED = 20261126
N_LEVELS = 5
FRACTION_BITS = 18
LINK_RE = re.compile(
    r"Link details: total send bytes (\d+), recv bytes (\d+), "
    r"send actions (\d+), recv actions (\d+)"
)


# --------------------------------------------------------------------------
# party process
# --------------------------------------------------------------------------


def _read_link_stats(log_path: str, offset: int, deadline_s: float = 5.0):
    """Return ((send_bytes, recv_bytes, send_actions, recv_actions), new_offset)
    for the single "Link details" line logged after `offset`."""
    end = time.monotonic() + deadline_s
    while True:
        with open(log_path, "rb") as f:
            f.seek(offset)
            chunk = f.read()
        text = chunk.decode("utf-8", "replace")
        hits = LINK_RE.findall(text)
        if hits:
            last_nl = chunk.rfind(b"\n")
            new_offset = offset + (last_nl + 1 if last_nl >= 0 else 0)
            if len(hits) != 1:
                raise RuntimeError(f"expected 1 'Link details' line, got {len(hits)}")
            return tuple(int(v) for v in hits[0]), new_offset
        if time.monotonic() > end:
            raise RuntimeError(f"no 'Link details' line in {log_path} after run")
        time.sleep(0.01)


def party_main(rank, addrs, rt_cfgs, log_path, recv_timeout_ms, link_stats, conn):
    """One SPU party: a brpc link to the others and one runtime per config."""
    try:
        import spu.libspu as L

        opts = L.logging.LogOptions()
        opts.enable_console_logger = False
        opts.system_log_path = log_path
        opts.log_level = L.logging.LogLevel.INFO
        L.logging.setup_logging(opts)

        desc = L.link.Desc()
        desc.recv_timeout_ms = recv_timeout_ms
        for i, addr in enumerate(addrs):
            desc.add_party(f"party{i}", addr)
        lctx = L.link.create_brpc(desc, rank)

        runtimes = {}
        for name, cfg_bytes in rt_cfgs.items():
            cfg = L.RuntimeConfig()
            cfg.ParseFromString(cfg_bytes)
            # every runtime on its own sub-channel of the same TCP links
            runtimes[name] = L.RuntimeWrapper(lctx.spawn(), cfg)
        log_off = os.path.getsize(log_path) if os.path.exists(log_path) else 0
        var_names = set()
        conn.send(("ready", None))
    except Exception:  # pragma: no cover - reported to the driver
        conn.send(("error", traceback.format_exc()))
        return

    while True:
        msg = conn.recv()
        try:
            kind = msg[0]
            if kind == "stop":
                conn.send(("ok", None))
                break
            elif kind == "set":
                _, name, meta, chunks = msg
                for rt in runtimes.values():
                    share = L.Share()
                    share.meta = meta
                    share.share_chunks = chunks
                    rt.SetVar(name, share)
                var_names.add(name)
                conn.send(("ok", None))
            elif kind == "clear":
                # RuntimeWrapper in 0.9.5 has no Clear(): delete what we set
                for rt in runtimes.values():
                    for name in var_names:
                        rt.DelVar(name)
                var_names.clear()
                conn.send(("ok", None))
            elif kind == "run":
                _, rt_name, exe_bytes = msg
                exe = L.Executable()
                exe.ParseFromString(exe_bytes)
                rt = runtimes[rt_name]
                lctx.barrier()
                t0 = time.perf_counter()
                rt.Run(exe)
                t1 = time.perf_counter()
                if link_stats:
                    stats, log_off = _read_link_stats(log_path, log_off)
                else:
                    stats = (0, 0, 0, 0)
                outs = []
                for oname in exe.output_names:
                    s = rt.GetVar(oname)
                    outs.append((s.meta, list(s.share_chunks)))
                    rt.DelVar(oname)
                conn.send(("ok", (t0, t1, stats, outs)))
            else:
                raise ValueError(f"unknown command {kind}")
        except Exception:
            conn.send(("error", traceback.format_exc()))
    try:
        lctx.stop_link()
    except Exception:
        pass


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------


class PartyTimeout(Exception):
    pass


class PartyError(Exception):
    pass


def _free_ports(k):
    socks, ports = [], []
    for _ in range(k):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class Cluster:
    """Three SPU party processes on loopback TCP, driven over pipes."""

    def __init__(self, rt_cfgs, logdir, timeout_s, link_stats=True):
        self.rt_cfgs = rt_cfgs
        self.link_stats = link_stats
        self.logdir = logdir
        self.timeout_s = timeout_s
        self.generation = 0
        self.procs = []
        self.conns = []
        self.start()

    def start(self):
        self.generation += 1
        ctx = mp.get_context("spawn")
        addrs = [f"127.0.0.1:{p}" for p in _free_ports(3)]
        # a party blocked in recv must outlive a slow peer, but not the op cap
        recv_timeout_ms = int(self.timeout_s * 1000) + 60_000
        self.procs, self.conns = [], []
        for rank in range(3):
            parent, child = ctx.Pipe()
            log_path = os.path.join(self.logdir, f"party{rank}.gen{self.generation}.log")
            p = ctx.Process(
                target=party_main,
                args=(rank, addrs, self.rt_cfgs, log_path, recv_timeout_ms, self.link_stats, child),
                daemon=True,
            )
            p.start()
            self.procs.append(p)
            self.conns.append(parent)
        self._collect(120.0)

    def _collect(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        replies = [None] * 3
        for rank, conn in enumerate(self.conns):
            remaining = max(0.0, deadline - time.monotonic())
            if not conn.poll(remaining):
                raise PartyTimeout(f"party {rank} did not answer within {timeout_s:.0f} s")
            status, payload = conn.recv()
            if status == "error":
                raise PartyError(f"party {rank}:\n{payload}")
            replies[rank] = payload
        return replies

    def call_all(self, msgs, timeout_s=None):
        for conn, msg in zip(self.conns, msgs):
            conn.send(msg)
        return self._collect(self.timeout_s if timeout_s is None else timeout_s)

    def kill(self):
        for p in self.procs:
            if p.is_alive():
                p.kill()
        for p in self.procs:
            p.join(10)
        for c in self.conns:
            c.close()
        self.procs, self.conns = [], []

    def restart(self):
        self.kill()
        self.start()

    def stop(self):
        try:
            self.call_all([("stop",)] * 3, timeout_s=30)
        except Exception:
            pass
        for p in self.procs:
            p.join(10)
        self.kill()


def make_data(n):
    rng = np.random.default_rng(SEED + n)
    x = rng.integers(0, 100, size=n, dtype=np.int32)
    g = rng.integers(0, N_LEVELS, size=n, dtype=np.int32)
    return {"x": x, "g": g}


def type7_positions(n, probs):
    out = []
    for p in probs:
        h = (n - 1) * p
        lo = int(math.floor(h))
        hi = min(lo + 1, n - 1)
        out.append((lo, hi, h - lo))
    return out


PROBS = (0.25, 0.5, 0.75)

# clear-text step after the reveal: mean = revealed sum / public n,
# filtered mean = revealed subset sum / revealed subset count
POST = {
    "mean": lambda v, n: np.asarray(v, dtype=np.float64) / n,
    "fmean": lambda v, n: np.asarray(v[0], dtype=np.float64) / np.asarray(v[1], dtype=np.float64),
}


def build_ops(n):
    """(key, label, input name, jax fn, runtime name, compiler-option dict,
    reference fn, check kind)."""
    import jax.numpy as jnp
    import spu

    reveal = spu.experimental.reveal

    def f_mean(x):
        # The sum is computed and revealed in SPU; the division by the public n
        # happens after the reveal (see POST). Dividing inside SPU at
        # FM64/18 fractional bits is inexact: XLA rewrites x / n into
        # x * (1/n), and 1/n has only ~2^18/n significant units (0.8 % error
        # at n = 10^4); sharestat also reveals (n, sum) and divides in the clear.
        return reveal(jnp.sum(x, dtype=jnp.int32))

    def f_freq(g):
        levels = jnp.arange(N_LEVELS, dtype=g.dtype)
        return reveal(jnp.sum(g[:, None] == levels[None, :], axis=0, dtype=jnp.int32))

    def f_count(x):
        return reveal(jnp.sum(x < 50, dtype=jnp.int32))

    def f_fmean(x):
        # Reveal (sum, count) of the subset and divide in the clear, as for the
        # mean (and as sharestat does). SPU's secret / secret fixed-point
        # division returned 0.0 for this at n = 10^6 (denominator ~490,000 >
        # 2^18 at 18 fractional bits) although it is accurate up to n = 10^5.
        m = x > 50
        return reveal(jnp.stack([
            jnp.sum(jnp.where(m, x, 0), dtype=jnp.int32),
            jnp.sum(m, dtype=jnp.int32),
        ]))

    pos = type7_positions(n, PROBS)

    mpos = type7_positions(n, (0.5,))

    def f_median(x):
        s = jnp.sort(x)
        lo, hi, frac = mpos[0]
        return reveal(s[lo].astype(jnp.float32) + frac * (s[hi] - s[lo]).astype(jnp.float32))

    def f_quant(x):
        s = jnp.sort(x)
        qs = [
            s[lo].astype(jnp.float32) + frac * (s[hi] - s[lo]).astype(jnp.float32)
            for lo, hi, frac in pos
        ]
        return reveal(jnp.stack(qs))

    def r_mean(d):
        return np.array(d["x"].astype(np.float64).mean())

    def r_freq(d):
        return np.bincount(d["g"], minlength=N_LEVELS)

    def r_count(d):
        return np.array(np.sum(d["x"] < 50))

    def r_fmean(d):
        x = d["x"].astype(np.float64)
        return np.array(x[x > 50].mean())

    def r_median(d):
        return np.array(np.median(d["x"].astype(np.float64)))

    def r_quant(d):
        return np.quantile(d["x"].astype(np.float64), PROBS, method="linear")

    return [
        ("mean", "mean (sum in SPU, revealed, / n)", "x", f_mean, "default", {}, r_mean, "real"),
        ("freq", "freq (5 levels)", "g", f_freq, "default", {}, r_freq, "exact"),
        ("count", "filtered count (x < 50)", "x", f_count, "default", {}, r_count, "exact"),
        ("fmean", "filtered mean mean(x[x > 50]) (sum, count revealed)", "x", f_fmean, "default", {}, r_fmean, "real"),
        (
            "median",
            "median (SPU default compile: partial sort -> top-k)",
            "x", f_median, "default", {}, r_median, "real",
        ),
        (
            "q_radix",
            "quantiles 25/50/75% (full sort, SORT_DEFAULT = radix)",
            "x", f_quant, "default", {"disable_partial_sort_optimization": True},
            r_quant, "real",
        ),
        (
            "q_quick",
            "quantiles 25/50/75% (full sort, SORT_QUICK)",
            "x", f_quant, "quick", {"disable_partial_sort_optimization": True},
            r_quant, "real",
        ),
    ]


def compile_op(fn, sample, in_name, copts_kw):
    import spu.libspu as L
    from spu.utils import frontend as fe

    copts = L.CompilerOptions()
    for k, v in copts_kw.items():
        setattr(copts, k, v)
    exe, _ = fe.compile(
        fe.Kind.JAX,
        fn,
        [sample],
        {},
        [in_name],
        [L.Visibility.VIS_SECRET],
        lambda outs: [f"out{i}" for i in range(len(outs))],
        copts=copts,
    )
    return exe


def check(kind, got, ref, rel_tol):
    got = np.asarray(got, dtype=np.float64).reshape(-1)
    ref = np.asarray(ref, dtype=np.float64).reshape(-1)
    if got.shape != ref.shape:
        return False, f"shape {got.shape} != {ref.shape}"
    if kind == "exact":
        ok = bool(np.array_equal(got, ref))
        return ok, "exact" if ok else f"got {got.tolist()} want {ref.tolist()}"
    err = np.abs(got - ref) / np.maximum(np.abs(ref), 1.0)
    worst = float(err.max())
    ok = worst <= rel_tol
    return ok, (f"rel err {worst:.1e}" if ok else f"got {got.tolist()} want {ref.tolist()} (rel err {worst:.2e})")


def fmt_int(v):
    return f"{int(v):,}"


def fmt_range(vals, fmt=fmt_int):
    lo, hi, med = min(vals), max(vals), statistics.median(vals)
    if lo == hi:
        return fmt(med)
    return f"{fmt(med)} ({fmt(lo)}–{fmt(hi)})"


def fmt_ms(v):
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def machine_facts():
    facts = {"nproc": os.cpu_count()}
    try:
        facts["nproc"] = int(subprocess.check_output(["nproc"], text=True).strip())
    except Exception:
        pass
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
        facts["mem"] = f"{kb / 1024 / 1024:.1f} GiB"
    except Exception:
        facts["mem"] = "?"
    try:
        with open("/proc/cpuinfo") as f:
            facts["cpu"] = next(l for l in f if l.startswith("model name")).split(":", 1)[1].strip()
    except Exception:
        facts["cpu"] = platform.processor() or "?"
    try:
        facts["uptime"] = subprocess.check_output(["uptime"], text=True).strip()
    except Exception:
        facts["uptime"] = "?"
    return facts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="48,1000,10000,100000,1000000",
                    help="comma-separated n (default %(default)s)")
    ap.add_argument("--reps", type=int, default=3, help="timed runs per (op, n), median reported")
    ap.add_argument("--large-reps", default="",
                    help="N:R, use R timed runs for n >= N (e.g. 1000000:1)")
    ap.add_argument("--ops", default="",
                    help="comma-separated op keys to run (mean,freq,count,fmean,median,q_radix,q_quick); default all")
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="cap in seconds for one run of one op (default %(default)s); "
                         "over it the op is recorded as timeout and skipped at larger n")
    ap.add_argument("--rel-tol", type=float, default=1e-3,
                    help="relative tolerance for fixed-point results (default %(default)s)")
    ap.add_argument("--write-md", default="", help="also write the Markdown report to this path")
    ap.add_argument("--keep-logs", action="store_true", help="keep the party log directory")
    ap.add_argument("--no-link-stats", action="store_true",
                    help="turn off enable_pphlo_profile (no bytes/messages) to see its time overhead")
    args = ap.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    large_n, large_r = (None, None)
    if args.large_reps:
        a, b = args.large_reps.split(":")
        large_n, large_r = int(a), int(b)
    wanted = {s.strip() for s in args.ops.split(",") if s.strip()}

    launcher = os.environ.get("SPU_BENCH_LAUNCHER", f"python {os.path.basename(__file__)}")
    command = " ".join([launcher] + [shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])])
    facts = machine_facts()
    started = _dt.datetime.now(_dt.timezone.utc)
    t_start = time.monotonic()

    import jax
    import spu
    import spu.libspu as L

    base = L.RuntimeConfig(protocol=L.ProtocolKind.ABY3, field=L.FieldType.FM64)
    base.fxp_fraction_bits = FRACTION_BITS
    # enable_pphlo_profile makes each party log its link statistics per run
    base.enable_pphlo_profile = not args.no_link_stats
    quick = L.RuntimeConfig(base)
    quick.sort_method = L.RuntimeConfig.SortMethod.SORT_QUICK
    rt_cfgs = {"default": base.SerializeToString(), "quick": quick.SerializeToString()}
    io = L.IoWrapper(3, base)

    logdir = tempfile.mkdtemp(prefix="spu-bench-logs-")
    print(f"[spu-bench] party logs in {logdir}", file=sys.stderr, flush=True)
    cluster = Cluster(rt_cfgs, logdir, args.timeout, link_stats=not args.no_link_stats)

    rows = []
    timed_out = set()
    try:
        for n in sizes:
            data = make_data(n)
            shares = {k: io.MakeShares(v, L.Visibility.VIS_SECRET, -1) for k, v in data.items()}

            def load_inputs():
                cluster.call_all([("clear",)] * 3, timeout_s=120)
                for name, sh in shares.items():
                    cluster.call_all(
                        [("set", name, sh[r].meta, list(sh[r].share_chunks)) for r in range(3)],
                        timeout_s=300,
                    )

            load_inputs()
            reps = large_r if (large_n is not None and n >= large_n) else args.reps
            for key, label, in_name, fn, rt_name, copts_kw, ref_fn, kind in build_ops(n):
                if wanted and key not in wanted:
                    continue
                if key in timed_out:
                    rows.append((label, n, "skipped (timeout at smaller n)", "–", "–", "–"))
                    continue
                exe = compile_op(fn, data[in_name], in_name, copts_kw)
                exe_bytes = exe.SerializeToString()
                ref = ref_fn(data)
                times, sbytes, sacts, notes = [], [], [], []
                try:
                    for rep in range(reps + 1):  # first run is the warm-up
                        replies = cluster.call_all([("run", rt_name, exe_bytes)] * 3)
                        t0 = min(r[0] for r in replies)
                        t1 = max(r[1] for r in replies)
                        outs = replies[0][3]
                        vals = []
                        for i in range(len(outs)):
                            parts = []
                            for r in range(3):
                                s = L.Share()
                                s.meta, s.share_chunks = replies[r][3][i]
                                parts.append(s)
                            vals.append(io.Reconstruct(parts))
                        got = POST[key](vals[0], n) if key in POST else vals[0]
                        ok, note = check(kind, got, ref, args.rel_tol)
                        if not ok:
                            raise SystemExit(f"WRONG RESULT: {label}, n={n}: {note}")
                        wall_ms = (t1 - t0) * 1000
                        sb = max(r[2][0] for r in replies)
                        sa = max(r[2][2] for r in replies)
                        tag = "warm-up" if rep == 0 else f"rep {rep}"
                        print(f"[spu-bench] {label} n={n} {tag}: {wall_ms:.2f} ms, "
                              f"sent {sb} B / {sa} msgs (max party), {note}",
                              file=sys.stderr, flush=True)
                        if rep > 0:
                            times.append(wall_ms)
                            sbytes.append(sb)
                            sacts.append(sa)
                            notes.append(note)
                except PartyTimeout as e:
                    print(f"[spu-bench] {label} n={n}: timeout ({e}); restarting parties",
                          file=sys.stderr, flush=True)
                    timed_out.add(key)
                    rows.append((label, n, f"timeout (> {args.timeout:.0f} s)", "–", "–", "–"))
                    cluster.restart()
                    load_inputs()
                    continue
                worst = notes[-1] if kind == "exact" else max(notes, key=lambda s: float(s.split()[-1]))
                na = args.no_link_stats
                rows.append((
                    label, n, fmt_ms(statistics.median(times)),
                    "n/a" if na else fmt_range(sbytes), "n/a" if na else fmt_range(sacts),
                    f"ok ({worst}, {len(times)} reps)",
                ))
            cluster.call_all([("clear",)] * 3, timeout_s=120)
    finally:
        cluster.stop()
        if not args.keep_logs:
            shutil.rmtree(logdir, ignore_errors=True)

    total_s = time.monotonic() - t_start
    lines = []
    lines.append("# SecretFlow SPU 0.9.5 peer benchmark (ABY3, 3 processes over loopback TCP)")
    lines.append("")
    lines.append(
        f"Date: {started.strftime('%Y-%m-%d %H:%M UTC')}. Machine: nproc = {facts['nproc']}, "
        f"memory {facts['mem']}, CPU {facts['cpu']}; load before the run: `{facts['uptime']}`. "
        f"SPU {spu.__version__} (jax {jax.__version__}, Python {platform.python_version()}); "
        f"protocol ABY3, field FM64 (ring 2^64), fxp_fraction_bits = {FRACTION_BITS}; "
        "three party processes, brpc link over 127.0.0.1 (SPU defaults otherwise). "
        f"Data: numpy seed {SEED}+n, x uniform integers 0..99, g codes 0..4 (int32), "
        "secret-shared before timing. Time = median wall time of the timed runs "
        "(after 1 warm-up) from a link barrier to the last party's end of the program, "
        "which includes the reveal of the result. Bytes and messages = SPU link statistics "
        "(`send bytes`, `send actions` of the program run), maximum over the 3 parties; "
        "value (min–max) when reps differ. SPU does not count rounds. "
        f"Every result checked against numpy (relative tolerance {args.rel_tol:g} for "
        "fixed-point values, exact for counts)."
    )
    lines.append("")
    lines.append(f"Command: `{command}`")
    lines.append("")
    lines.append("| op | n | median (ms) | bytes sent per party | messages sent per party | result check |")
    lines.append("|---|---:|---:|---:|---:|---|")
    for label, n, t, b, m, c in rows:
        lines.append(f"| {label} | {n:,} | {t} | {b} | {m} | {c} |")
    lines.append("")
    lines.append(f"Total run time: {total_s:.0f} s.")
    md = "\n".join(lines) + "\n"
    print(md)
    if args.write_md:
        with open(args.write_md, "w") as f:
            f.write(md)
        print(f"[spu-bench] wrote {args.write_md}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
