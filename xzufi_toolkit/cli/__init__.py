"""The command-line layer: parses arguments, calls the library, prints, exits.

Nothing in the library imports this package.
"""
