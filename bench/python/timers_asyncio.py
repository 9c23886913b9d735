"""The benchmark twin of `cargo run --release -p coroutine --example timers`.

N tasks, each one `asyncio.sleep` of 0 to 10 ms (seeded), created with
`create_task` and awaited in order on asyncio's event loop. Prints one line,
`100000 tasks in 0.1234 s`: the time from the first task created to the
last one's end, as the Rust program measures it.
"""

import argparse
import asyncio
import random
import time


async def nap(millis: int) -> None:
    await asyncio.sleep(millis / 1000)


async def run_naps(naps: list[int]) -> float:
    started = time.perf_counter()
    tasks = [asyncio.create_task(nap(millis)) for millis in naps]
    for task in tasks:
        await task
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000, help="how many tasks")
    parser.add_argument("--seed", type=int, default=444, help="seed for the durations")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    naps = [rng.randint(0, 10) for _ in range(args.tasks)]
    elapsed = asyncio.run(run_naps(naps))
    noun = "task" if args.tasks == 1 else "tasks"
    print(f"{args.tasks} {noun} in {elapsed:.4f} s")


if __name__ == "__main__":
    main()
