"""``dnsguard feeds`` sub-commands run through argparse, as the main CLI wires them."""

from __future__ import annotations

import argparse

from dnsguard.feeds.cli import register


def run(argv, config):
    parser = argparse.ArgumentParser(prog="dnsguard")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args, config)
