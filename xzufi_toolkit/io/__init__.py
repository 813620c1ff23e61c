"""Input and output at the boundary: the hardened XML parser, the bounded reader,
the atomic writer and the packaged resources."""
