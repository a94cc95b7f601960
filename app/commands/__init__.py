"""Subcommands of ``draftreview``; each module defines ``register(subparsers)``."""
