"""The accessibility check of the browser tests: axe-core (npm, pinned in package-lock.json; `npm ci` installs it
into node_modules/) run inside the page Chromium shows, failing on any "serious" or "critical" violation.

The script is evaluated through Playwright (the DevTools protocol), not added as a <script> element, so the page's
own Content-Security-Policy stays in force while axe reads it. Without node_modules/axe-core the check is skipped
with the reason once the test's other assertions have run (AxeCheck.done), and fails in CI (CI=true), where .ci/run
installs it, as the Chromium fixture does.
"""

import os
from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
    }));
}"""


MISSING = (
    f"axe-core is not installed ({AXE.relative_to(AXE.parents[2])} is missing): run `npm ci` at the repository's"
    " root (./dev.sh test does when npm is there; .ci/run does)"
)


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each with the elements."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(_RUN)
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {'; '.join(v['nodes'])}" for v in found if v["impact"] in BLOCKING
    ]


class AxeCheck:
    """A test's accessibility checks: `check(page, what)` at each screen, `done()` at the end of the test."""

    def __init__(self) -> None:
        self.unchecked: list[str] = []

    def check(self, page, what: str) -> None:
        if not AXE.exists():
            if os.environ.get("CI"):
                pytest.fail(MISSING)
            self.unchecked.append(what)
            return
        problems = serious_violations(page)
        assert not problems, f"axe-core on {what}:\n" + "\n".join(problems)

    def done(self) -> None:
        if self.unchecked:
            pytest.skip(f"{MISSING}; not checked: {', '.join(self.unchecked)} (the test's other assertions passed)")
