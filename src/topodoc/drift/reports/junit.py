"""The JUnit XML form of a drift report, for CI test views.

One testsuite per layer, one testcase per documented or observed key: a ``failure`` for
drift, an ``error`` when it could not be verified (which wins), ``skipped`` when every
finding on it was ignored.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from topodoc.drift.finding import LAYER_ORDER, Finding
from topodoc.drift.reports.report import Report
from topodoc.drift.states import DRIFT_STATES

#: Characters XML 1.0 cannot carry even escaped (ElementTree would write them as they are).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def render_junit(report: Report) -> str:
    cases: dict[str, list[Finding]] = {}
    ignored: dict[str, list[str]] = {}
    where: dict[str, tuple[str, str]] = {}  # key -> (layer, kind)
    for finding in report.findings:
        cases.setdefault(finding.key, []).append(finding)
        where[finding.key] = (finding.layer, finding.kind)
    for item in report.ignored:
        cases.setdefault(item.finding.key, [])
        where[item.finding.key] = (item.finding.layer, item.finding.kind)
        ignored.setdefault(item.finding.key, []).append(
            f"{item.finding.ref} ({item.finding.state}) ignored by {item.rule.text} at "
            f"{item.rule.origin}" + (f": {item.rule.reason}" if item.rule.reason else "")
        )

    root = ET.Element("testsuites", name="topodoc drift")
    totals: Counter[str] = Counter()
    for layer in LAYER_ORDER:
        keys = sorted(k for k in cases if where[k][0] == layer)
        if not keys:
            continue
        suite = ET.SubElement(root, "testsuite", name=layer, timestamp=report.checked_at)
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="topology", value=xml_text(report.topology))
        ET.SubElement(props, "property", name="topodoc_version", value=report.tool_version)
        counts: Counter[str] = Counter(tests=len(keys))
        for key in keys:
            findings = cases[key]
            case = ET.SubElement(
                suite, "testcase", classname=f"{layer}.{where[key][1]}", name=xml_text(key)
            )
            errors = [f for f in findings if f.state == "unverifiable"]
            drift = [f for f in findings if f.state in DRIFT_STATES]
            if errors or drift:
                tag = "error" if errors else "failure"
                counts[f"{tag}s"] += 1
                bad = errors + drift
                first = bad[0]
                message = (
                    f"{first.state}: {first.hint}"
                    if len(bad) == 1
                    else f"{len(bad)} findings: "
                    + ", ".join(f"{f.state} {f.attribute or key}" for f in bad)
                )
                element = ET.SubElement(case, tag, message=xml_text(message), type=first.state)
                element.text = xml_text(
                    "\n".join(
                        f"{f.state} [{f.severity}] {f.ref} (source {f.source}): {f.hint}"
                        for f in bad
                    )
                )
            elif not findings:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=xml_text("; ".join(ignored[key])))
            if key in ignored and findings:
                ET.SubElement(case, "system-out").text = xml_text("\n".join(ignored[key]))
        for name in ("tests", "failures", "errors", "skipped"):
            suite.set(name, str(counts[name]))
            totals[name] += counts[name]
    for name in ("tests", "failures", "errors", "skipped"):
        root.set(name, str(totals[name]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
