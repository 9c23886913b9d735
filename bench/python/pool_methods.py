"""The benchmark twin of `cargo run --release -p pool -- compare`: seed 003's
Pool methods (§4 to §6.2), written as the original writes them, on the same
problem: for each row of ROWS x 5 numbers from 0 to 9, count the numbers in
[4, 8].

Standard library only: the original draws its table with numpy, this draws it
with `random` (the numbers differ from the Rust table's; the work does not).
The table is made and the pool started before any timing, as in the Rust
examples; each method is timed from its call to its last result. Prints one
line per method: `name seconds`, and checks every method against the loop.

    python3 bench/python/pool_methods.py --rows 200000 --workers 2
"""

import argparse
import multiprocessing as mp
import random
import time


def howmany_within_range(row, minimum, maximum):
    """Returns how many numbers lie within `maximum` and `minimum` in a given `row`"""
    count = 0
    for n in row:
        if minimum <= n <= maximum:
            count = count + 1
    return count


def howmany_within_range_rowonly(row, minimum=4, maximum=8):
    count = 0
    for n in row:
        if minimum <= n <= maximum:
            count = count + 1
    return count


def howmany_within_range2(i, row, minimum, maximum):
    """Returns how many numbers lie within `maximum` and `minimum` in a given `row`"""
    count = 0
    for n in row:
        if minimum <= n <= maximum:
            count = count + 1
    return (i, count)


def sequential(pool, data):
    results = []
    for row in data:
        results.append(howmany_within_range(row, minimum=4, maximum=8))
    return results


def apply(pool, data):
    return [pool.apply(howmany_within_range, args=(row, 4, 8)) for row in data]


def map_(pool, data):
    return pool.map(howmany_within_range_rowonly, [row for row in data])


def starmap(pool, data):
    return pool.starmap(howmany_within_range, [(row, 4, 8) for row in data])


def apply_async(pool, data):
    # The original's steps 1 to 5; `join` needs `close`, which ends the pool,
    # so this method gets a pool of its own (started before the timing).
    results = []

    def collect_result(result):
        results.append(result)

    for i, row in enumerate(data):
        pool.apply_async(howmany_within_range2, args=(i, row, 4, 8), callback=collect_result)
    pool.close()
    pool.join()
    results.sort(key=lambda x: x[0])
    return [r for i, r in results]


def map_async(pool, data):
    result = pool.map_async(howmany_within_range_rowonly, data)
    return result.get()


def starmap_async(pool, data):
    result = pool.starmap_async(howmany_within_range, [(row, 4, 8) for row in data])
    return result.get()


METHODS = {
    "sequential": sequential,
    "apply": apply,
    "map": map_,
    "starmap": starmap,
    "apply-async": apply_async,
    "map-async": map_async,
    "starmap-async": starmap_async,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=mp.cpu_count())
    parser.add_argument("--seed", type=int, default=444)
    parser.add_argument("methods", nargs="*", default=list(METHODS), help="which methods (default: all)")
    args = parser.parse_args()
    generator = random.Random(args.seed)
    data = [[generator.randrange(10) for _ in range(5)] for _ in range(args.rows)]
    expected = sequential(None, data)
    wrong = []
    for name in args.methods:
        with mp.Pool(args.workers) as pool:
            started = time.perf_counter()
            results = METHODS[name](pool, data)
            elapsed = time.perf_counter() - started
        print(f"{name} {elapsed:.6f}", flush=True)
        if results != expected:
            wrong.append(name)
    if wrong:
        raise SystemExit(f"these methods miscounted: {', '.join(wrong)}")


if __name__ == "__main__":
    main()
