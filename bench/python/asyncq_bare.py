"""How fast `asyncio.Queue` itself is, with nothing else around it.

One producer puts N integers, one consumer gets them: no sleeps, no random
items, no timestamps. docs/benchmarks.md quotes this beside the queue table
to show how much of Python's rate there is the queue and how much the work
the example does for each item.

    python3 bench/python/asyncq_bare.py [N]      default 1,000,000
"""

import asyncio
import sys
import time


async def main(n: int) -> None:
    q: asyncio.Queue = asyncio.Queue()

    async def produce() -> None:
        for i in range(n):
            await q.put(i)

    async def consume() -> None:
        for _ in range(n):
            await q.get()

    start = time.perf_counter()
    await asyncio.gather(produce(), consume())
    seconds = time.perf_counter() - start
    print(f"Moved {n} items in {seconds:.4f} s: {n / seconds / 1e6:.3f} M items/s.")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
