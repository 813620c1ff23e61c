"""``python -m xzufi_toolkit`` runs the command-line interface."""

from xzufi_toolkit.cli.main import main

raise SystemExit(main())
