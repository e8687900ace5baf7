/**
 * The motion model behind the F2F searches (f2f-beam-search.ts) and the fitted grid
 * (f2f-phase-smoother.ts): where a flux transition lies on the bit-cell grid, in cells, as a
 * function of time. The card's place x(t) moves at the speed v = dx/dt, which changes at the rate a;
 * a changes at random (a Kalman filter's constant-acceleration model, driven by white jerk). Each
 * transition is seen at its grid place (a whole cell for a boundary, a half for mid-cell) plus its
 * own jitter, which the filter weighs against the motion it has followed so far.
 *
 * Why this model and not a loop with fixed gains: a second-order loop (phase and period) lags a
 * card that keeps speeding up by about (rate of change) / (period gain) cells, a tenth of a cell
 * on a +/-50% swipe, and at +/-20% jitter that lag is what turns a mid-cell transition into a
 * boundary. Following the rate of change removes the lag, and the filter's gains follow from the
 * jitter and the motion's noise instead of being tuned per swipe.
 *
 * Units: time in reference bit periods (the clocking zeros' period), so v is about 1 at the start.
 * State layout in a Float64Array, STATE_SIZE numbers from an offset:
 *   x, v, a, then the covariance p00 p01 p02 p11 p12 p22.
 */

export const STATE_SIZE = 9;

export interface PlaceModel {
  /** White jerk density at v = 1 (cells per reference period^3, squared, per period). */
  jerk: number;
  /** Variance of a transition's jitter, cells^2 (0.0133: uniform +/-20% of a cell). */
  jitter: number;
}

/**
 * Jerk density at speed v. A card moving twice as fast crosses the same stretch of stripe, and the
 * same change of hand speed along it, in half the time: its acceleration in cells per period^2 is
 * four times, and that acceleration changes eight times as fast. Hence v^3 (on the bench, exponents
 * 2 to 4 read alike; 0 and 5 read worse).
 */
export function jerkAt(model: PlaceModel, v: number): number {
  const speed = v > 0.1 ? v : 0.1;
  return model.jerk * speed * speed * speed;
}

/**
 * Moves the state at `from` in `src` forward by `dt` (negative: back in time) into `out` at `at`:
 * the predicted place, speed, acceleration and their covariance.
 */
export function predictPlace(src: Float64Array, from: number, dt: number, jerk: number, out: Float64Array, at: number): void {
  const x = src[from]!;
  const v = src[from + 1]!;
  const a = src[from + 2]!;
  const p00 = src[from + 3]!;
  const p01 = src[from + 4]!;
  const p02 = src[from + 5]!;
  const p11 = src[from + 6]!;
  const p12 = src[from + 7]!;
  const p22 = src[from + 8]!;
  const h = dt * dt * 0.5;
  const d = dt < 0 ? -dt : dt;
  const d2 = dt * dt;
  // F P F' for F = [1 dt h; 0 1 dt; 0 0 1], then the jerk's covariance over |dt| (its odd terms
  // take the sign of dt: going back in time, speed and acceleration errors enter with the other sign).
  const f00 = p00 + dt * p01 + h * p02;
  const f01 = p01 + dt * p11 + h * p12;
  const f02 = p02 + dt * p12 + h * p22;
  const f11 = p11 + dt * p12;
  const f12 = p12 + dt * p22;
  out[at] = x + v * dt + a * h;
  out[at + 1] = v + a * dt;
  out[at + 2] = a;
  out[at + 3] = f00 + dt * f01 + h * f02 + (jerk * d2 * d2 * d) / 20;
  out[at + 4] = f01 + dt * f02 + (jerk * d2 * d2 * (dt < 0 ? -1 : 1)) / 8;
  out[at + 5] = f02 + (jerk * d2 * d) / 6;
  out[at + 6] = f11 + dt * f12 + (jerk * d2 * d) / 3;
  out[at + 7] = f12 + (jerk * d2 * (dt < 0 ? -1 : 1)) / 2;
  out[at + 8] = p22 + jerk * d;
}

/** Corrects a predicted state in place with a transition seen at grid place `place`. */
export function updatePlace(state: Float64Array, at: number, place: number, jitter: number): void {
  const p00 = state[at + 3]!;
  const p01 = state[at + 4]!;
  const p02 = state[at + 5]!;
  const s = p00 + jitter;
  const residual = place - state[at]!;
  const k0 = p00 / s;
  const k1 = p01 / s;
  const k2 = p02 / s;
  state[at] = state[at]! + k0 * residual;
  state[at + 1] = state[at + 1]! + k1 * residual;
  state[at + 2] = state[at + 2]! + k2 * residual;
  state[at + 3] = p00 - k0 * p00;
  state[at + 4] = p01 - k0 * p01;
  state[at + 5] = p02 - k0 * p02;
  state[at + 6] = state[at + 6]! - k1 * p01;
  state[at + 7] = state[at + 7]! - k1 * p02;
  state[at + 8] = state[at + 8]! - k2 * p02;
}
