"""``xzufi show`` and ``xzufi convert`` (placeholder until the readers land)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    del sub
