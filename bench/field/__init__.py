"""Independent field material and population builders for bench/field_quality.py.

Nothing here comes from the project's own traffic generator (bench/traffic.py) or from its rules: the
names, email habits, networks and devices are taken from public, real-world sources (cited in each
module), the disposable domains, bot user agents and browser fingerprints from maintained PyPI packages,
and the headless/headful Chromium reports from Debian's Chromium running the real dregs.js
(collect_browsers.py, data/chromium_reports.json).

    cultures.py     given names and surnames of 17 cultures in native spelling, with how people of each
                    culture write their email addresses, and their countries' networks
    material.py     disposable domains, bot user agents, browser device reports, datacenter networks
    populations.py  the labelled populations: each identity with its days of events

Fixtures, refreshed only by hand (neither runs in the benchmark):
    collect_browsers.py → data/chromium_reports.json   dregs.js in Debian's Chromium (headless, Xvfb, Playwright)
    check_networks.py   → data/networks.json           the address blocks narrowed to what the server's IP
                                                        database places in the intended country / on hosting
"""
