"""The explorer: a local web page to play with a trained generator (`gankit serve RUN`).

create_app(run_dir)    the FastAPI app (gankit.explorer.app)
serve(run_dir, …)      run it with uvicorn until Ctrl-C
running(app)           run it in a background thread, for tests and benchmarks: yields its URL

FastAPI and uvicorn are imported only when a server is made: `pip install 'gankit[serve]'`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gankit.errors import GankitError
from gankit.explorer.app import create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _uvicorn():
    try:
        import uvicorn
    except ImportError:
        raise GankitError(
            "gankit serve needs FastAPI and uvicorn: pip install 'gankit[serve]'"
        ) from None
    return uvicorn


def serve(
    run_dir: str | Path, host: str = "127.0.0.1", port: int = 8000, threads: int | None = 1
) -> None:
    """Serve the explorer for `run_dir` at http://host:port/ until interrupted.

    `threads`: torch's intra-op threads for this process (None: torch's default). Requests are
    small and run one at a time behind the model's lock, so extra threads mostly wait for each
    other: on a busy 2-core machine an n=1 request took 3.3 ms with one thread, 142 ms with two.

    Example:
        >>> serve("runs/demo", port=8000)  # doctest: +SKIP
    """
    uvicorn = _uvicorn()
    if threads:
        import torch

        torch.set_num_threads(threads)
    app = create_app(run_dir)
    print(f"gankit explorer for {run_dir}: http://{host}:{port}/  (Ctrl-C stops)")
    if host not in LOOPBACK:
        print(f"warning: listening on {host}: anyone who can reach this machine can use it")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except SystemExit as e:  # uvicorn exits when it cannot bind; say which option to change
        if e.code:
            raise GankitError(f"--port {port}: cannot listen on {host}:{port} (in use?)") from None


@contextmanager
def running(app, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` from a background thread (port 0: any free one); yields the base URL.

    Example:
        >>> with running(create_app("runs/demo")) as url:   # doctest: +SKIP
        ...     httpx.get(url + "/api/info")
    """
    uvicorn = _uvicorn()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise GankitError(f"explorer: could not listen on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
