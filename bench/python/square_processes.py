"""The benchmark twin of `cargo run -p multiprocess -- square N...`.

One child process per number computes n**2 and sends it back to the parent
through a multiprocessing.Queue; the parent starts them all, joins them all,
and prints each pid and result. The last line is the elapsed time.
"""

import argparse
import multiprocessing
import os
import time


def square(n: int, results) -> None:
    results.put((n, n**2, os.getpid()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start-method", choices=["fork", "spawn"], default="fork")
    parser.add_argument("numbers", nargs="*", type=int, default=[2, 4])
    args = parser.parse_args()
    context = multiprocessing.get_context(args.start_method)
    started = time.perf_counter()
    results = context.Queue()
    procs = [context.Process(target=square, args=(n, results)) for n in args.numbers]
    for proc in procs:
        proc.start()
    # Read before joining: a child whose queue data is still in the pipe does
    # not exit, so joining first can deadlock (multiprocessing's docs say so).
    answers = sorted((results.get() for _ in procs), key=lambda answer: args.numbers.index(answer[0]))
    for proc in procs:
        proc.join()
    for n, result, pid in answers:
        print(f"pid {pid}: square({n}) = {result}")
    print(f"square executed in {time.perf_counter() - started:0.2f} seconds.")


if __name__ == "__main__":
    main()
