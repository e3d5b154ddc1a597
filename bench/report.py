#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""bench/report.py - merge the benchmark outputs into one table, bench-results.json and an SVG.

Python standard library only. Called by scripts/bench:
  report.py --gb gb.json --latency latency.json [--go go.txt] [--instr instr.json]
            --json bench-results.json --svg bench-latency.svg
"""
import argparse
import json
import math
import re
import statistics
import sys

IMPLS = ["errgroup_boost", "errgroup_ring", "errgroup_inline", "ideal", "tbb", "asio",
         "std_async", "thread", "go"]
SHORT = {"errgroup_boost": "eg:boost", "errgroup_ring": "eg:ring", "errgroup_inline": "eg:inline",
         "ideal": "ideal", "tbb": "oneTBB", "asio": "asio", "std_async": "async",
         "thread": "thread", "go": "Go"}


def load_gb(paths):
    """{(workload, impl): {"ns_per_task": median, "allocs": .., "frees": .., "emulated": ..}}
    Several files (one repetition each, from interleaved processes): median over all of them."""
    out = {}
    benches = []
    for path in paths:
        with open(path) as f:
            benches += json.load(f).get("benchmarks", [])
    runs = {}
    for b in benches:
        name = b.get("run_name") or b["name"]
        name = re.sub(r"/real_time$", "", name)
        runs.setdefault(name, []).append(b)
    for name, bs in runs.items():
        parts = name.split("/")  # W1/empty/N:256/impl
        impl = parts[-1]
        wl = "/".join(parts[:-1])
        n = None
        med = None
        rec = {}
        for b in bs:
            n = b.get("tasks", n)
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median":
                med = b["real_time"] * unit_ns(b.get("time_unit", "ns"))
                rec["allocs"] = b.get("allocs_per_task")
                rec["frees"] = b.get("frees_per_task")
                rec["emulated"] = b.get("emulated_limit")
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "cv":
                rec["cv"] = b["real_time"]
        if med is None:  # no aggregates (one repetition): median of the iterations
            vals = [b["real_time"] * unit_ns(b.get("time_unit", "ns")) for b in bs
                    if b.get("run_type") != "aggregate"]
            med = statistics.median(vals)
            rec["allocs"] = max(b.get("allocs_per_task", 0) for b in bs)
            rec["frees"] = max(b.get("frees_per_task", 0) for b in bs)
            rec["emulated"] = bs[0].get("emulated_limit")
            rec["min_ns_per_task"] = min(vals) / float(n)
            rec["max_ns_per_task"] = max(vals) / float(n)
        rec["ns_per_task"] = med / float(n)
        rec["reps"] = len([b for b in bs if b.get("run_type") != "aggregate"]) or None
        out[(wl, impl)] = rec
    return out


def unit_ns(u):
    return {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[u]


def load_go(path):
    """Median over -count runs. W1/W4: ns per task and allocs per task. W3: p50/p99/max."""
    out = {}
    if not path:
        return out
    acc = {}
    try:
        text = open(path).read()
    except OSError:
        return out
    for line in text.splitlines():
        m = re.match(r"Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$", line)
        if not m:
            continue
        name, rest = m.group(1), m.group(2)
        metrics = {}
        for val, unit in re.findall(r"([\d.]+)\s+(\S+)", rest):
            metrics[unit] = float(val)
        acc.setdefault(name, []).append(metrics)
    for name, ms in acc.items():
        med = {k: statistics.median([m[k] for m in ms if k in m]) for k in ms[0]}
        n = re.search(r"N:(\d+)", name)
        n = int(n.group(1)) if n else 1
        if name.startswith("W3/"):
            out[("W3/" + name.split("/")[1], "go")] = {
                "p50": med.get("p50-ns"), "p99": med.get("p99-ns"), "max": med.get("max-ns"),
                "allocs": med.get("allocs/op", 0) / n, "runs": len(ms)}
        else:
            out[(name, "go")] = {"ns_per_task": med["ns/op"] / n,
                                 "allocs": med.get("allocs/op", 0) / n, "runs": len(ms)}
    return out


def fmt_ns(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return "%.2f ms" % (v / 1e6)
    if v >= 1e4:
        return "%.0f us" % (v / 1e3)
    if v >= 1e3:
        return "%.1f us" % (v / 1e3)
    return "%.0f ns" % v


def fmt_num(v):
    if v is None:
        return "-"
    if abs(v - round(v)) < 0.005:
        return "%d" % round(v)
    return "%.2f" % v


def table(rows, cols):
    widths = [max(len(r[i]) for r in rows + [cols]) for i in range(len(cols))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cols, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(c.rjust(w) if i else c.ljust(w)
                                       for i, (c, w) in enumerate(zip(r, widths))) + " |")
    return "\n".join(lines)


def svg_plot(lat, path):
    """HdrHistogram-style percentile plot: x = percentile on a log(1/(1-q)) axis, y = log ns."""
    panels = [("W2 warm: submit -> task start", "warm_submit_start"),
              ("W2 idle (parked): submit -> task start", "idle_submit_start")]
    series = [k for k in lat.get("w2", {})]
    colors = ["#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
              "#7f7f7f", "#17becf", "#bcbd22"]
    pw, ph, ml, mt, mb, gap = 520, 360, 70, 40, 60, 40
    width = ml + 2 * pw + gap + 200
    height = mt + ph + mb
    ymin, ymax = 1e1, 1e7
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>']

    def xmap(x, x0):
        return x0 + x / 5.0 * pw

    def ymap(v):
        v = min(max(v, ymin), ymax)
        return mt + ph - (math.log10(v) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin)) * ph

    for pi, (title, key) in enumerate(panels):
        x0 = ml + pi * (pw + gap)
        out.append('<text x="%d" y="%d" font-weight="bold">%s</text>' % (x0, mt - 15, title))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>'
                   % (x0, mt, pw, ph))
        for d in range(0, 6):
            x = xmap(d, x0)
            label = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"][d]
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, mt, x, mt + ph))
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x, mt + ph + 16, label))
        for e in range(1, 8):
            y = ymap(10 ** e)
            label = {1: "10 ns", 2: "100 ns", 3: "1 us", 4: "10 us", 5: "100 us", 6: "1 ms", 7: "10 ms"}[e]
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (x0, y, x0 + pw, y))
            if pi == 0:
                out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (x0 - 6, y + 4, label))
        out.append('<text x="%d" y="%d" text-anchor="middle">percentile</text>'
                   % (x0 + pw / 2, mt + ph + 36))
        floor = lat.get("floors", {}).get("cacheline_round_trip" if pi == 0 else "futex_wake_round_trip")
        if floor:
            y = ymap(floor["p50"])
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#000" stroke-dasharray="6,4"/>'
                       % (x0, y, x0 + pw, y))
            out.append('<text x="%d" y="%.1f" font-size="10">%s p50 (floor)</text>'
                       % (x0 + 4, y - 4, "cache-line round trip" if pi == 0 else "futex wake round trip"))
        for si, name in enumerate(series):
            h = lat["w2"][name].get(key)
            if not h or not h.get("count"):
                continue
            pts = []
            for q, v in h["curve"]:
                if q >= 100:
                    continue
                x = -math.log10(max(1e-12, 1 - q / 100.0))
                # only as far as the samples support (n samples: up to 1 - 1/n)
                if x > math.log10(max(1, h["count"])):
                    break
                pts.append("%.1f,%.1f" % (xmap(min(x, 5), x0), ymap(max(v, 1))))
            if pts:
                out.append('<polyline fill="none" stroke="%s" stroke-width="1.8" points="%s"/>'
                           % (colors[si % len(colors)], " ".join(pts)))
    lx = ml + 2 * pw + gap + 15
    out.append('<text x="%d" y="%d" font-weight="bold">implementation</text>' % (lx, mt))
    for si, name in enumerate(series):
        y = mt + 20 + si * 18
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>'
                   % (lx, y - 4, lx + 20, y - 4, colors[si % len(colors)]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 26, y, name))
    out.append('<text x="%d" y="%d" font-size="10">y: latency (log); lines end where samples run out</text>'
               % (ml, height - 8))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", action="append", default=[])
    ap.add_argument("--latency")
    ap.add_argument("--go")
    ap.add_argument("--instr")
    ap.add_argument("--machine", default="")
    ap.add_argument("--json", required=True)
    ap.add_argument("--svg", required=True)
    a = ap.parse_args()

    gb = load_gb(a.gb)
    go = load_go(a.go)
    lat = json.load(open(a.latency)) if a.latency else {}
    instr = json.load(open(a.instr)) if a.instr else {}
    present = [i for i in IMPLS if any(k[1] == i for k in gb) or i in lat.get("w2", {})
               or (i == "go" and go)]

    rows = []
    cols = ["workload"] + [SHORT[i] for i in present]

    def tp_row(label, wl):
        r = [label]
        for i in present:
            rec = gb.get((wl, i)) or go.get((wl, i))
            if rec is None:
                r.append("n/a")
            else:
                v = rec["ns_per_task"]
                s = "%.0f" % v if v >= 10 else "%.1f" % v
                if rec.get("emulated"):
                    s += "*"
                r.append(s)
        rows.append(r)

    for kind in ("empty", "1us"):
        for n in (16, 256, 4096):
            tp_row("W1 %s N=%d, ns/task" % (kind, n), "W1/%s/N:%d" % (kind, n))
    tp_row("W4 limit 2, N=1024, ns/task", "W4/limit2/N:1024")

    # W5: max allocations per task over the throughput workloads (and W2/W3 below).
    r = ["W5 allocs/task, W1+W4 (max)"]
    for i in present:
        vals = [v.get("allocs") for k, v in list(gb.items()) + list(go.items())
                if k[1] == i and not k[0].startswith("W3") and v.get("allocs") is not None]
        r.append(fmt_num(max(vals)) if vals else "n/a")
    rows.append(r)
    r = ["W5 allocs/task, W2+W3 (max)"]
    for i in present:
        vals = []
        w2 = lat.get("w2", {}).get(i)
        if w2 and w2.get("allocs_per_task") is not None:
            vals.append(w2["allocs_per_task"])
        for n in ("256", "4096"):
            w3 = lat.get("w3", {}).get(i, {}).get(n)
            if w3 and w3.get("allocs_per_task") is not None:
                vals.append(w3["allocs_per_task"])
        g3 = [v["allocs"] for k, v in go.items() if k[1] == i and k[0].startswith("W3")]
        vals += g3
        r.append(fmt_num(max(vals)) if vals else "n/a")
    rows.append(r)

    def lat_row(label, key, q):
        r = [label]
        for i in present:
            h = lat.get("w2", {}).get(i, {}).get(key)
            r.append(fmt_ns(h[q]) if h and h.get("count") else "n/a")
        rows.append(r)

    lat_row("W2 warm submit->start p50", "warm_submit_start", "p50")
    lat_row("W2 warm submit->start p99", "warm_submit_start", "p99")
    lat_row("W2 warm submit->start p99.9", "warm_submit_start", "p999")
    lat_row("W2 warm submit->start max", "warm_submit_start", "max")
    lat_row("W2 warm end->wait return p50", "warm_end_return", "p50")
    lat_row("W2 warm end->wait return p99.9", "warm_end_return", "p999")
    lat_row("W2 warm submit call p50", "warm_submit_cost", "p50")
    lat_row("W2 idle submit->start p50", "idle_submit_start", "p50")
    lat_row("W2 idle submit->start p99", "idle_submit_start", "p99")
    lat_row("W2 idle end->wait return p50", "idle_end_return", "p50")
    lat_row("W2 idle submit call p50", "idle_submit_cost", "p50")

    for n in ("256", "4096"):
        for q, ql in (("p50", "p50"), ("p99", "p99"), ("max", "max")):
            r = ["W3 n=%s failure->wait %s" % (n, ql)]
            for i in present:
                h = lat.get("w3", {}).get(i, {}).get(n)
                g = go.get(("W3/N:" + n, i))
                if h and h.get("count"):
                    r.append(fmt_ns(h[q]))
                elif g:
                    r.append(fmt_ns(g[q]))
                else:
                    r.append("n/a")
            rows.append(r)

    print(table(rows, cols))
    print("* emulated limit (a counting semaphore around submit); errgroup and Go use their own.")
    fl = lat.get("floors", {})
    if fl:
        c, f = fl["cacheline_round_trip"], fl["futex_wake_round_trip"]
        print("Floors: cache-line round trip p50 %s p99 %s (n=%d); futex wake round trip p50 %s p99 %s (n=%d)"
              % (fmt_ns(c["p50"]), fmt_ns(c["p99"]), c["count"], fmt_ns(f["p50"]), fmt_ns(f["p99"]), f["count"]))
    np_ = lat.get("w2", {}).get("errgroup_ring_nopark")
    if np_:
        print("No-park configuration (errgroup ring, spin 2^20): warm submit->start p50 %s p99.9 %s; "
              "idle submit->start p50 %s p99 %s; idle submit call p50 %s"
              % (fmt_ns(np_["warm_submit_start"]["p50"]), fmt_ns(np_["warm_submit_start"]["p999"]),
                 fmt_ns(np_["idle_submit_start"]["p50"]), fmt_ns(np_["idle_submit_start"]["p99"]),
                 fmt_ns(np_["idle_submit_cost"]["p50"])))
    if instr:
        print("Instructions per task (callgrind, submit + run + complete, empty task): "
              + ", ".join("%s %.1f" % (k, v) for k, v in instr.get("per_task", {}).items()))
        s = instr.get("sizes", {})
        if s:
            print("sizeof: group<16> %d B (%.0f B/slot), group<256> %d B (%.0f B/slot), group<4096> %d B (%.0f B/slot)"
                  % (s["group16"], s["group16"] / 16, s["group256"], s["group256"] / 256,
                     s["group4096"], s["group4096"] / 4096))

    # Targets
    print("\nTargets, from this run:")
    targets = []

    def t(name, ok, detail):
        targets.append({"target": name, "met": ok, "detail": detail})
        print("  [%s] %s: %s" % ("met " if ok else ("MISS" if ok is False else " ?  "), name, detail))

    eg = gb.get(("W1/empty/N:256", "errgroup_boost")) or gb.get(("W1/empty/N:256", "errgroup_ring"))
    for impl in ("errgroup_boost", "errgroup_ring"):
        e = gb.get(("W1/empty/N:256", impl))
        tb = gb.get(("W1/empty/N:256", "tbb"))
        idl = gb.get(("W1/empty/N:256", "ideal"))
        if e and tb:
            rt = e["ns_per_task"] / tb["ns_per_task"]
            t("W1 empty N=256 <= 0.5x oneTBB (%s)" % impl, rt <= 0.5,
              "%.0f vs %.0f ns/task = %.2fx" % (e["ns_per_task"], tb["ns_per_task"], rt))
        if e and idl:
            ri = e["ns_per_task"] / idl["ns_per_task"]
            t("W1 empty N=256 <= 1.2x ideal (%s)" % impl, ri <= 1.2,
              "%.0f vs %.0f ns/task = %.2fx" % (e["ns_per_task"], idl["ns_per_task"], ri))
    cl = fl.get("cacheline_round_trip", {}).get("p50")
    for impl in ("errgroup_boost", "errgroup_ring"):
        h = lat.get("w2", {}).get(impl, {}).get("warm_submit_start")
        if h and cl:
            t("W2 warm submit->start p50 <= 2x cache-line RT (%s)" % impl, h["p50"] <= 2 * cl,
              "%s vs 2 x %s" % (fmt_ns(h["p50"]), fmt_ns(cl)))
            t("W2 warm submit->start p99.9 <= 2 us (%s)" % impl, h["p999"] <= 2000, fmt_ns(h["p999"]))
    for impl in ("errgroup_boost", "errgroup_ring"):
        for n in ("256", "4096"):
            h = lat.get("w3", {}).get(impl, {}).get(n)
            tb = lat.get("w3", {}).get("tbb", {}).get(n)
            if h and tb:
                t("W3 n=%s p50 <= oneTBB's (%s)" % (n, impl), h["p50"] <= tb["p50"],
                  "%s vs %s" % (fmt_ns(h["p50"]), fmt_ns(tb["p50"])))
            if h:
                t("W3 n=%s p99 <= 100 us (%s)" % (n, impl), h["p99"] <= 100000, fmt_ns(h["p99"]))
    g4 = go.get(("W4/limit2/N:1024", "go"))
    for impl in ("errgroup_boost", "errgroup_ring", "errgroup_inline"):
        e = gb.get(("W4/limit2/N:1024", impl))
        if e and g4:
            t("W4 <= Go SetLimit (%s)" % impl, e["ns_per_task"] <= g4["ns_per_task"],
              "%.0f vs %.0f ns/task" % (e["ns_per_task"], g4["ns_per_task"]))
        elif e:
            t("W4 <= Go SetLimit (%s)" % impl, None, "Go not run")
    for impl in ("errgroup_boost", "errgroup_ring", "errgroup_inline"):
        vals = [v.get("allocs") for k, v in gb.items() if k[1] == impl and v.get("allocs") is not None]
        w2 = lat.get("w2", {}).get(impl, {}).get("allocs_per_task")
        if w2 is not None:
            vals.append(w2)
        for n in ("256", "4096"):
            w3 = lat.get("w3", {}).get(impl, {}).get(n)
            if w3:
                vals.append(w3.get("allocs_per_task", 0))
        if vals:
            t("W5 zero heap calls per task (%s)" % impl, max(vals) == 0 and
              all((v.get("frees") or 0) == 0 for k, v in gb.items() if k[1] == impl),
              "max %.3g allocs/task over %d workloads" % (max(vals), len(vals)))

    svg_plot(lat, a.svg)
    doc = {
        "machine": a.machine,
        "throughput": [{"workload": k[0], "impl": k[1], **v} for k, v in sorted(gb.items())],
        "go": [{"workload": k[0], "impl": k[1], **v} for k, v in sorted(go.items())],
        "latency": lat,
        "instructions": instr,
        "table": {"columns": cols, "rows": rows},
        "targets": targets,
    }
    with open(a.json, "w") as f:
        json.dump(doc, f, indent=1)
    print("\nwrote %s and %s" % (a.json, a.svg))


if __name__ == "__main__":
    sys.exit(main())
