"""The benchmark twin of `cargo run -p queue -- asyncq --quiet ...`.

Real Python's asyncq.py (seed 002, "Queue") with the port's changes:
`randsleep` sleeps from `--min-sleep` to `--max-sleep` seconds (the original
ignores its bounds), `--items-per-producer K` fixes how many items each
producer puts, `--capacity N` bounds the queue, `--quiet` prints no line per
item, and the items come from a generator seeded with `--seed` rather than
`os.urandom` (a system call per item). Shutdown is the original's:
`gather` the producers, `q.join()`, cancel the consumers. The last lines
are the totals and the rate, in the words the Rust program uses.
"""

import argparse
import asyncio
import random
import time


def makeitem(rng: random.Random, size: int = 5) -> str:
    return rng.randbytes(size).hex()


async def randsleep(rng: random.Random, a: int, b: int, caller, quiet: bool) -> None:
    i = rng.randint(a, b)
    if caller and not quiet:
        print(f"{caller} sleeping for {i} seconds.")
    await asyncio.sleep(i)  # asyncio.sleep(0) only yields to the event loop


async def produce(name: int, q: asyncio.Queue, args, rng: random.Random) -> int:
    n = args.items_per_producer if args.items_per_producer is not None else rng.randint(0, 10)
    for _ in range(n):
        await randsleep(rng, args.min_sleep, args.max_sleep, f"Producer {name}", args.quiet)
        i = makeitem(rng)
        t = time.perf_counter()
        await q.put((i, t))
        if not args.quiet:
            print(f"Producer {name} added <{i}> to queue.")
    return n


async def consume(name: int, q: asyncio.Queue, args, rng: random.Random, taken: list) -> None:
    while True:
        await randsleep(rng, args.min_sleep, args.max_sleep, f"Consumer {name}", args.quiet)
        i, t = await q.get()
        now = time.perf_counter()
        if not args.quiet:
            print(f"Consumer {name} got element <{i}> in {now - t:0.5f} seconds.")
        taken[name] += 1
        q.task_done()


async def main(args) -> tuple:
    q = asyncio.Queue(maxsize=args.capacity)
    taken = [0] * args.ncon
    producers = [asyncio.create_task(produce(n, q, args, random.Random(args.seed * 1000 + n)))
                 for n in range(args.nprod)]
    consumers = [asyncio.create_task(consume(n, q, args, random.Random(args.seed * 1000 + args.nprod + n), taken))
                 for n in range(args.ncon)]
    produced = sum(await asyncio.gather(*producers))
    await q.join()  # implicitly awaits consumers, too
    for c in consumers:
        c.cancel()
    return produced, sum(taken)


def cli():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--nprod", type=int, default=5)
    parser.add_argument("-c", "--ncon", type=int, default=10)
    parser.add_argument("--capacity", type=int, default=0, help="0: no limit, as asyncio.Queue's maxsize")
    parser.add_argument("--min-sleep", type=int, default=None)
    parser.add_argument("--max-sleep", type=int, default=5)
    parser.add_argument("--items-per-producer", type=int, default=None)
    parser.add_argument("--seed", type=int, default=444)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    if args.min_sleep is None:
        args.min_sleep = min(1, args.max_sleep)
    return args


def report(produced: int, consumed: int, elapsed: float) -> None:
    print(f"{produced} items put; {consumed} taken.")
    print(f"Moved {consumed} items in {elapsed:.4f} s: {consumed / elapsed / 1e6:.3f} M items/s.")


if __name__ == "__main__":
    args = cli()
    start = time.perf_counter()
    produced, consumed = asyncio.run(main(args))
    report(produced, consumed, time.perf_counter() - start)
