/**
 * The bit-cell grid of a whole read, fitted after the fact. A first search gives every transition
 * its place in cells (boundaries at whole cells, mid-cell transitions half a cell on). The card's
 * speed changes smoothly, so around any transition the place is a smooth function of time: a
 * least-squares parabola through the transitions on both sides of it (not the transition itself)
 * says where on the grid it really lies, averaging out the jitter of dozens of neighbours without
 * the lag of a grid that only looks back. A neighbour the first search misplaced by half a cell
 * moves the fit by only a small share of that.
 */

/** Coefficients of the local curve: a cubic, whose odd top term costs no precision at the centre (the moment sums below are written out for it). */
const POWERS = 4;

export interface CellPhase {
  /** Per transition from the first searched one: its fitted place on the grid, in cells. */
  cells: Float64Array;
  /** Per transition: the local bit period the fit implies, microseconds. */
  periodUs: Float64Array;
}

/**
 * `midCell[i]` says whether transition `startEdge + i` was read as mid-cell; `startEdge` is a cell
 * boundary at place 0. `neighbours` transitions on each side enter each fit; `roughPeriodUs`
 * only scales the arithmetic.
 */
export function fitCellPhase(
  edgeTimesUs: ArrayLike<number>,
  startEdge: number,
  midCell: Uint8Array,
  neighbours: number,
  roughPeriodUs: number,
): CellPhase {
  const count = midCell.length;
  const place = new Float64Array(count);
  for (let i = 1; i < count; i++) {
    // Boundary after boundary: a whole cell; otherwise (into or out of mid-cell) half a cell.
    place[i] = place[i - 1]! + (midCell[i] === 0 && midCell[i - 1] === 0 ? 1 : 0.5);
  }
  const cells = new Float64Array(count);
  const periodUs = new Float64Array(count);
  const normal = new Float64Array(POWERS * (POWERS + 1));
  for (let i = 0; i < count; i++) {
    const t0 = edgeTimesUs[startEdge + i]!;
    const from = Math.max(0, i - neighbours);
    const to = Math.min(count - 1, i + neighbours);
    // Moments sum x^k (k <= 6) and sum x^r * y (r <= 3): the cubic's normal equations need only
    // these 11 sums, about half the work of accumulating the 4 x 5 matrix entry by entry (this
    // loop is most of a swipe's decoding time).
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0;
    let y0 = 0, y1 = 0, y2 = 0, y3 = 0;
    for (let j = from; j <= to; j++) {
      if (j === i) continue;
      const x = (edgeTimesUs[startEdge + j]! - t0) / roughPeriodUs;
      const y = place[j]!;
      const x2 = x * x;
      const x3 = x2 * x;
      s0 += 1;
      s1 += x;
      s2 += x2;
      s3 += x3;
      s4 += x2 * x2;
      s5 += x2 * x3;
      s6 += x3 * x3;
      y0 += y;
      y1 += x * y;
      y2 += x2 * y;
      y3 += x3 * y;
    }
    normal.set([s0, s1, s2, s3, y0, s1, s2, s3, s4, y1, s2, s3, s4, s5, y2, s3, s4, s5, s6, y3]);
    const fit = solveNormal(normal);
    if (fit === undefined || !(fit[1]! > 0)) {
      // Too few neighbours for the curve (a very short read): trust the first search.
      cells[i] = place[i]!;
      periodUs[i] = roughPeriodUs;
    } else {
      cells[i] = fit[0]!;
      periodUs[i] = roughPeriodUs / fit[1]!;
    }
  }
  return { cells, periodUs };
}

/** Gaussian elimination with partial pivoting on the augmented normal equations; undefined when singular. */
function solveNormal(augmented: Float64Array): Float64Array | undefined {
  const n = POWERS;
  const w = n + 1;
  const a = augmented;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * w + col]!) > Math.abs(a[pivot * w + col]!)) pivot = r;
    if (!(Math.abs(a[pivot * w + col]!) > 1e-12)) return undefined;
    if (pivot !== col) {
      for (let c = 0; c < w; c++) {
        const held = a[col * w + c]!;
        a[col * w + c] = a[pivot * w + c]!;
        a[pivot * w + c] = held;
      }
    }
    for (let r = col + 1; r < n; r++) {
      const factor = a[r * w + col]! / a[col * w + col]!;
      for (let c = col; c < w; c++) a[r * w + c]! -= factor * a[col * w + c]!;
    }
  }
  const solution = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let sum = a[r * w + n]!;
    for (let c = r + 1; c < n; c++) sum -= a[r * w + c]! * solution[c]!;
    solution[r] = sum / a[r * w + r]!;
  }
  return solution;
}
