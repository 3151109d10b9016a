"""topodoc's benchmarks: each figure measured against its floor in the same run.

    python benchmarks/run.py [--quick] [--seed S] [--reps N] [--only FIGURE,...] [--sizes N,...]

A floor is the cheapest way to do the same essential work with no topodoc code in it (e.g.
``yaml.load`` of the same files for loading). Each row records the median of several
repetitions of the figure and of its floor (the two taking turns, in alternating order),
their ratio, and whether it meets its target.
Each figure runs at each size in a fresh interpreter. Results go to
``benchmarks/results.json`` and a table on standard output. ``--quick`` runs the 10,000-object
size only; ``--only needs --sizes 1000`` runs one figure (here: against sphinx-needs) at the
sizes given (each figure's own sizes by default).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


def _project_python() -> None:
    """Run under the project's virtual environment: ``python benchmarks/run.py`` with a
    Python that lacks topodoc starts again with ``.venv/bin/python`` (which
    ``bash scripts/main.sh`` sets up), or says what to do."""
    try:
        import topodoc  # noqa: F401
    except ImportError:
        venv = ROOT / ".venv" / "bin" / "python"
        if venv.exists() and Path(sys.prefix).resolve() != venv.parent.parent.resolve():
            os.execv(venv, [str(venv), __file__, *sys.argv[1:]])
        sys.exit(
            "benchmarks/run.py: topodoc is not installed for this Python; run "
            "`bash scripts/main.sh` first (it sets up .venv/), then run this again"
        )


if __name__ == "__main__":
    _project_python()

import figures  # noqa: E402  (benchmarks/figures.py, beside this file)
from generate import generate, write  # noqa: E402
from harness import in_turns  # noqa: E402

from topodoc.util.atomic import write_bytes  # noqa: E402


@dataclass
class Row:
    name: str
    size: int
    value_s: float | None
    floor_name: str | None
    floor_s: float | None
    ratio: float | None
    target_ratio: float | None
    target_s: float | None
    passed: bool
    note: str = ""

    def to_json(self) -> dict:
        data = asdict(self)
        data["pass"] = data.pop("passed")
        return data


def medians_s(
    figure: Callable[[], object], floor: Callable[[], object], reps: int
) -> tuple[float, float]:
    """Median wall times of ``reps`` calls of ``figure`` and of ``floor``, taking turns in
    alternating order (figure floor, floor figure, ...): a machine that slows down or speeds
    up during the measure, or going first, weighs on both alike."""

    def timed(fn: Callable[[], object]) -> Callable[[int], float]:
        def run(rep: int) -> float:
            start = time.perf_counter()
            fn()
            return time.perf_counter() - start

        return run

    values, floors = in_turns(reps, timed(figure), timed(floor))
    return statistics.median(values), statistics.median(floors)


def row(
    name: str,
    size: int,
    value: float,
    floor_name: str | None,
    floor: float | None,
    *,
    target_ratio: float | None = None,
    target_s: float | None = None,
    extra_ok: bool = True,
    note: str = "",
) -> Row:
    ratio = value / floor if floor else None
    ok = extra_ok
    if target_ratio is not None:
        ok = ok and ratio is not None and ratio <= target_ratio
    if target_s is not None:
        ok = ok and value <= target_s
    return Row(
        name,
        size,
        round(value, 6),
        floor_name,
        None if floor is None else round(floor, 6),
        None if ratio is None else round(ratio, 3),
        target_ratio,
        target_s,
        ok,
        note,
    )


def lab(size: int, seed: int, work: Path) -> Path:
    out = work / f"lab-{size}-{seed}"
    if not out.exists():
        write(generate(size, seed), out)
    return out


def table(rows: list[Row]) -> str:
    header = ("figure", "size", "value s", "floor", "floor s", "ratio", "target", "pass")
    lines = []
    for r in rows:
        unit = " MiB" if r.name.endswith("(MiB)") else "s"  # memory rows hold MiB, not s
        target = " ".join(
            t
            for t in (
                f"ratio<={r.target_ratio}" if r.target_ratio else "",
                f"<={r.target_s:g}{unit}" if r.target_s else "",
            )
            if t
        )
        lines.append(
            (
                r.name,
                f"{r.size:,}",
                "-" if r.value_s is None else f"{r.value_s:.3f}",
                r.floor_name or "-",
                "-" if r.floor_s is None else f"{r.floor_s:.3f}",
                "-" if r.ratio is None else f"{r.ratio:.2f}",
                target or "-",
                "yes" if r.passed else "NO",
            )
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths))] + [fmt(x) for x in lines])


def measure(figure: figures.Figure, size: int, args: argparse.Namespace, work: Path) -> list[Row]:
    """One figure at one size, in a fresh interpreter: what an earlier figure left in the
    process (its heap, its caches) must not weigh on the next one. The figure and its floor
    still run in that same process, one after the other."""
    command = [
        sys.executable,
        __file__,
        "--figure",
        figure.name,
        "--size",
        str(size),
        "--seed",
        str(args.seed),
        "--reps",
        str(args.reps),
        "--work",
        str(work),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"benchmarks/run.py: {figure.name} @ {size:,} failed:\n{done.stderr}")
    return [
        Row(**{("passed" if k == "pass" else k): v for k, v in data.items()})
        for data in json.loads(done.stdout)
    ]


def compile_sources() -> None:
    """Compile topodoc's modules to bytecode, as the floors' libraries are: pip compiles what
    it installs, but not an editable install, and where ``PYTHONDONTWRITEBYTECODE`` is set (CI
    machines often set it) Python never writes ``.pyc`` files itself. Without this, every
    process of a topodoc figure compiles topodoc from source first (~30 ms, a twentieth of a
    no-change docs rebuild) and its floor does not."""
    for folder in ("src", "sphinxext"):
        if not compileall.compile_dir(ROOT / folder, quiet=1):
            sys.exit(f"benchmarks/run.py: cannot compile {ROOT / folder}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 10,000-object size only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3, help="repetitions per figure (median)")
    parser.add_argument("--work", type=Path, help="where generated labs go (default: a temp dir)")
    parser.add_argument(
        "-o", "--output", type=Path, help="default: results.json (with --only: results-FIGURE.json)"
    )
    parser.add_argument("--only", help="these figures only (names separated by commas)")
    parser.add_argument("--sizes", help="these sizes only (numbers separated by commas)")
    parser.add_argument("--figure", help=argparse.SUPPRESS)  # one figure, rows as JSON
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="topodoc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.figure:  # the child of measure()
        ctx = figures.Context(
            reps=args.reps,
            work=work,
            row=row,
            medians_s=medians_s,
            lab=lambda size: lab(size, args.seed, work),
        )
        [figure] = [f for f in figures.FIGURES if f.name == args.figure]
        print(json.dumps([r.to_json() for r in figure.run(ctx, args.size)]))
        return 0
    sizes = [10_000] if args.quick else sorted({s for f in figures.FIGURES for s in f.sizes})
    chosen = [f for f in figures.FIGURES if not args.only or f.name in args.only.split(",")]
    if not chosen:
        sys.exit(
            f"benchmarks/run.py: no figure {args.only!r}; the figures: "
            + ", ".join(f.name for f in figures.FIGURES)
        )
    compile_sources()
    rows: list[Row] = []
    started = time.perf_counter()
    for figure in chosen:
        for size in [int(s) for s in args.sizes.split(",")] if args.sizes else sizes:
            if size not in figure.sizes and not args.sizes:
                continue
            print(f"  {figure.name} @ {size:,} ...", file=sys.stderr, flush=True)
            rows.extend(measure(figure, size, args, work))
    elapsed = time.perf_counter() - started
    output = args.output or HERE / (
        f"results-{args.only.replace(',', '-')}.json" if args.only else "results.json"
    )
    write_bytes(output, (json.dumps([r.to_json() for r in rows], indent=1) + "\n").encode("utf-8"))
    print(
        f"# {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"{platform.platform()}, {os.cpu_count()} CPUs, seed {args.seed}"
    )
    print(table(rows))
    print(f"\n{sum(r.passed for r in rows)}/{len(rows)} rows pass; {elapsed:.0f} s; wrote {output}")
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
