#!/usr/bin/python3
"""Brute-force grain growth in PyTorch, the LSH-SMILE paper's baseline: the Laplacian of every order
parameter by conv2d with the fixed 3x3 kernel [[0, 1, 0], [1, -4, 1], [0, 1, 0]] after circular padding,
then the explicit Jacobi update of physics.md 1.2 on every cell:

    eta_q' = eta_q - L dt ( eta_q ((B eta_q^2 - A) + 2 (S - eta_q^2)) - kappa lap(eta_q) ),  S = sum_r eta_r^2

with lap = conv / dx^2. CPU only, float32 or float64 (--dtype), torch.set_num_threads(--threads); nothing
is flushed to zero. One warm-up step on a throwaway copy precedes the timed steps and is not timed.

    python3 grain_growth_torch.py init.npy STEPS DT DX L KAPPA A B --out final.npy [--dtype float64] [--threads 1]
"""

import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402  (the folder of this script, not an installed module)

PROG = os.path.basename(__file__)


def import_torch():
    """torch and torch.nn.functional, or a one-line error naming the install command (exit 3)."""
    try:
        import torch
        import torch.nn.functional as functional
    except ImportError as e:
        peer_common.fail(PROG, f"PyTorch is not available ({e}); install it with: {peer_common.INSTALL}",
                         peer_common.EXIT_MISSING)
    return torch, functional


def make_step(torch, functional, dtype, ldt, kappa, a, b, inv_dx2):
    """A step function on a (Q, 1, ny, nx) tensor: each order parameter is one image of the batch."""
    kernel = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]], dtype=dtype).reshape(1, 1, 3, 3)

    def step(eta):
        lap = functional.conv2d(functional.pad(eta, (1, 1, 1, 1), mode="circular"), kernel) * inv_dx2
        sq = eta * eta
        total = sq.sum(dim=0, keepdim=True)
        bulk = eta * ((b * sq - a) + 2.0 * (total - sq))
        return eta - ldt * (bulk - kappa * lap)

    return step


def main(argv=None):
    args = peer_common.parse_args(
        PROG, "The paper's brute-force grain-growth baseline (conv2d Laplacian, circular padding) in PyTorch; "
              "prints one JSON line.",
        "intra-op threads, set with torch.set_num_threads (default 1)", argv)
    np = peer_common.import_numpy(PROG)
    torch, functional = import_torch()
    torch.set_num_threads(args.threads)
    if torch.get_num_threads() != args.threads:
        peer_common.fail(PROG, f"torch.set_num_threads({args.threads}) left {torch.get_num_threads()} threads",
                         peer_common.EXIT_FAILURE)
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    init = peer_common.load_state(PROG, np, args.init)
    q, ny, nx = init.shape
    state = torch.from_numpy(init).to(dtype).reshape(q, 1, ny, nx).contiguous()
    step = make_step(torch, functional, dtype, args.L * args.dt, args.kappa, args.A, args.B,
                     1.0 / (args.dx * args.dx))
    with torch.inference_mode():
        final, seconds = peer_common.time_steps(step, state, args.steps)
    peer_common.save_state(PROG, np, args.out, final.reshape(q, ny, nx).to(torch.float64).numpy(), args.steps)
    peer_common.report("torch", args.dtype, args.threads, args.steps, seconds, init.shape,
                       {"torch": torch.__version__, "numpy": np.__version__})


if __name__ == "__main__":
    peer_common.run(PROG, main)
