"""axe-core in headless Chromium: the accessibility violations of the page a Browser shows.

axe-core is vendored in tests/data/axe-core (MPL-2.0, unmodified). The rules
run are WCAG 2.0/2.1/2.2 A and AA and axe's best practices.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "data" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(browser) -> list[dict]:
    """Every violation axe finds in the current page: rule id, impact, and the offending elements."""
    browser.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = browser.evaluate(
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {TAGS}}}, resultTypes: ['violations']}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})))",
        await_promise=True,
    )
    return result


def horizontal_overflow(browser, width: int = 320) -> int:
    """How many CSS px the page scrolls sideways at a ``width`` px wide viewport (WCAG 1.4.10: 0)."""
    browser.call(
        "Emulation.setDeviceMetricsOverride", width=width, height=640, deviceScaleFactor=1, mobile=True
    )
    try:
        return browser.evaluate("document.documentElement.scrollWidth") - width
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
