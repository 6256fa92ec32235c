"""Results: the summary dict (results.json), the text table and the plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .device import Output
from .stats import Clock, Summary

# Latency series, in table order: (key, label).
LATENCY_ROWS = [
    ("c_floor_timer", "C floor: k_timer ISR -> k_poll_signal -> C thread"),
    ("c_floor_gpio", "C floor: GPIO edge -> k_poll_signal -> C thread"),
    ("uevent_poll_ms", "uevent: edge -> poll_ms returns"),
    ("uevent_asyncio_pin", "uevent asyncio: edge -> task (await wait_event(pin))"),
    ("uevent_asyncio_tsf_hard", "uevent asyncio: edge -> task (ThreadSafeFlag, hard IRQ)"),
    ("uevent_asyncio_tsf_soft", "uevent asyncio: edge -> task (ThreadSafeFlag, soft IRQ)"),
    ("select_poll_tsf", "select.poll: edge -> poll returns (ThreadSafeFlag, soft IRQ)"),
    ("select_asyncio_tsf_soft", "stock asyncio: edge -> task (ThreadSafeFlag, soft IRQ)"),
]
# Rows whose steady-loop heap use is measured (bench/device/latency.py).
HEAP_ROWS = ["uevent_asyncio_pin", "uevent_asyncio_tsf_hard", "select_asyncio_tsf_soft"]
SETUP_ROWS = [
    ("setup_uevent_tsf", "uevent asyncio: await fresh ThreadSafeFlag"),
    ("setup_select_tsf", "stock asyncio: await fresh ThreadSafeFlag"),
    ("setup_uevent_event", "uevent asyncio: await fresh Event"),
    ("setup_select_event", "stock asyncio: await fresh Event"),
]


def summarize(
    out: Output, clock: Clock, footprints: dict[str, Any], meta: dict[str, Any]
) -> dict[str, Any]:
    """Everything measured, as one JSON-ready dict (raw samples excluded)."""
    res: dict[str, Any] = {"meta": meta, "clock": clock.as_dict()}

    def lat(key: str) -> dict[str, Any]:
        s = Summary.of(out.samples[key])
        d: dict[str, Any] = s.as_dict()
        d["median_us"] = round(clock.us(s.median), 2)
        d["median_instructions"] = round(clock.instructions(s.median))
        return d

    # 1. idle
    idle: dict[str, Any] = {}
    for backend in ("uevent", "select"):
        r = dict(out.results[f"idle_{backend}"])
        total = r["cpu_busy_cycles"] + r["cpu_idle_cycles"]
        r["wakeups_per_s"] = round(r["wakeups"] / (r["ms"] / 1000), 2)
        r["cpu_busy_percent"] = round(100 * r["cpu_busy_cycles"] / total, 4) if total else None
        idle[backend] = r
    res["idle"] = idle

    # 2. latency
    overhead = Summary.of(out.samples["stamp_overhead"])
    res["stamp_overhead_cycles"] = overhead.median
    res["latency"] = {key: {"label": label, **lat(key)} for key, label in LATENCY_ROWS}

    # 3. scaling
    sizes = list(out.results["scaling_sizes"])
    res["scaling"] = {
        backend: {str(n): lat(f"scaling_{backend}_{n}") for n in sizes}
        for backend in ("uevent", "select")
    }

    # 4. throughput
    thr: dict[str, Any] = {}
    for backend in ("uevent", "select"):
        rows = []
        for r in out.results[f"throughput_{backend}"]:
            seconds = r["duration_ms"] / 1000
            row = dict(r)
            row["target_hz"] = round(1e6 / r["period_us"])
            row["raised_per_s"] = round(r["raised"] / seconds)
            row["handled_per_s"] = round(r["handled"] / seconds)
            row["lost_percent"] = (
                round(100 * (r["raised"] - r["handled"]) / r["raised"], 2) if r["raised"] else 0.0
            )
            rows.append(row)
        thr[backend] = rows
    res["throughput"] = thr

    # 5. setup: the first await of a fresh loop apart from the rest.
    setup: dict[str, Any] = {}
    for key, label in SETUP_ROWS:
        values = out.samples[key]
        if any(v < 0 for v in values):
            raise RuntimeError(
                f"{key}: the thread was still running at the edge; raise SETUP_DELAY_US"
            )
        rest = Summary.of(values[1:])
        setup[key] = {"label": label, "first": values[0], **rest.as_dict()}
    res["setup"] = setup

    # 7. heap allocated per await in a steady wait loop: [bytes, awaits].
    res["heap_per_await"] = {
        key: round(out.results[f"heap_{key}"][0] / out.results[f"heap_{key}"][1], 1)
        for key in HEAP_ROWS
        if f"heap_{key}" in out.results
    }

    # 6. footprint
    res["footprint"] = footprints
    res["targets"] = targets(res)
    return res


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2)


def targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with what was measured and met / not met."""
    lat = res["latency"]
    floor = lat["c_floor_gpio"]["median"]
    sel_task = lat["select_asyncio_tsf_soft"]["median"]
    n1 = res["scaling"]["uevent"]["1"]["median"]
    n256 = res["scaling"]["uevent"].get("256", {}).get("median")
    out: list[dict[str, Any]] = []
    for backend in ("uevent", "select"):
        w = res["idle"][backend]["wakeups"]
        out.append(
            {
                "target": f"idle ({backend}): at most one wake-up per timeout",
                "measured": f"{w} wake-ups in one {res['idle'][backend]['ms']} ms wait",
                "met": w <= 1,
            }
        )
    if n256 is not None:
        out.append(
            {
                "target": "uevent delivery at N=256 within 10% of N=1",
                "measured": f"N=1 {n1:.0f}, N=256 {n256:.0f} cycles "
                f"({100 * (n256 / n1 - 1):+.1f}%)",
                "met": n256 <= 1.10 * n1,
            }
        )
    pm = lat["uevent_poll_ms"]["median"]
    out.append(
        {
            "target": "median edge -> poll_ms return within 3x the C floor",
            "measured": f"{pm:.0f} cycles = {_ratio(pm, floor)}x the floor ({floor:.0f})",
            "met": pm <= 3 * floor,
        }
    )
    for key in ("uevent_asyncio_pin", "uevent_asyncio_tsf_hard"):
        t = lat[key]["median"]
        out.append(
            {
                "target": f"median edge -> task within 10x the C floor ({key})",
                "measured": f"{t:.0f} cycles = {_ratio(t, floor)}x the floor",
                "met": t <= 10 * floor,
            }
        )
        out.append(
            {
                "target": f"edge -> task well under select + ThreadSafeFlag ({key})",
                "measured": f"{_ratio(t, sel_task)}x the stock asyncio path ({sel_task:.0f})",
                "met": t <= 0.5 * sel_task,
            }
        )
    out += issue12_targets(res, floor, sel_task)
    return out


