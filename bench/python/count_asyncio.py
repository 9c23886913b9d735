"""The benchmark twin of `cargo run -p async-io -- count --tasks N --quiet`.

N coroutines each print "One", sleep one second, print "Two" (unless --quiet),
all gathered on asyncio's event loop; the last line is the elapsed time.
"""

import argparse
import asyncio
import time


async def counter(quiet: bool) -> None:
    if not quiet:
        print("One")
    await asyncio.sleep(1)
    if not quiet:
        print("Two")


async def run_counters(tasks: int, quiet: bool) -> None:
    await asyncio.gather(*(counter(quiet) for _ in range(tasks)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3, help="how many counters run")
    parser.add_argument("--quiet", action="store_true", help="print no One/Two lines")
    args = parser.parse_args()
    started = time.perf_counter()
    asyncio.run(run_counters(args.tasks, args.quiet))
    print(f"count executed in {time.perf_counter() - started:0.2f} seconds.")


if __name__ == "__main__":
    main()
