"""The published site in headless Chromium (Debian's chromium + chromedriver, via Selenium).

Every page renders without console errors, every internal link answers, and the calculator in the page
gives ``discretion.evaluate``'s answers, both through its evaluator and through its form.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

import discretion
from discretion.publish import build_site

from .publish_support import CHROMEDRIVER, CHROMIUM, comparable, generate_cases, loadable_rulesets, start_chromium

try:
    import selenium  # noqa: F401
except ImportError:  # pragma: no cover
    selenium_missing = "selenium is not installed (pip install -e '.[test]')"
else:
    selenium_missing = ""

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()) or bool(selenium_missing),
    reason=selenium_missing or "Debian chromium and chromium-driver are not installed (.ci/run installs them: "
    "apt-get install -y chromium chromium-driver)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site over a stdlib HTTP server on 127.0.0.1, in a thread, for the module's tests."""
    out = tmp_path_factory.mktemp("site")
    build_site([r for _, r in loadable_rulesets()], out)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = start_chromium(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def _errors(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def test_every_page_renders_without_console_errors_and_links_resolve(served: str, browser: Any) -> None:
    queue, seen, checked, problems = [served + "index.html"], set(), set(), []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        browser.get(url)
        assert browser.find_element("css selector", "main h1").text, url
        problems += [f"{url}: {message}" for message in _errors(browser)]
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href], link[href], script[src]'))"
            ".map(e => e.href || e.src)")
        for link in links:
            parts = urlsplit(link)
            if not link.startswith(served):
                assert parts.scheme in ("http", "https", "data"), f"{url}: {link}"
                continue
            target = urljoin(link, parts.path)
            if target not in checked:
                checked.add(target)
                with urllib.request.urlopen(target, timeout=10) as response:  # raises on 404
                    assert response.status == 200, target
            if parts.fragment:
                browser_ids = target == urljoin(url, urlsplit(url).path)
                if browser_ids:
                    assert browser.execute_script("return !!document.getElementById(arguments[0])", parts.fragment)
            if target.endswith(".html"):
                queue.append(target)
    assert not problems, "\n".join(problems[:20])
    assert len(seen) > 10


def test_calculator_in_the_page_gives_the_librarys_answers(served: str, browser: Any) -> None:
    """The smaller browser half of the differential test: 12 generated cases per ruleset version."""
    from discretion.publish.site import SiteLayout

    compared = 0
    for path, ruleset in loadable_rulesets():
        browser.get(served + SiteLayout.ruleset_dir(ruleset) + "calculator.html")
        cases = generate_cases(ruleset, 12, seed=zlib.crc32(ruleset.id.encode()) + 7)
        answers = browser.execute_script(
            "return arguments[0].map(c => window.discretionCalculator.evaluate(c))", cases)
        for case, answer in zip(cases, answers, strict=True):
            want = comparable(discretion.evaluate(ruleset, case).model_dump(mode="json"))
            assert comparable(answer["recommendation"]) == want, f"{path}: {case}"
            compared += 1
        assert not _errors(browser), path
    assert compared >= 120


def test_calculator_form_shows_the_recommendation(served: str, browser: Any) -> None:
    ruleset = discretion.load_ruleset(Path(__file__).resolve().parent.parent / "rulesets/tax/first-violation")
    from discretion.publish.site import SiteLayout

    browser.get(served + SiteLayout.ruleset_dir(ruleset) + "calculator.html?violation=late-filing")
    assert browser.find_element("id", "violation").get_attribute("value") == "late-filing"
    browser.find_element("css selector", "select#fact-harm option[value='minor']").click()
    browser.find_element("css selector", "select#fact-corrected option[value='within_deadline']").click()
    browser.find_element("css selector", "input[name='fact-first_violation'][value='true']").click()
    browser.find_element("id", "compute").click()
    result = browser.find_element("id", "result")
    case = {"violation": "late-filing", "facts": {"harm": "minor", "corrected": "within_deadline",
                                                  "first_violation": True}}
    want = discretion.evaluate(ruleset, case)
    assert result.get_attribute("data-outcome") == want.outcome.value == "no_penalty"
    assert "不予处罚" in browser.find_element("id", "outcome").text
    browser.find_element("css selector", "select#fact-harm option[value='serious']").click()
    browser.find_element("css selector", "input[name='fact-serious_circumstances'][value='true']").click()
    browser.find_element("id", "compute").click()
    case["facts"].update(harm="serious", serious_circumstances=True)
    want = discretion.evaluate(ruleset, case)
    assert result.get_attribute("data-outcome") == want.outcome.value
    fine = f"{want.fine.min:.2f}-{want.fine.max:.2f}" if want.fine else ""
    assert result.get_attribute("data-fine") == fine
    assert not _errors(browser)
