"""Where batch clips run: ``local`` (a spawn process pool) or ``ray`` (actors on a Ray cluster).

Both keep at most ``jobs`` clips in flight, build one ``DubWorker`` per worker (models
loaded once), call ``on_start`` as each clip is handed out and yield results as they finish.
"""

from __future__ import annotations

import math
import os
import signal
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from vidfoley.pipeline.batch_worker import DubTask, DubWorker, TaskResult
from vidfoley.pipeline.errors import ModelUnavailableError, RenderError, UsageError

OnStart = Callable[[DubTask], None]
_MAX_BREAKS = 3


class BatchEngine(ABC):
    """Runs ``DubTask``s on ``jobs`` workers, each holding one ``FoleyPipeline``.

    Args:
        config: ``FoleyPipeline`` keyword arguments (see ``DubWorker``).
        jobs: number of workers (clips in flight at once).
    """

    NAME: ClassVar[str] = ""

    def __init__(self, config: dict[str, Any], jobs: int) -> None:
        if jobs < 1:
            raise UsageError(f"--jobs must be >= 1, got {jobs}")
        self.config, self.jobs = config, jobs
        self.stopping = False

    @abstractmethod
    def run(self, tasks: Iterable[DubTask], on_start: OnStart) -> Iterator[TaskResult]:
        """Yield one result per task, in finishing order; after ``stop()`` start no more."""

    def stop(self) -> None:
        """Hand out no more clips; those in flight finish and are still yielded."""
        self.stopping = True

    @abstractmethod
    def abort(self) -> None:
        """Abandon the clips in flight now (their partial files are removed by the workers)."""


# ---------------------------------------------------------------------------- local engine
class _WorkerSlot:
    """The one ``DubWorker`` of a local worker process, and whether it is mid-clip."""

    worker: DubWorker | None = None
    busy = False


