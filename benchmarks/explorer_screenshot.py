"""Screenshot of `gankit serve RUN` in headless Chromium, for docs/img/explorer.png.

    python benchmarks/explorer_screenshot.py runs/mnist-… docs/img/explorer.png

Needs Debian's chromium and the playwright package (both installed by .ci/run).
"""

from __future__ import annotations

import argparse
import time

from gankit.explorer import create_app, running

CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1100)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with running(create_app(args.run)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        page.goto(url + "/")
        page.wait_for_load_state("networkidle")
        time.sleep(1.0)  # the grids arrive as images after the page's first requests
        page.screenshot(path=args.out, full_page=True)
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
