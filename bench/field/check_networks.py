"""Narrow the address blocks of cultures.NETWORKS and material.DATACENTER to the parts the server's own
offline IP database places as intended, into data/networks.json (what populations.py draws from).

Not run by the benchmark: run it again only to refresh the fixture. It starts `dregs serve` (as
bench/field_quality.py does), sends one browser event per sampled address (X-Forwarded-For from the
trusted loopback proxy), reads each device's country, ASN and hosting flag back through the API, and keeps
each /16 of a larger block (each /24 of a /16 or smaller) whose samples all fall in the block's country,
not on a hosting network (home and mobile), or all on a hosting network (datacenter).

    /work/main/.venv/bin/python bench/field/check_networks.py
"""

from __future__ import annotations

import ipaddress
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import field_quality as fq  # noqa: E402

from field import material  # noqa: E402
from field.cultures import NETWORKS  # noqa: E402

SAMPLES_PER_SUBBLOCK = 4
OUT = Path(__file__).with_name("data") / "networks.json"
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def subblocks(block: str, rng: random.Random, limit: int = 24) -> list[ipaddress.IPv4Network]:
    net = ipaddress.ip_network(block)
    prefix = 16 if net.prefixlen < 16 else 24
    subs = list(net.subnets(new_prefix=prefix))
    rng.shuffle(subs)
    return subs[:limit]


def main() -> int:
    rng = random.Random(11)
    todo = [(c, kind, b, label) for c, d in NETWORKS.items() for kind, items in d.items() for b, label in items]
    todo += [("DC", "datacenter", b, label) for b, label in material.DATACENTER]
    probes = []  # (country, kind, block, label, sub, ip)
    for c, kind, block, label in todo:
        for sub in subblocks(block, rng):
            for _ in range(SAMPLES_PER_SUBBLOCK):
                ip = str(sub.network_address + rng.randrange(1, sub.num_addresses - 1))
                probes.append((c, kind, block, label, str(sub), ip))
    with tempfile.TemporaryDirectory() as tmp, fq.dregs_server(Path(tmp)) as base:
        team = fq.new_team(base, "networks")
        with httpx.Client(base_url=base, timeout=30) as http:
            fps = {}
            for n, probe in enumerate(probes):
                body = {"type": "page_view", "identity": {"id": f"probe-{n}", "data": {}},
                        "device": {"session": f"{n:032x}", "url": fq.pops.ORIGIN + "/",
                                   "signals": {"userAgent": UA, "canvas": f"{n:08x}"}}}  # fmt: skip
                r = http.post("/api/events", json=body, headers={"authorization": f"Bearer {team.public}",
                              "origin": fq.pops.ORIGIN, "x-forwarded-for": probe[5]})  # fmt: skip
                fps[r.json()["fingerprint"]] = probe
            time.sleep(2)
            verdict: dict[tuple, list[bool]] = defaultdict(list)
            for fp, (c, kind, block, label, sub, _ip) in fps.items():
                d = http.get(f"/api/devices/{fp}", headers={"authorization": f"Bearer {team.secret}"}).json()
                ok = d.get("hosting") is True if c == "DC" else (d.get("countryCode") == c and not d.get("hosting"))
                verdict[(c, kind, block, label, sub)].append(ok)
    out: dict = defaultdict(lambda: defaultdict(list))
    for (c, kind, _block, label, sub), oks in sorted(verdict.items()):
        if all(oks):
            out[c][kind].append([sub, label])
    for c, kinds in NETWORKS.items():
        for kind in kinds:
            print(f"{c} {kind}: {len(out[c][kind])} sub-blocks kept")
    print(f"DC: {len(out['DC']['datacenter'])} sub-blocks kept")
    OUT.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
