#!/usr/bin/env python3
"""Regenerate the explorer's screenshots in docs/images/ (the test suite never writes there).

Starts ``painkg serve --port 0``, drives Debian's headless Chromium through the lecturer's
scenario of ``tests/test_web_browser.py`` (the same code, with the same checks) at 1,280 × 800
and at 390 × 844, and saves ``explorer-<step>-<width>.png`` (the case, the open panel, the
diagram full size and the red flag; ``--all`` every step); then the README's groin case with
hip osteoarthritis open (``explorer-panel.png``), the body chart alone (``explorer-chart.png``)
and a 360-px phone view (``explorer-narrow.png``).

Run from the repository root (needs the web extra, selenium, chromium and chromium-driver)::

    python scripts/explorer_screenshots.py                 # -> docs/images/
    python scripts/explorer_screenshots.py --out /tmp/shots
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_web_browser as browser  # noqa: E402  (the scenario and its helpers)
from selenium.webdriver.common.by import By  # noqa: E402

README_CASE = "?present=groin-pain&present=limited-hip-internal-rotation&absent=numbness&open=hip-osteoarthritis"
#: The scenario's steps kept in docs/images (``--all``: every step).
DOC_STEPS = ("case", "panel", "diagram-full", "red-flag")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", metavar="DIR")
    parser.add_argument("--all", action="store_true", help="save every step of the scenario, not only "
                                                           + ", ".join(DOC_STEPS))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    proc, url = browser.start_server()
    driver, profile = browser.start_browser()
    written: list[Path] = []

    def save(name: str) -> None:
        path = args.out / f"explorer-{name}.png"
        driver.save_screenshot(str(path))
        written.append(path)

    try:
        for device, (width, height, mobile) in browser.SIZES.items():
            browser.size(driver, width, height, mobile)
            browser.lecturer_scenario(driver, url, lambda name, w=width: (args.all or name in DOC_STEPS)
                                      and save(f"{name}-{w}"), mobile)
        browser.size(driver, 1280, 800, False)
        browser.open_page(driver, url + README_CASE)
        browser.wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#diagram svg"))
        time.sleep(0.3)
        save("panel")
        chart = driver.find_element(By.ID, "chart")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
        path = args.out / "explorer-chart.png"
        chart.screenshot(str(path))
        written.append(path)
        browser.size(driver, 360, 780, True)
        browser.open_page(driver, url + README_CASE.replace("&open=hip-osteoarthritis", ""))
        save("narrow")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        browser.stop_server(proc)
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