def issue12_targets(res: dict[str, Any], floor: float, sel_task: float) -> list[dict[str, Any]]:
    """Issue 12's targets for asyncio on uevent."""
    lat = res["latency"]
    out: list[dict[str, Any]] = []
    for key, bound in (("uevent_asyncio_pin", 2.5), ("uevent_asyncio_tsf_hard", 3.0)):
        d = lat[key]
        out.append(
            {
                "target": f"issue 12: median edge -> task at most {bound}x the C floor ({key})",
                "measured": f"{d['median']:.0f} cycles = {_ratio(d['median'], floor)}x",
                "met": d["median"] <= bound * floor,
            }
        )
        out.append(
            {
                "target": f"issue 12: at most 0.35x the stock select.poll path ({key})",
                "measured": f"{d['median'] / sel_task:.3f}x",
                "met": d["median"] <= 0.35 * sel_task,
            }
        )
        out.append(
            {
                "target": f"issue 12: p99 at most 1.2x the median ({key})",
                "measured": f"p99 {d['p99']:.0f}, median {d['median']:.0f}",
                "met": d["p99"] <= 1.2 * d["median"],
            }
        )
        heap = res.get("heap_per_await", {}).get(key)
        if heap is not None:
            out.append(
                {
                    "target": f"issue 12: an await of a registered event allocates nothing ({key})",
                    "measured": f"{heap:g} bytes per await",
                    "met": heap == 0,
                }
            )
    thr = {r["target_hz"]: r for r in res["throughput"]["uevent"]}
    if 2000 in thr:
        h = thr[2000]["handled_per_s"]
        out.append(
            {
                "target": "issue 12: ISR at 2,000/s, at least 1,500/s handled",
                "measured": f"{h}/s",
                "met": h >= 1500,
            }
        )
    iu, isl = res["idle"]["uevent"], res["idle"]["select"]
    out.append(
        {
            "target": "issue 12: asyncio idle thread cycles at or below select's",
            "measured": f"{iu['thread_cycles']:,} against {isl['thread_cycles']:,}",
            "met": iu["thread_cycles"] <= isl["thread_cycles"],
        }
    )
    setup = res["setup"]["setup_uevent_tsf"]["median"]
    out.append(
        {
            "target": "issue 12: await a fresh ThreadSafeFlag until asleep in at most 6,000 cycles",
            "measured": f"{setup:,.0f}",
            "met": setup <= 6000,
        }
    )
    return out


