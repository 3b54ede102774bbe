#!/usr/bin/env bash
# Peer-comparison benchmark: SecretFlow SPU 0.9.5 (ABY3, 3 parties, FM64).
#
# What this does:
#   1. Creates a Python virtualenv OUTSIDE the repository (default
#      $HOME/.cache/sharestat-peers/spu-venv, override with
#      SHARESTAT_PEERS_VENV) if it does not exist yet.
#   2. Installs the pinned packages spu==0.9.5 and numpy into it (from PyPI).
#   3. Runs spu_bench.py with that interpreter, passing all arguments through,
#      e.g.:  bench/peers/spu/run.sh --sizes 48,1000 --reps 3 --write-md bench/peers/spu/results.md
#
# The benchmark starts three SPU party processes that talk over loopback TCP
# (127.0.0.1, brpc link). Not part of CI. Needs CPython 3.11 (PYTHON to override).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${SHARESTAT_PEERS_VENV:-$HOME/.cache/sharestat-peers/spu-venv}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x "$VENV/bin/python" ]; then
  echo "[run.sh] creating virtualenv $VENV" >&2
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV"
fi

if ! "$VENV/bin/python" -c 'import spu, sys; sys.exit(0 if spu.__version__ == "0.9.5" else 1)' >/dev/null 2>&1; then
  echo "[run.sh] installing spu==0.9.5 into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet 'spu==0.9.5' numpy
fi

export SPU_BENCH_LAUNCHER="$0"
exec "$VENV/bin/python" "$HERE/spu_bench.py" "$@"
