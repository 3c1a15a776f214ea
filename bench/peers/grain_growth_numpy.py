#!/usr/bin/python3
"""Brute-force grain growth in NumPy: the explicit Jacobi update of physics.md 1.2 on every cell.

    eta_q' = eta_q - L dt ( eta_q ((B eta_q^2 - A) + 2 (S - eta_q^2)) - kappa lap(eta_q) ),  S = sum_r eta_r^2

5-point Laplacian ((w + e) + (n + s) - 4 c) / dx^2 with periodic wrap, all right-hand sides at the old
time. The operations run in the same order as lshsmile's scalar kernel; unlike it, nothing is flushed
to zero. NumPy's element-wise operations use one thread, so --threads accepts only 1. One warm-up step
on a throwaway copy precedes the timed steps and is not timed.

    python3 grain_growth_numpy.py init.npy STEPS DT DX L KAPPA A B --out final.npy [--dtype float64]
"""

import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402  (the folder of this script, not an installed module)

PROG = os.path.basename(__file__)


def make_step(np, shape, dtype, ldt, kappa, a, b, inv_dx2):
    """A step function eta -> eta' with preallocated scratch; results alternate between two buffers."""
    q, ny, nx = shape
    pad = np.empty((q, ny + 2, nx + 2), dtype=dtype)
    lap = np.empty(shape, dtype=dtype)
    tmp = np.empty(shape, dtype=dtype)
    sq = np.empty(shape, dtype=dtype)
    bulk = np.empty(shape, dtype=dtype)
    total = np.empty((ny, nx), dtype=dtype)
    buffers = (np.empty(shape, dtype=dtype), np.empty(shape, dtype=dtype))
    ldt, kappa, a, b, inv_dx2 = (dtype(v) for v in (ldt, kappa, a, b, inv_dx2))

    def step(eta):
        out = buffers[1] if eta is buffers[0] else buffers[0]
        # periodic halo of width 1
        pad[:, 1:-1, 1:-1] = eta
        pad[:, 0, 1:-1] = eta[:, -1, :]
        pad[:, -1, 1:-1] = eta[:, 0, :]
        pad[:, 1:-1, 0] = eta[:, :, -1]
        pad[:, 1:-1, -1] = eta[:, :, 0]
        # lap = (((w + e) + (n + s)) - 4 eta) / dx^2
        np.add(pad[:, 1:-1, :-2], pad[:, 1:-1, 2:], out=lap)
        np.add(pad[:, :-2, 1:-1], pad[:, 2:, 1:-1], out=tmp)
        np.add(lap, tmp, out=lap)
        np.multiply(eta, 4.0, out=tmp)
        np.subtract(lap, tmp, out=lap)
        np.multiply(lap, inv_dx2, out=lap)
        # S = sum_r eta_r^2, then bulk = eta ((B eta^2 - A) + 2 (S - eta^2))
        np.multiply(eta, eta, out=sq)
        np.sum(sq, axis=0, out=total)
        np.subtract(total, sq, out=tmp)
        np.multiply(tmp, 2.0, out=tmp)
        np.multiply(sq, b, out=bulk)
        np.subtract(bulk, a, out=bulk)
        np.add(bulk, tmp, out=bulk)
        np.multiply(bulk, eta, out=bulk)
        # eta' = eta - L dt (bulk - kappa lap)
        np.multiply(lap, kappa, out=lap)
        np.subtract(bulk, lap, out=bulk)
        np.multiply(bulk, ldt, out=bulk)
        np.subtract(eta, bulk, out=out)
        return out

    return step


def main(argv=None):
    args = peer_common.parse_args(
        PROG, "Brute-force grain growth (Fan-Chen, explicit Jacobi, periodic) in NumPy; prints one JSON line.",
        "must be 1: NumPy's element-wise operations are single-threaded", argv)
    if args.threads != 1:
        peer_common.fail(PROG, f"the NumPy peer is single-threaded: --threads must be 1, got {args.threads}",
                         peer_common.EXIT_USAGE)
    np = peer_common.import_numpy(PROG)
    dtype = np.float32 if args.dtype == "float32" else np.float64
    state = peer_common.load_state(PROG, np, args.init).astype(dtype)
    step = make_step(np, state.shape, dtype, args.L * args.dt, args.kappa, args.A, args.B, 1.0 / (args.dx * args.dx))
    final, seconds = peer_common.time_steps(step, state, args.steps)
    peer_common.save_state(PROG, np, args.out, final, args.steps)
    peer_common.report("numpy", args.dtype, 1, args.steps, seconds, state.shape, {"numpy": np.__version__})


if __name__ == "__main__":
    peer_common.run(PROG, main)
