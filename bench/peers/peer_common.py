"""Command line, input checks, timing and report shared by the grain-growth peers in this folder.

Both peers take the same arguments and print the same one-line JSON report; only the stepping differs
(grain_growth_numpy.py, grain_growth_torch.py). Errors are one line on stderr,
"<script>: error: <problem>", with exit code 2 for bad arguments or input, 3 for a missing module and
1 for a failed run. This module needs only the standard library until load_state() imports NumPy.
"""

import argparse
import json
import math
import os
import platform
import sys
import time

INSTALL = "apt-get install -y python3-torch python3-numpy"

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_MISSING = 3

WARMUP_STEPS = 1


def fail(prog, message, code):
    """Prints '<prog>: error: <message>' as one line on stderr and exits with code."""
    one_line = " ".join(str(message).split())
    print(f"{prog}: error: {one_line}", file=sys.stderr, flush=True)
    sys.exit(code)


def run(prog, main):
    """Calls main(); an unexpected exception becomes a one-line error (exit 1) instead of a traceback."""
    try:
        main()
    except (SystemExit, KeyboardInterrupt):
        raise
    except MemoryError:
        fail(prog, "out of memory", EXIT_FAILURE)
    except Exception as e:  # noqa: BLE001  (the report is the point: one line, not a traceback)
        fail(prog, f"{type(e).__name__}: {e}", EXIT_FAILURE)


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line (the default prints the usage first)."""

    def error(self, message):
        fail(self.prog, message + " (see --help)", EXIT_USAGE)


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{text}'") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got '{text}'")
    return value


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got '{text}'")
    return value


def parse_args(prog, description, threads_help, argv=None):
    """The peers' shared command line; returns the argparse namespace."""
    p = _Parser(prog=prog, description=description)
    p.add_argument("init", help="initial state: .npy, float64, shape (Q, ny, nx), C order")
    p.add_argument("steps", type=_positive_int, help="explicit Euler steps to take (>= 1)")
    p.add_argument("dt", type=_positive_float, help="time step")
    p.add_argument("dx", type=_positive_float, help="grid spacing (the Laplacian is divided by dx^2)")
    p.add_argument("L", type=_positive_float, help="mobility L, the same for every grain")
    p.add_argument("kappa", type=_positive_float, help="gradient coefficient kappa, the same for every grain")
    p.add_argument("A", type=_positive_float, help="bulk coefficient A")
    p.add_argument("B", type=_positive_float, help="bulk coefficient B")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float64",
                   help="arithmetic precision of the stepping (default float64); the output is float64 either way")
    p.add_argument("--threads", type=_positive_int, default=1, help=threads_help)
    p.add_argument("--out", required=True, help="where to write the final state (.npy, float64, same shape)")
    return p.parse_args(argv)


def import_numpy(prog):
    """NumPy, or a one-line error naming the install command (exit 3)."""
    try:
        import numpy
    except ImportError as e:
        fail(prog, f"NumPy is not available ({e}); install it with: {INSTALL}", EXIT_MISSING)
    numpy.seterr(all="ignore")  # overflow shows as a non-finite final state, reported by save_state
    return numpy


def load_state(prog, np, path):
    """The initial state as a float64 (Q, ny, nx) array; a one-line error (exit 2) for anything else."""
    if not os.path.isfile(path):
        fail(prog, f"initial state '{path}' does not exist or is not a file", EXIT_USAGE)
    try:
        state = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        fail(prog, f"cannot read '{path}' as .npy: {e}", EXIT_USAGE)
    if state.ndim != 3 or min(state.shape) < 1:
        fail(prog, f"initial state '{path}' must have shape (Q, ny, nx), got {state.shape}", EXIT_USAGE)
    if state.dtype != np.float64:
        fail(prog, f"initial state '{path}' must be float64, got {state.dtype}", EXIT_USAGE)
    if not np.isfinite(state).all():
        fail(prog, f"initial state '{path}' holds NaN or infinity", EXIT_USAGE)
    return np.ascontiguousarray(state)


def save_state(prog, np, path, state, steps):
    """Writes the final state as float64 .npy through a temporary file and a rename."""
    final = np.asarray(state, dtype=np.float64)
    if not np.isfinite(final).all():
        fail(prog, f"the state holds NaN or infinity after {steps} steps (is dt below the stable bound?)",
             EXIT_FAILURE)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            np.save(f, final, allow_pickle=False)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.remove(tmp)
        except OSError:
            pass
        fail(prog, f"cannot write '{path}': {e}", EXIT_FAILURE)


def time_steps(step, state, steps):
    """Runs one untimed warm-up step on a copy of state (discarded), then times steps steps from state.

    step(x) must return the next state without modifying x. Returns (final state, seconds).
    """
    throwaway = state.clone() if hasattr(state, "clone") else state.copy()
    for _ in range(WARMUP_STEPS):
        step(throwaway)
    del throwaway
    start = time.perf_counter()
    for _ in range(steps):
        state = step(state)
    return state, time.perf_counter() - start


def report(peer, dtype, threads, steps, seconds, shape, versions):
    """The one JSON line on stdout."""
    print(json.dumps({
        "peer": peer,
        "dtype": dtype,
        "threads": threads,
        "steps": steps,
        "ms_per_step": seconds * 1000.0 / steps,
        "warmup_steps": WARMUP_STEPS,
        "shape": list(shape),
        "versions": dict(versions, python=platform.python_version()),
    }), flush=True)