def _init_local_worker(config: dict[str, Any], threads: int, parent_pid: int, gpus: int,
                       counter: Any) -> None:
    """Pool initializer: ignore Ctrl-C (the parent decides), build the worker, watch the parent.

    With ``gpus`` > 0 each worker is pinned to its own GPU (round robin) before torch loads.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if gpus and counter is not None:
        with counter.get_lock():
            slot = counter.value
            counter.value += 1
        os.environ["CUDA_VISIBLE_DEVICES"] = str(slot % gpus)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _WorkerSlot.worker = DubWorker(config, threads=threads)
    watch = threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True)
    watch.start()


def _on_sigterm(signum: int, frame: Any) -> None:
    if not _WorkerSlot.busy:
        os._exit(143)
    raise KeyboardInterrupt  # unwinds dub(): the atomic writer deletes its partial file


def _watch_parent(parent_pid: int) -> None:
    """Stop this worker when the batch process is gone (e.g. killed with -9)."""
    import time

    while os.getppid() == parent_pid:
        time.sleep(0.5)
    # To the main thread itself: a process-wide signal may land on this thread, and the
    # main thread, blocked reading the next task from a queue its sibling workers keep
    # open, would never run the handler; sent to it, the read is interrupted (EINTR).
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)


def _run_local_task(task: DubTask) -> TaskResult:
    worker = _WorkerSlot.worker
    if worker is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker process was not initialised")
    _WorkerSlot.busy = True
    try:
        return worker(task)
    except BaseException:  # interrupted by SIGTERM: partial output already removed
        os._exit(143)
    finally:
        _WorkerSlot.busy = False


class LocalEngine(BatchEngine):
    """A ``ProcessPoolExecutor`` with the spawn start method (safe with threads and CUDA)."""

    NAME = "local"

    def __init__(self, config: dict[str, Any], jobs: int, *, threads: int = 1,
                 gpus: int = 0) -> None:
        super().__init__(config, jobs)
        self.threads, self.gpus = threads, gpus
        self._executor: Any = None

    def run(self, tasks: Iterable[DubTask], on_start: OnStart) -> Iterator[TaskResult]:
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        context = multiprocessing.get_context("spawn")
        initargs = (self.config, self.threads, os.getpid(), self.gpus,
                    context.Value("i", 0) if self.gpus else None)
        pending = iter(tasks)
        executor = ProcessPoolExecutor(self.jobs, mp_context=context,
                                       initializer=_init_local_worker, initargs=initargs)
        self._executor = executor
        in_flight: dict[Any, DubTask] = {}
        breaks = 0  # pools broken in a row: a worker that cannot even start stops the batch
        try:
            while True:
                while not self.stopping and len(in_flight) < self.jobs:
                    task = next(pending, None)
                    if task is None:
                        break
                    on_start(task)
                    in_flight[executor.submit(_run_local_task, task)] = task
                if not in_flight:
                    return
                done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                for future in done:
                    task = in_flight.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool as exc:
                        if self.stopping:  # Ctrl-C reached a starting worker: not a failure
                            return
                        breaks += 1
                        if breaks >= _MAX_BREAKS:
                            raise RenderError(
                                f"batch workers died {breaks} times in a row ({exc}); run "
                                "`vidfoley dub` on one clip with --debug to see why") from exc
                        yield TaskResult(task.index, ok=False, error="the worker process "
                                         "died while dubbing this clip (crash or out of "
                                         "memory)")
                        executor.shutdown(wait=False, cancel_futures=True)
                        executor = ProcessPoolExecutor(
                            self.jobs, mp_context=context, initializer=_init_local_worker,
                            initargs=initargs)
                        self._executor = executor
                        in_flight = {executor.submit(_run_local_task, t): t
                                     for t in in_flight.values()}
                        break
                    breaks = 0
                    yield result
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def abort(self) -> None:
        executor = self._executor
        if executor is None:
            return
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            if process.is_alive():
                process.terminate()
        executor.shutdown(wait=False, cancel_futures=True)


# ---------------------------------------------------------------------------- ray engine
class RayEngine(BatchEngine):
    """``DubWorker`` Ray actors: a local Ray started on demand, or a cluster at ``address``.

    Args:
        address: Ray cluster address (``auto``, ``ray://host:10001``); None starts a local
            Ray with ``num_cpus=jobs``.
        num_gpus: GPUs per actor (1 for neural backends on a GPU cluster).
    """

    NAME = "ray"

    def __init__(self, config: dict[str, Any], jobs: int, *, address: str | None = None,
                 num_gpus: float = 0.0, threads: int = 1) -> None:
        super().__init__(config, jobs)
        self.address, self.num_gpus, self.threads = address, num_gpus, threads
        self._ray: Any = None
        self._started_ray = False

    def _start(self) -> Any:
        try:
            import ray
        except ImportError as exc:
            raise ModelUnavailableError("--engine ray needs Ray: pip install 'vidfoley[scale]'"
                                        " (or use --engine local)") from exc
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "configure_logging": False}
            try:
                if self.address:
                    ray.init(address=self.address, **kwargs)
                else:
                    ray.init(num_cpus=self.jobs, **kwargs)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = self.address or "a local Ray"
                raise UsageError(f"cannot start or reach {where} ({exc}); check --ray-address"
                                 " or use --engine local") from exc
            self._started_ray = True
        self._ray = ray
        return ray

    def run(self, tasks: Iterable[DubTask], on_start: OnStart) -> Iterator[TaskResult]:
        ray = self._start()
        actor_cls = ray.remote(num_cpus=1, num_gpus=self.num_gpus, max_restarts=0)(DubWorker)
        actors = [actor_cls.remote(self.config, self.threads) for _ in range(self.jobs)]
        idle = list(actors)
        pending = iter(tasks)
        in_flight: dict[Any, tuple[DubTask, Any]] = {}
        try:
            while True:
                while not self.stopping and idle:
                    task = next(pending, None)
                    if task is None:
                        break
                    actor = idle.pop()
                    on_start(task)
                    in_flight[actor.dub.remote(task)] = (task, actor)
                if not in_flight:
                    return
                ready, _ = ray.wait(list(in_flight), num_returns=1)
                for ref in ready:
                    task, actor = in_flight.pop(ref)
                    try:
                        yield ray.get(ref)
                        idle.append(actor)
                    except ray.exceptions.RayError as exc:
                        yield TaskResult(task.index, ok=False,
                                         error=f"Ray worker failed: {type(exc).__name__}")
                        idle.append(actor_cls.remote(self.config, self.threads))
        finally:
            for actor in actors + idle:
                ray.kill(actor)
            if self._started_ray:
                ray.shutdown()
                self._started_ray = False

    def abort(self) -> None:
        self.stopping = True


ENGINES: dict[str, type[BatchEngine]] = {cls.NAME: cls for cls in (LocalEngine, RayEngine)}


def make_engine(name: str, config: dict[str, Any], jobs: int, *,
                ray_address: str | None = None, num_gpus: float = 0.0) -> BatchEngine:
    """The engine registered as ``name``, or a ``UsageError`` listing the choices."""
    if name not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, got {name!r}")
    if name == "ray":
        return RayEngine(config, jobs, address=ray_address, num_gpus=num_gpus)
    if ray_address:
        raise UsageError("--ray-address needs --engine ray")
    return LocalEngine(config, jobs, gpus=math.ceil(num_gpus) and gpu_count())


def gpu_count() -> int:
    """CUDA devices visible here (0 without torch)."""
    try:
        import torch
    except ImportError:
        return 0
    return torch.cuda.device_count() if torch.cuda.is_available() else 0
