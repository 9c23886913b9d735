"""The benchmark twin of `cargo run -p multiprocess -- pipe --count N`.

The parent puts the numbers 1..N on a multiprocessing.Queue, one put each,
then None; a worker process adds them up and sends the count and the sum
back on a second queue. Timed from the first put to the answer, after the
worker has been started, as the Rust version is.
"""

import argparse
import multiprocessing
import time


def add_up(numbers, results) -> None:
    count = total = 0
    while (n := numbers.get()) is not None:
        count += 1
        total += n
    results.put((count, total))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start-method", choices=["fork", "spawn"], default="fork")
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    context = multiprocessing.get_context(args.start_method)
    numbers, results = context.Queue(), context.Queue()
    worker = context.Process(target=add_up, args=(numbers, results))
    worker.start()
    started = time.perf_counter()
    for n in range(1, args.count + 1):
        numbers.put(n)
    numbers.put(None)
    count, total = results.get()
    elapsed = time.perf_counter() - started
    worker.join()
    expected = args.count * (args.count + 1) // 2
    print(f"The worker got {count} numbers, adding up to {total}.")
    if (count, total) != (args.count, expected):
        raise SystemExit("numbers were lost or repeated")
    print(f"pipe: {args.count} numbers in {elapsed:0.2f} s: {args.count / elapsed / 1e6:.2f} M numbers/s")


if __name__ == "__main__":
    main()
