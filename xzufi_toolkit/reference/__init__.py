"""Reference data: LeiKa keys, DIN 91379 data types, pinned code lists, legal citations."""
