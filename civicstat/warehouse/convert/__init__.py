"""Turning source rows into contract rows: bind a mapping to a file, evaluate rules, parse types,
check contract rules. Everything is vectorised over a chunk of rows (pandas / NumPy)."""

from civicstat.warehouse.convert.bind import Binding, bind
from civicstat.warehouse.convert.chunk import Converted, convert_chunk

__all__ = ["Binding", "Converted", "bind", "convert_chunk"]