def _fmt(v: float) -> str:
    return f"{v:,.0f}"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _mpm(d: dict[str, Any]) -> str:
    """median / p99 / max."""
    return f"{_fmt(d['median'])} / {_fmt(d['p99'])} / {_fmt(d['max'])}"


def table(res: dict[str, Any]) -> str:
    """The one table, as Markdown (printed and pasted into docs/benchmarks.md)."""
    clock = res["clock"]
    lines: list[str] = []
    add = lines.append
    add(
        f"Counter: {clock['hz'] / 1e6:.3f} MHz measured in virtual time "
        f"(Zephyr assumes {clock['nominal_hz'] / 1e6:g} MHz); "
        f"1 cycle = {clock['instr_per_cycle']:.3f} instructions. "
        "Latencies and costs in cycles of that counter."
    )
    add("")
    add(_row("#", "measurement", "uevent", "select.poll", "uevent / select"))
    add(_row("---", "---", "---:", "---:", "---:"))
    iu, isl = res["idle"]["uevent"], res["idle"]["select"]
    ms = iu["ms"]
    add(
        _row(
            1,
            f"asyncio idle {ms} ms: MicroPython thread cycles",
            _fmt(iu["thread_cycles"]),
            _fmt(isl["thread_cycles"]),
            _ratio(iu["thread_cycles"], isl["thread_cycles"]),
        )
    )
    add(_row(1, f"asyncio idle {ms} ms: wake-ups", iu["wakeups"], isl["wakeups"], ""))
    lat = res["latency"]
    pairs = [
        ("edge -> poller returns", "uevent_poll_ms", "select_poll_tsf"),
        ("edge -> asyncio task (pin)", "uevent_asyncio_pin", "select_asyncio_tsf_soft"),
        (
            "edge -> asyncio task (ThreadSafeFlag)",
            "uevent_asyncio_tsf_hard",
            "select_asyncio_tsf_soft",
        ),
    ]
    for label, u, s in pairs:
        add(
            _row(
                2,
                f"{label}: median / p99 / max",
                _mpm(lat[u]),
                _mpm(lat[s]),
                _ratio(lat[u]["median"], lat[s]["median"]),
            )
        )
    for n, su in res["scaling"]["uevent"].items():
        ss = res["scaling"]["select"][n]
        add(
            _row(
                3,
                f"N={n}: edge -> poller returns, median",
                _fmt(su["median"]),
                _fmt(ss["median"]),
                _ratio(su["median"], ss["median"]),
            )
        )
    tu, ts = res["throughput"]["uevent"], res["throughput"]["select"]
    for ru, rs in zip(tu, ts, strict=True):
        add(
            _row(
                4,
                f"ISR at {ru['target_hz']:,}/s: handled/s (lost %)",
                f"{_fmt(ru['handled_per_s'])} ({ru['lost_percent']}%)",
                f"{_fmt(rs['handled_per_s'])} ({rs['lost_percent']}%)",
                _ratio(ru["handled_per_s"], max(1, rs["handled_per_s"])),
            )
        )
    st = res["setup"]
    for kind, label in (("tsf", "ThreadSafeFlag"), ("event", "Event")):
        u, s = st[f"setup_uevent_{kind}"], st[f"setup_select_{kind}"]
        add(
            _row(
                5,
                f"await fresh {label} until asleep: median (first) CPU cycles",
                f"{_fmt(u['median'])} ({_fmt(u['first'])})",
                f"{_fmt(s['median'])} ({_fmt(s['first'])})",
                _ratio(u["median"], s["median"]),
            )
        )
    heap = res.get("heap_per_await", {})
    sel_heap = heap.get("select_asyncio_tsf_soft")
    for key, label in (
        ("uevent_asyncio_pin", "pin"),
        ("uevent_asyncio_tsf_hard", "ThreadSafeFlag"),
    ):
        if key in heap and sel_heap is not None:
            add(
                _row(
                    7,
                    f"heap bytes allocated per await, steady loop ({label})",
                    _fmt(heap[key]),
                    _fmt(sel_heap),
                    _ratio(heap[key], max(1.0, sel_heap)),
                )
            )
    add("")
    add(_row("C floor", "median / p99 / max"))
    add(_row("---", "---:"))
    for key in ("c_floor_timer", "c_floor_gpio"):
        add(_row(lat[key]["label"], _mpm(lat[key])))
    add("")
    add(
        _row(
            "6 footprint",
            "uevent flash",
            "uevent RAM",
            "generated flash / RAM",
            "image flash / RAM",
        )
    )
    add(_row("---", "---:", "---:", "---:", "---:"))
    for board, fp in res["footprint"].items():
        t, g, im = fp["uevent_total"], fp["groups"]["generated"], fp["image"]
        add(
            _row(
                board,
                _fmt(t["flash"]),
                _fmt(t["ram"]),
                f"{_fmt(g['flash'])} / {_fmt(g['ram'])}",
                f"{_fmt(im['flash'])} / {_fmt(im['ram'])}",
            )
        )
    add("")
    add(_row("target", "measured", "met"))
    add(_row("---", "---", "---"))
    for t in res["targets"]:
        add(_row(t["target"], t["measured"], "met" if t["met"] else "**not met**"))
    return "\n".join(lines)


