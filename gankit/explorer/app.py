"""The explorer's web app: one static page and a small JSON/PNG API under /api/.

GET /                  the page (static HTML + JS from gankit/explorer/static, no build step)
GET /api/info          the run: recipe, config, conditional or not, classes, sample shape, limits
GET /api/metrics       the loss log (step, images_seen, d_loss, g_loss) and the ideal-loss values
GET /api/sample        ?seed=S&n=N[&label=L][&d0=..&d1=..&d2=..]  a PNG grid of N samples
GET /api/interpolate   ?seed_a=A&seed_b=B&t=T[&label=L][&mode=linear|slerp]  one PNG sample
GET /api/strip         ?seed_a=A&seed_b=B&steps=K[&label=L][&mode=…]  K samples from A to B

The three picture routes take `psi` (0, 1] too: the seeds' scale (the truncation trick) for that
picture, where the run's seeds are normal; without it, the run's own `model.truncation`.

Bad parameters answer 400 with {"error": "<parameter>: <what was expected>"}. The server never
reads a path from a request: the run folder is fixed when the app is made.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from gankit.errors import GankitError
from gankit.explorer.model import MAX_MOVE, MAX_N, MAX_SEED, Explorer, Picture, samples_png

PAGE_FILES = {"/": ("index.html", "text/html"), "/explorer.js": ("explorer.js", "text/javascript")}
NO_STORE = {"Cache-Control": "no-store"}


def _fastapi():
    try:
        import fastapi
    except ImportError:
        raise GankitError(
            "gankit serve needs FastAPI and uvicorn: pip install 'gankit[serve]'"
        ) from None
    return fastapi


def create_app(run_dir: str | Path):
    """A FastAPI app serving the explorer for the run folder `run_dir` (loaded once, on the CPU).

    Example:
        >>> app = create_app("runs/demo")                       # doctest: +SKIP
        >>> TestClient(app).get("/api/info").json()["shape"]    # doctest: +SKIP
        [1, 28, 28]
    """
    fastapi = _fastapi()
    from gankit.api import load_run

    explorer = Explorer(load_run(run_dir))
    app = fastapi.FastAPI(title="gankit explorer", docs_url=None, redoc_url=None)
    _add_error_handlers(app)
    _add_page(app)
    _add_api(app, explorer)
    return app


def _add_error_handlers(app) -> None:
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    def bad_params(request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
            parts.append(f"{name}: {err.get('msg', 'invalid')} (got {err.get('input')!r})")
        return JSONResponse({"error": "; ".join(parts)}, status_code=400)

    def bad_input(request, exc: GankitError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    app.add_exception_handler(RequestValidationError, bad_params)
    app.add_exception_handler(GankitError, bad_input)


def _add_page(app) -> None:
    from fastapi.responses import Response

    static = resources.files("gankit.explorer") / "static"
    for route, (name, media) in PAGE_FILES.items():
        body = (static / name).read_bytes()  # read once: requests choose among fixed files only

        def page(body=body, media=media):
            return Response(body, media_type=media, headers=NO_STORE)

        app.add_api_route(route, page, methods=["GET"], include_in_schema=False)


def _png(data: bytes):
    from fastapi.responses import Response

    return Response(data, media_type="image/png", headers=NO_STORE)


def _add_api(app, ex: Explorer) -> None:
    from fastapi import Query

    info = ex.info()
    seed_q = {"ge": 0, "le": MAX_SEED}
    move_q = {"ge": -MAX_MOVE, "le": MAX_MOVE}
    mode_q = {"pattern": "^(linear|slerp)$"}
    psi_q = {"gt": 0.0, "le": 1.0}

    @app.get("/api/info")
    def api_info():
        return info

    @app.get("/api/metrics")
    def api_metrics():
        rows = [
            {"step": int(r["step"]), "images_seen": int(r["images_seen"]),
             "d_loss": r["d_loss"], "g_loss": r["g_loss"]}
            for r in ex.run.metrics()
        ]  # fmt: skip
        return {"rows": rows, "ideal_d": info["ideal_d"], "ideal_g": info["ideal_g"]}

    @app.get("/api/sample")
    def api_sample(
        seed: int = Query(0, **seed_q),
        n: int = Query(16, ge=1, le=MAX_N),
        label: int | None = Query(None),
        d0: float = Query(0.0, **move_q),
        d1: float = Query(0.0, **move_q),
        d2: float = Query(0.0, **move_q),
        psi: float | None = Query(None, **psi_q),
    ):
        x = ex.sample(Picture(seed=seed, n=n, label=label, moves=(d0, d1, d2), psi=psi))
        classes_in_turn = info["conditional"] and label is None and n >= 10
        return _png(samples_png(x, nrow=10 if classes_in_turn else None))  # a column per class

    @app.get("/api/interpolate")
    def api_interpolate(
        seed_a: int = Query(0, **seed_q),
        seed_b: int = Query(1, **seed_q),
        t: float = Query(0.5, ge=0.0, le=1.0),
        label: int | None = Query(None),
        mode: str = Query("linear", **mode_q),
        psi: float | None = Query(None, **psi_q),
    ):
        return _png(samples_png(ex.between(seed_a, seed_b, [t], label, mode, psi)))

    @app.get("/api/strip")
    def api_strip(
        seed_a: int = Query(0, **seed_q),
        seed_b: int = Query(1, **seed_q),
        steps: int = Query(8, ge=2, le=32),
        label: int | None = Query(None),
        mode: str = Query("linear", **mode_q),
        psi: float | None = Query(None, **psi_q),
    ):
        ts = [k / (steps - 1) for k in range(steps)]
        x = ex.between(seed_a, seed_b, ts, label, mode, psi)
        return _png(samples_png(x, nrow=steps))
