"""The Python twin of `cargo run -p threading -- cpu`.

Counts the primes below N by trial division (the same algorithm and the same
blocks of 10,000 numbers as lessons/threading/src/cpu.rs): on one thread,
then on W threads, then on W processes. Prints one line per run:

    single 1 <count> <seconds>
    threads <W> <count> <seconds>
    processes <W> <count> <seconds>

CPython's threads take turns holding the GIL to run Python code, so the
threads run is expected to take about as long as the single one; processes
each have their own interpreter and run in parallel. Standard library only.
"""

import argparse
import multiprocessing
import threading
import time

BLOCK = 10_000


def is_prime(n: int) -> bool:
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    divisor = 3
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 2
    return True


def count_primes(start: int, stop: int) -> int:
    return sum(1 for n in range(start, stop) if is_prime(n))


def blocks(below: int) -> list[tuple[int, int]]:
    return [(start, min(start + BLOCK, below)) for start in range(0, below, BLOCK)]


def on_threads(below: int, workers: int) -> int:
    """Each thread takes the next block until none is left, as in cpu.rs."""
    todo = iter(blocks(below))
    lock = threading.Lock()
    counts = []

    def worker() -> None:
        count = 0
        while True:
            with lock:
                block = next(todo, None)
            if block is None:
                break
            count += count_primes(*block)
        with lock:
            counts.append(count)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts)


def on_processes(below: int, workers: int) -> int:
    """A pool of processes, one block per task; starting the pool is timed too."""
    with multiprocessing.Pool(workers) as pool:
        return sum(pool.starmap(count_primes, blocks(below), chunksize=1))


def timed(run, *args) -> tuple[int, float]:
    started = time.perf_counter()
    count = run(*args)
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--below", type=int, default=1_000_000, help="count the primes below N")
    parser.add_argument("--workers", type=int, default=2, help="threads, then processes")
    args = parser.parse_args()
    if args.below < 0 or args.workers < 1:
        parser.error("--below must be 0 or more, --workers 1 or more")
    count, seconds = timed(on_threads, args.below, 1)
    print(f"single 1 {count} {seconds:.3f}", flush=True)
    count, seconds = timed(on_threads, args.below, args.workers)
    print(f"threads {args.workers} {count} {seconds:.3f}", flush=True)
    count, seconds = timed(on_processes, args.below, args.workers)
    print(f"processes {args.workers} {count} {seconds:.3f}", flush=True)


if __name__ == "__main__":
    main()
