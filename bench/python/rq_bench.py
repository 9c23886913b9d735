"""The RQ side of bench/distributed.sh.

    rq_bench.py URL enqueue N SECONDS   N jobs `nap(SECONDS)`, untimed
    rq_bench.py URL left                jobs not yet finished (queued + started)
    rq_bench.py URL redo BIN WATCH      a worker killed mid-job: is it redone
                                        by another within WATCH seconds?

`redo` starts an RQ SimpleWorker (BIN is the venv's `rq`), gives it a
1-second job, kills it with SIGKILL once the job is started, starts a second
worker, and prints the seconds from the kill until the job was finished, or
`never WATCH STATUS` if it was not within WATCH seconds.
"""

import subprocess
import sys
import time

from redis import Redis
from rq import Queue
from rq.job import Job

import rq_jobs


def worker(binary, url):
    return subprocess.Popen(
        [binary, "worker", "--quiet", "-w", "rq.worker.SimpleWorker", "--url", url, "--path", "."],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main():
    url, command, *rest = sys.argv[1:]
    redis = Redis.from_url(url)
    queue = Queue(connection=redis)
    if command == "enqueue":
        count, seconds = int(rest[0]), float(rest[1])
        for start in range(0, count, 1000):
            batch = [Queue.prepare_data(rq_jobs.nap, (seconds,)) for _ in range(min(1000, count - start))]
            queue.enqueue_many(batch)
    elif command == "left":
        print(len(queue) + len(queue.started_job_registry))
    elif command == "redo":
        binary, watch = rest[0], float(rest[1])
        job = queue.enqueue(rq_jobs.nap, 1.0)
        doomed = worker(binary, url)
        while Job.fetch(job.id, connection=redis).get_status() != "started":
            time.sleep(0.01)
        doomed.kill()
        doomed.wait()
        killed = time.monotonic()
        rescuer = worker(binary, url)
        try:
            while time.monotonic() - killed < watch:
                if Job.fetch(job.id, connection=redis).get_status() == "finished":
                    print(f"{time.monotonic() - killed:.2f}")
                    return
                time.sleep(0.05)
            status = Job.fetch(job.id, connection=redis).get_status()
            print(f"never {watch:.0f} {getattr(status, 'value', status)}")
        finally:
            rescuer.kill()
            rescuer.wait()


if __name__ == "__main__":
    main()
