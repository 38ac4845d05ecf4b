"""The soak: the site under a steady load for minutes while the background work runs on its
schedule (`make soak`; `python -m bench.soak --help`). See bench/soak/run.py."""
