"""Where a report becomes text or a file: the plain-text table, Rich colour and pictures, CSV/JSON, PNG,
atomic files. The only package that imports Rich."""
