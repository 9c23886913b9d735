"""The Python side of `cargo run -p threading -- race`: N threads each add one
to a shared global M times, two ways, and the script prints how many updates
were lost.

- `counter += 1`: LOAD_GLOBAL, BINARY_OP, STORE_GLOBAL. Not atomic, but
  CPython (3.10 and later) only switches threads at certain points, such as
  calls and the jump back to the top of a loop, and none falls between
  the load and the store here, so it may well lose nothing.
- `counter += one()`: the same, with a function call between the load and
  the store, where a switch can happen: updates get lost.

Standard library only.
"""

import argparse
import threading

counter = 0


def one() -> int:
    return 1


def add_plain(increments: int) -> None:
    global counter
    for _ in range(increments):
        counter += 1


def add_with_a_call(increments: int) -> None:
    global counter
    for _ in range(increments):
        counter += one()


def race(add, threads: int, increments: int) -> int:
    global counter
    counter = 0
    workers = [threading.Thread(target=add, args=(increments,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--increments", type=int, default=1_000_000)
    args = parser.parse_args()
    expected = args.threads * args.increments
    for name, add in [("counter += 1", add_plain), ("counter += one()", add_with_a_call)]:
        counted = race(add, args.threads, args.increments)
        print(f"{name}: the counter says {counted} of {expected}: {expected - counted} lost")


if __name__ == "__main__":
    main()
