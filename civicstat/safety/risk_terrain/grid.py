"""The raster of square cells RTM models (methods.md §1.2).

Cells are laid on the study area's bounding box from its lower-left corner; a cell is kept when
its centroid lies inside the boundary (the centroid rule, methods.md §1.2 "cell inclusion" [I]).
Every kept cell has the full area ``cell_size²``: cells are not cut at the boundary, so PAI
compares like with like.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from civicstat.safety.errors import SafetyInputError
from civicstat.safety.spatial import Layer


@dataclass(frozen=True, eq=False)
class Grid:
    """Square cells of side ``cell_size`` whose centroids lie in ``boundary``.

    Cell ``i`` is column ``col[i]``, row ``row[i]`` of a raster anchored at ``origin`` (lower-left
    corner); ``lookup[row, col]`` gives ``i`` back, or -1 for raster cells outside the study area.
    """

    cell_size: float
    origin: tuple[float, float]
    n_cols: int
    n_rows: int
    col: np.ndarray
    row: np.ndarray
    lookup: np.ndarray
    boundary: BaseGeometry
    crs: str

    @property
    def n_cells(self) -> int:
        return len(self.col)

    @property
    def x(self) -> np.ndarray:
        """Cell-centroid eastings."""
        return self.origin[0] + (self.col + 0.5) * self.cell_size

    @property
    def y(self) -> np.ndarray:
        """Cell-centroid northings."""
        return self.origin[1] + (self.row + 0.5) * self.cell_size

    @property
    def xy(self) -> np.ndarray:
        return np.column_stack([self.x, self.y])

    @property
    def cell_area(self) -> float:
        return self.cell_size**2

    @property
    def area(self) -> np.ndarray:
        """Area of every cell (all equal)."""
        return np.full(self.n_cells, self.cell_area)

    def cell_of(self, xy: np.ndarray) -> np.ndarray:
        """Index of the cell holding each point, -1 outside the study-area cells."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        col = np.floor((xy[:, 0] - self.origin[0]) / self.cell_size)
        row = np.floor((xy[:, 1] - self.origin[1]) / self.cell_size)
        inside = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        out = np.full(len(xy), -1, dtype=np.int64)
        out[inside] = self.lookup[row[inside].astype(np.int64), col[inside].astype(np.int64)]
        return out

    def count(self, xy: np.ndarray) -> tuple[np.ndarray, int]:
        """Number of points per cell, and the number of points in no cell."""
        idx = self.cell_of(xy)
        counts = np.bincount(idx[idx >= 0], minlength=self.n_cells).astype(np.int64)
        return counts, int((idx < 0).sum())

    def polygons(self, cells: np.ndarray | None = None) -> np.ndarray:
        """Shapely squares for the given cell indices (all cells by default)."""
        cells = np.arange(self.n_cells) if cells is None else np.asarray(cells, dtype=np.int64)
        x0 = self.origin[0] + self.col[cells] * self.cell_size
        y0 = self.origin[1] + self.row[cells] * self.cell_size
        return shapely.box(x0, y0, x0 + self.cell_size, y0 + self.cell_size)

    def tiles(self, tile_cells: int) -> np.ndarray:
        """Id of the ``tile_cells × tile_cells`` block of cells each cell belongs to (used for
        spatially blocked cross-validation folds, methods.md §1.4 step 2)."""
        n_tile_cols = -(-self.n_cols // tile_cells)
        return (self.row // tile_cells) * n_tile_cols + (self.col // tile_cells)


def make_grid(boundary: BaseGeometry, cell_size: float, crs: str) -> Grid:
    """Cells of side ``cell_size`` (CRS units) whose centroid is inside ``boundary``."""
    if not cell_size > 0:
        raise SafetyInputError("study area", f"cell size must be positive, got {cell_size}")
    if boundary.is_empty or boundary.area <= 0:
        raise SafetyInputError("study area", "the boundary is empty or has no area")
    minx, miny, maxx, maxy = boundary.bounds
    n_cols = max(1, int(np.ceil((maxx - minx) / cell_size)))
    n_rows = max(1, int(np.ceil((maxy - miny) / cell_size)))
    if n_cols * n_rows > 20_000_000:
        raise SafetyInputError(
            "study area",
            f"a {cell_size:g}-unit cell gives {n_cols}×{n_rows} raster cells; expected a cell "
            "size in the CRS's units (metres) a few hundred times smaller than the area",
        )
    shapely.prepare(boundary)
    rows, cols = np.divmod(np.arange(n_cols * n_rows, dtype=np.int64), n_cols)
    x = minx + (cols + 0.5) * cell_size
    y = miny + (rows + 0.5) * cell_size
    inside = shapely.contains_xy(boundary, x, y)
    if not inside.any():
        raise SafetyInputError(
            "study area", f"no cell centroid falls inside the boundary with cell size {cell_size:g}"
        )
    lookup = np.full((n_rows, n_cols), -1, dtype=np.int64)
    lookup[rows[inside], cols[inside]] = np.arange(int(inside.sum()))
    return Grid(
        cell_size=float(cell_size),
        origin=(float(minx), float(miny)),
        n_cols=n_cols,
        n_rows=n_rows,
        col=cols[inside].astype(np.int64),
        row=rows[inside].astype(np.int64),
        lookup=lookup,
        boundary=boundary,
        crs=crs,
    )


def mean_block_length(streets: Layer) -> float:
    """Average block length: the mean length of the street layer's line parts (methods.md §1.2;
    assumes centreline segments run intersection to intersection, as city street layers do)."""
    if streets.kind != "line":
        raise SafetyInputError(streets.source, f"expected street lines, found {streets.kind}")
    lengths = shapely.length(shapely.get_parts(streets.geometries))
    lengths = lengths[lengths > 0]
    if len(lengths) == 0:
        raise SafetyInputError(streets.source, "no street segment has a length")
    return float(lengths.mean())