def plot(res: dict[str, Any], samples: dict[str, list[int]], path: Path) -> None:
    """Four panels: latency distributions, scaling, throughput, idle + setup."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hz = res["clock"]["hz"]
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    ax = axes[0][0]
    keys = [k for k, _ in LATENCY_ROWS]
    data = [[v / hz * 1e6 for v in samples[k]] for k in keys]
    ax.boxplot(data, vert=False, whis=(1, 99), showfliers=True, flierprops={"markersize": 2})
    ax.set_yticks(range(1, len(keys) + 1), [label for _, label in LATENCY_ROWS], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("edge -> code runs (us, log); whiskers p1..p99")
    ax.set_title(f"2. Latency ({res['meta']['edges']} edges per row)")
    ax.invert_yaxis()

    ax = axes[0][1]
    for backend, style in (("uevent", "o-"), ("select", "s--")):
        sc = res["scaling"][backend]
        ns = [int(n) for n in sc]
        ax.plot(ns, [sc[str(n)]["median"] / hz * 1e6 for n in ns], style, label=backend)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("registered sources N")
    ax.set_ylabel("median edge -> poller returns (us)")
    ax.set_title("3. Scaling")
    ax.legend()

    ax = axes[1][0]
    for backend, style in (("uevent", "o-"), ("select", "s--")):
        rows = res["throughput"][backend]
        ax.plot(
            [r["raised_per_s"] for r in rows],
            [r["handled_per_s"] for r in rows],
            style,
            label=f"asyncio over {backend}",
        )
    lim = max(r["raised_per_s"] for r in res["throughput"]["uevent"])
    ax.plot([1, lim], [1, lim], ":", color="grey", label="every event handled")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events raised by the ISR per second")
    ax.set_ylabel("events handled by the task per second")
    ax.set_title("4. Throughput")
    ax.legend()

    ax = axes[1][1]
    labels = ["idle 2 s:\nthread cycles", "setup:\nThreadSafeFlag", "setup:\nEvent"]
    u = [
        res["idle"]["uevent"]["thread_cycles"],
        res["setup"]["setup_uevent_tsf"]["median"],
        res["setup"]["setup_uevent_event"]["median"],
    ]
    s = [
        res["idle"]["select"]["thread_cycles"],
        res["setup"]["setup_select_tsf"]["median"],
        res["setup"]["setup_select_event"]["median"],
    ]
    x = range(len(labels))
    ax.bar([i - 0.2 for i in x], u, 0.4, label="uevent")
    ax.bar([i + 0.2 for i in x], s, 0.4, label="select")
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("MicroPython thread CPU cycles")
    ax.set_title("1. Idle and 5. setup cost")
    ax.legend()

    fig.suptitle(
        f"uevent vs select.poll on {res['meta']['board']} (QEMU -icount shift="
        f"{res['meta']['icount_shift']}; counter {hz / 1e6:.2f} MHz)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
