"""The jobs of the RQ side of bench/distributed.sh: the same as the Rust
lesson's `sleep` job. RQ imports them by name (`rq_jobs.nap`) in the worker,
which is why the worker runs with this folder on its path."""

import time


def nap(seconds):
    time.sleep(seconds)
    return f"slept {seconds:.2f} s"
