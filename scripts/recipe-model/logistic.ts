/**
 * L2-regularised logistic regression on sparse rows, fitted by L-BFGS. Deterministic: no randomness, a fixed
 * iteration order, so the same data always gives the same weights.
 *
 * Minimises  sum_i c_i * log(1 + exp(-y_i * (b + x_i . w)))  +  (lambda / 2) * sum_j (w_j - prior_j)^2
 * where c_i weighs each class equally overall and the prior pulls a feature with little data towards the weight
 * the rubric gives it (0 for words). The bias b is not regularised.
 */

export interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
}

export interface FitOptions {
  lambda: number;
  /** Prior weight per feature index (length = feature count). */
  prior: Float64Array;
  maxIterations?: number;
  /** Per feature, how many times lambda pulls it towards its prior (1 when not given). */
  priorStrength?: Float64Array;
}

export interface Fitted {
  bias: number;
  weights: Float64Array;
  iterations: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Parameter vector layout: [bias, w_0 … w_{n-1}]. */
function objective(
  theta: Float64Array,
  rows: SparseRow[],
  y: Int8Array,
  c: Float64Array,
  options: FitOptions,
  grad: Float64Array,
): number {
  grad.fill(0);
  let f = 0;
  const bias = theta[0]!;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let z = bias;
    for (let k = 0; k < row.indices.length; k++) z += theta[row.indices[k]! + 1]! * row.values[k]!;
    const margin = y[i]! * z;
    // log(1 + exp(-m)) computed stably.
    f += c[i]! * (margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin)));
    const g = (-c[i]! * y[i]!) / (1 + Math.exp(margin));
    grad[0] = grad[0]! + g;
    for (let k = 0; k < row.indices.length; k++) {
      const j = row.indices[k]! + 1;
      grad[j] = grad[j]! + g * row.values[k]!;
    }
  }
  const { lambda, prior, priorStrength } = options;
  for (let j = 0; j < prior.length; j++) {
    const d = theta[j + 1]! - prior[j]!;
    const l = priorStrength ? lambda * priorStrength[j]! : lambda;
    f += 0.5 * l * d * d;
    grad[j + 1] = grad[j + 1]! + l * d;
  }
  return f;
}

export function fitLogistic(rows: SparseRow[], labels: readonly boolean[], options: FitOptions): Fitted {
  const n = options.prior.length;
  const dim = n + 1;
  const y = Int8Array.from(labels, (l) => (l ? 1 : -1));
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const c = Float64Array.from(labels, (l) =>
    l ? labels.length / (2 * Math.max(1, positives)) : labels.length / (2 * Math.max(1, negatives)),
  );
  const theta = new Float64Array(dim);
  theta.set(options.prior, 1);
  const grad = new Float64Array(dim);
  let f = objective(theta, rows, y, c, options, grad);
  const memory = 10;
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const maxIterations = options.maxIterations ?? 400;
  const direction = new Float64Array(dim);
  const alpha = new Float64Array(memory);
  const nextTheta = new Float64Array(dim);
  const nextGrad = new Float64Array(dim);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    // Two-loop recursion: direction = -H * grad.
    direction.set(grad);
    for (let k = sList.length - 1; k >= 0; k--) {
      alpha[k] = rhoList[k]! * dot(sList[k]!, direction);
      const yk = yList[k]!;
      const a = alpha[k]!;
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! - a * yk[j]!;
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = dot(sList[last]!, yList[last]!) / dot(yList[last]!, yList[last]!);
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! * gamma;
    } else {
      const norm = Math.sqrt(dot(grad, grad)) || 1;
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! / norm;
    }
    for (let k = 0; k < sList.length; k++) {
      const beta = rhoList[k]! * dot(yList[k]!, direction);
      const sk = sList[k]!;
      const a = alpha[k]!;
      for (let j = 0; j < dim; j++) direction[j] = direction[j]! + (a - beta) * sk[j]!;
    }
    for (let j = 0; j < dim; j++) direction[j] = -direction[j]!;
    let slope = dot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      for (let j = 0; j < dim; j++) direction[j] = -grad[j]!;
      slope = dot(grad, direction);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let nextF = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < dim; j++) nextTheta[j] = theta[j]! + step * direction[j]!;
      nextF = objective(nextTheta, rows, y, c, options, nextGrad);
      if (nextF <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(nextF < f)) break;
    const s = new Float64Array(dim);
    const yv = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      s[j] = nextTheta[j]! - theta[j]!;
      yv[j] = nextGrad[j]! - grad[j]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(yv);
      rhoList.push(1 / sy);
    }
    const decrease = f - nextF;
    theta.set(nextTheta);
    grad.set(nextGrad);
    f = nextF;
    if (decrease < 1e-10 * Math.max(1, Math.abs(f)) || Math.sqrt(dot(grad, grad)) < 1e-7) break;
  }
  return { bias: theta[0]!, weights: theta.slice(1), iterations };
}
