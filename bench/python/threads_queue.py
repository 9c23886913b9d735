"""The benchmark twin of `cargo run -p queue -- threads --quiet ...`.

`asyncq.py`'s producers and consumers on threads, around `queue.Queue`, the
blocking queue of Python's standard library. A sleep of 0 seconds is
skipped, as Rust's `std::thread::sleep` skips it: Python's `time.sleep(0)`
is a system call that takes tens of microseconds here, and would measure
that instead of the queue. Shutdown as in the original: join the producers,
`q.join()`, then one sentinel per consumer, since threads cannot be
cancelled.
"""

import queue
import random
import threading
import time

from asyncq import cli, makeitem, report

STOP = object()


def randsleep(rng: random.Random, a: int, b: int, caller, quiet: bool) -> None:
    i = rng.randint(a, b)
    if caller and not quiet:
        print(f"{caller} sleeping for {i} seconds.")
    if i:
        time.sleep(i)


def produce(name: int, q: queue.Queue, args, rng: random.Random, put: list) -> None:
    n = args.items_per_producer if args.items_per_producer is not None else rng.randint(0, 10)
    for _ in range(n):
        randsleep(rng, args.min_sleep, args.max_sleep, f"Producer {name}", args.quiet)
        i = makeitem(rng)
        t = time.perf_counter()
        q.put((i, t))
        if not args.quiet:
            print(f"Producer {name} added <{i}> to queue.")
    put[name] = n


def consume(name: int, q: queue.Queue, args, rng: random.Random, taken: list) -> None:
    while True:
        randsleep(rng, args.min_sleep, args.max_sleep, f"Consumer {name}", args.quiet)
        item = q.get()
        if item is STOP:
            q.task_done()
            return
        i, t = item
        now = time.perf_counter()
        if not args.quiet:
            print(f"Consumer {name} got element <{i}> in {now - t:0.5f} seconds.")
        taken[name] += 1
        q.task_done()


def main(args) -> tuple:
    q = queue.Queue(maxsize=args.capacity)
    put, taken = [0] * args.nprod, [0] * args.ncon
    producers = [threading.Thread(target=produce, args=(n, q, args, random.Random(args.seed * 1000 + n), put))
                 for n in range(args.nprod)]
    consumers = [threading.Thread(target=consume,
                                  args=(n, q, args, random.Random(args.seed * 1000 + args.nprod + n), taken))
                 for n in range(args.ncon)]
    for thread in consumers + producers:
        thread.start()
    for thread in producers:
        thread.join()
    q.join()
    for _ in consumers:
        q.put(STOP)
    for thread in consumers:
        thread.join()
    return sum(put), sum(taken)


if __name__ == "__main__":
    args = cli()
    start = time.perf_counter()
    produced, consumed = main(args)
    report(produced, consumed, time.perf_counter() - start)
