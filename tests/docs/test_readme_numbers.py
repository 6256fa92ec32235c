"""The three benchmark numbers on the README's first screen are the ones of
docs/benchmarks.md's results table (which `scripts/bench` writes), so they
cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# README row label -> (benchmarks.md row label, how to take the number from
# one of that row's cells).
MEDIAN = re.compile(r"^([\d,]+)(?: / [\d,]+ / [\d,]+)?$")  # "2,235 / 2,235 / 2,235" -> 2,235
LOST = re.compile(r"^[\d,]+ \(([\d.]+%)\)$")  # "1,998 (0.1%)" -> 0.1%
ROWS = {
    "pin edge -> asyncio task runs, median": (
        "edge -> asyncio task (pin): median / p99 / max",
        MEDIAN,
    ),
    "pin edge -> poller returns, 256 sources registered, median": (
        "N=256: edge -> poller returns, median",
        MEDIAN,
    ),
    "a timer ISR signals a task 2,000 times/s: events lost": (
        "ISR at 2,000/s: handled/s (lost %)",
        LOST,
    ),
}


def table_lines(path: Path) -> list[list[str]]:
    """The cells of every Markdown table row of a file (not the rules)."""
    rows = []
    for line in path.read_text().splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def table_rows(path: Path) -> dict[str, list[str]]:
    """First cell -> the other cells."""
    return {cells[0]: cells[1:] for cells in table_lines(path)}


def bench_rows() -> dict[str, list[str]]:
    """docs/benchmarks.md's results: "| # | measurement | uevent | select.poll | ratio |"
    -> measurement: [uevent, select.poll]."""
    return {
        cells[1]: cells[2:4]
        for cells in table_lines(ROOT / "docs" / "benchmarks.md")
        if len(cells) == 5
    }


def test_readme_numbers_are_the_benchmark_tables() -> None:
    readme = table_rows(ROOT / "README.md")
    bench = bench_rows()
    for label, (bench_label, pattern) in ROWS.items():
        assert label in readme, f"README.md has no row '{label}'"
        assert bench_label in bench, f"docs/benchmarks.md has no row '{bench_label}'"
        want = []
        for cell in bench[bench_label]:
            m = pattern.match(cell)
            assert m, f"docs/benchmarks.md '{bench_label}': cannot read '{cell}'"
            want.append(m.group(1))
        assert readme[label] == want, (
            f"README.md '{label}' shows {readme[label]}, docs/benchmarks.md has {want}"
        )


def test_readme_has_no_other_benchmark_rows() -> None:
    """A row added to the README's numbers must be added to ROWS too."""
    readme = table_rows(ROOT / "README.md")
    start = next(i for i, k in enumerate(readme) if k == "measurement")
    keys = list(readme)[start + 1 :]
    numbers = [k for k in keys if k in ROWS or re.search(r"median|lost", k)]
    assert sorted(numbers) == sorted(ROWS)
