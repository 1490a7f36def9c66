/**
 * GAIL's discriminator: the loss and its logit gradients in closed form, the
 * Bernoulli entropy, the reward −log(1 − D + 1e-8), and a small network that
 * learns to separate expert from policy samples and then rewards expert-like
 * behaviour more (the sign GAIL needs).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/core/math/rng';
import { bernoulliEntropy, Discriminator, discriminatorLoss, gailReward } from '../../src/main/core/learn/discriminator';
import { shuffledIndices } from '../../src/main/core/learn/minibatch';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => Math.log(1 + Math.exp(z));
/** H(p) = −p ln p − (1 − p) ln(1 − p), written from the definition. */
const entropyOfP = (p: number) => -p * Math.log(p) - (1 - p) * Math.log(1 - p);
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

describe('discriminatorLoss', () => {
  const zp = [0.5, -1.2, 2.0];
  const ze = [1.5, -0.3, 0.7, -2.5];

  for (const c of [0, 1e-3, 0.5]) {
    it(`equals mean softplus(z_policy) + mean softplus(−z_expert) − c·mean entropy over all logits (c = ${c})`, () => {
      const all = [...zp, ...ze];
      const ent = mean(all.map((z) => entropyOfP(sigmoid(z))));
      const want = mean(zp.map(softplus)) + mean(ze.map((z) => softplus(-z))) - c * ent;
      const got = discriminatorLoss(zp, ze, c);
      expect(got.loss).toBeCloseTo(want, 12);
      expect(got.entropy).toBeCloseTo(ent, 12);
    });
  }

  it('matches hand-computed numbers for one policy and one expert logit of 0 (loss 2·ln 2 − c·ln 2)', () => {
    const got = discriminatorLoss([0], [0], 0.1);
    expect(got.loss).toBeCloseTo(2 * Math.LN2 - 0.1 * Math.LN2, 12);
    // dL/dz_p = σ(0) = 0.5; dL/dz_e = σ(0) − 1 = −0.5; the entropy term is flat at 0.
    expect(got.dPolicy[0]).toBeCloseTo(0.5, 12);
    expect(got.dExpert[0]).toBeCloseTo(-0.5, 12);
  });

  it('is stable for large logits (no Infinity/NaN at ±50)', () => {
    const got = discriminatorLoss([50, -50], [-50, 50], 1e-3);
    expect(Number.isFinite(got.loss)).toBe(true);
    // softplus(50)/2 + softplus(50)/2 ≈ 50 for the two wrong-side logits.
    expect(got.loss).toBeCloseTo(50, 6);
    for (const g of [...got.dPolicy, ...got.dExpert]) expect(Number.isFinite(g)).toBe(true);
  });

  for (const c of [0, 1e-3, 0.5]) {
    it(`returns gradients dPolicy/dExpert equal to central differences of the loss (c = ${c})`, () => {
      const got = discriminatorLoss(zp, ze, c);
      const h = 1e-6;
      const fd = (which: 'p' | 'e', i: number) => {
        const p1 = [...zp];
        const e1 = [...ze];
        const p2 = [...zp];
        const e2 = [...ze];
        if (which === 'p') {
          p1[i] += h;
          p2[i] -= h;
        } else {
          e1[i] += h;
          e2[i] -= h;
        }
        return (discriminatorLoss(p1, e1, c).loss - discriminatorLoss(p2, e2, c).loss) / (2 * h);
      };
      expect(got.dPolicy.length).toBe(zp.length);
      expect(got.dExpert.length).toBe(ze.length);
      for (let i = 0; i < zp.length; i++) expect(got.dPolicy[i]).toBeCloseTo(fd('p', i), 7);
      for (let i = 0; i < ze.length; i++) expect(got.dExpert[i]).toBeCloseTo(fd('e', i), 7);
    });
  }
});

describe('bernoulliEntropy', () => {
  it('is ln 2 at logit 0 (p = 0.5)', () => {
    expect(bernoulliEntropy(0)).toBeCloseTo(Math.LN2, 14);
  });

  it('is symmetric in the logit and equals −p ln p − (1 − p) ln(1 − p)', () => {
    for (const z of [0.1, 0.8, 2, 5, 12]) {
      expect(bernoulliEntropy(z)).toBeCloseTo(bernoulliEntropy(-z), 12);
      expect(bernoulliEntropy(z)).toBeCloseTo(entropyOfP(sigmoid(z)), 12);
    }
  });

  it('decreases towards 0 as the logit grows and stays finite for large logits', () => {
    expect(bernoulliEntropy(1)).toBeLessThan(bernoulliEntropy(0.5));
    expect(bernoulliEntropy(40)).toBeGreaterThanOrEqual(0);
    expect(bernoulliEntropy(40)).toBeLessThan(1e-15);
    expect(Number.isFinite(bernoulliEntropy(-800))).toBe(true);
  });
});

describe('gailReward', () => {
  const zs = [-20, -5, -1, -0.1, 0, 0.3, 1, 3, 8, 15];

  it('equals −log(1 − σ(z) + 1e-8)', () => {
    for (const z of zs) expect(gailReward(z)).toBeCloseTo(-Math.log(1 - sigmoid(z) + 1e-8), 10);
  });

  it('is strictly increasing in the logit (more expert-like → more reward)', () => {
    for (let i = 1; i < zs.length; i++) expect(gailReward(zs[i])).toBeGreaterThan(gailReward(zs[i - 1]));
  });

  it('is positive wherever D > 1e-8 (logit > −18) and never below −log(1 + 1e-8) ≈ −1e-8 (the +1e-8 guard)', () => {
    for (const z of zs) {
      if (z > -18) expect(gailReward(z)).toBeGreaterThan(0);
      expect(gailReward(z)).toBeGreaterThanOrEqual(-Math.log(1 + 1e-8));
    }
    expect(gailReward(-800)).toBeCloseTo(0, 7);
  });

  it('is capped near −log(1e-8) ≈ 18.4 for very confident logits', () => {
    expect(gailReward(60)).toBeCloseTo(-Math.log(1e-8), 6);
    expect(gailReward(0)).toBeCloseTo(Math.LN2, 6);
  });
});

describe('Discriminator (network)', () => {
  const obsDim = 3;
  const actDim = 1;
  const rows = 64;

  /** A cloud of (obs, action) rows around `centre` in every obs coordinate. */
  function cloud(rng: Rng, centre: number, n: number) {
    const obs = Float32Array.from({ length: n * obsDim }, () => centre + 0.5 * rng.normal());
    const actions = Float32Array.from({ length: n * actDim }, () => 0.5 * centre + 0.3 * rng.normal());
    return { obs, actions };
  }

  it('learns to separate policy (obs ≈ −1) from expert (obs ≈ +1) samples, rewards expert-like samples more, and lowers its loss', () => {
    const rng = new Rng(42);
    const disc = new Discriminator(obsDim, actDim, [32, 32], 1e-2, 1e-3, new Rng(1));
    const losses: number[] = [];
    let last = { loss: 0, expertAccuracy: 0, policyAccuracy: 0, entropy: 0 };
    for (let step = 0; step < 200; step++) {
      const p = cloud(rng, -1, rows);
      const e = cloud(rng, 1, rows);
      last = disc.train(p.obs, p.actions, e.obs, e.actions, rows);
      losses.push(last.loss);
      expect(Number.isFinite(last.loss)).toBe(true);
    }
    expect(last.expertAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(last.policyAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(mean(losses.slice(-20))).toBeLessThan(0.5 * mean(losses.slice(0, 5)));

    // Held-out samples: logits separate and the reward favours the expert side.
    const p = cloud(rng, -1, 200);
    const e = cloud(rng, 1, 200);
    const zp = disc.logits(p.obs, p.actions, 200);
    const ze = disc.logits(e.obs, e.actions, 200);
    expect(zp.filter((z) => z < 0).length / 200).toBeGreaterThanOrEqual(0.9);
    expect(ze.filter((z) => z > 0).length / 200).toBeGreaterThanOrEqual(0.9);
    const rp = disc.rewards(p.obs, p.actions, 200);
    const re = disc.rewards(e.obs, e.actions, 200);
    expect(rp.length).toBe(200);
    expect(mean(re)).toBeGreaterThan(mean(rp) + 1);
    for (const r of [...rp, ...re]) expect(r).toBeGreaterThan(0);
    // Rewards are gailReward of the logits.
    expect(re[0]).toBeCloseTo(gailReward(ze[0]), 10);
    expect(disc.logits(p.obs, p.actions, 0).length).toBe(0);
  });

  it('restores a saved state: the same logits after setState on a fresh discriminator', () => {
    const rng = new Rng(5);
    const a = new Discriminator(obsDim, actDim, [8], 1e-2, 1e-3, new Rng(2));
    for (let step = 0; step < 5; step++) {
      const p = cloud(rng, -1, 16);
      const e = cloud(rng, 1, 16);
      a.train(p.obs, p.actions, e.obs, e.actions, 16);
    }
    const b = new Discriminator(obsDim, actDim, [8], 1e-2, 1e-3, new Rng(3));
    b.setState(a.getState());
    const q = cloud(rng, 0, 10);
    expect(Array.from(b.logits(q.obs, q.actions, 10))).toEqual(Array.from(a.logits(q.obs, q.actions, 10)));
  });

  it('trainEpoch: d_step minibatches of shuffled policy rows, each against as many uniformly drawn expert pairs, stats averaged', () => {
    const data = new Rng(7);
    const policyRows = 50;
    const steps = 3;
    const p = cloud(data, -1, policyRows);
    const policyObs = Float64Array.from(p.obs);
    const policyActions = Float64Array.from(p.actions);
    const expert = { ...cloud(data, 1, 20), count: 20 };
    const byEpoch = new Discriminator(obsDim, actDim, [8], 1e-2, 1e-3, new Rng(4));
    const byHand = new Discriminator(obsDim, actDim, [8], 1e-2, 1e-3, new Rng(4));
    const epochRng = new Rng(9);
    const stats = byEpoch.trainEpoch(policyObs, policyActions, policyRows, expert, steps, epochRng);

    // The same steps written out: 50 rows in 3 parts of 16 (2 left out), a Fisher–Yates
    // order first, then one expert draw per policy row.
    const handRng = new Rng(9);
    const order = shuffledIndices(policyRows, handRng);
    const batch = 16;
    const sums = [0, 0, 0, 0];
    for (let step = 0; step < steps; step++) {
      const po = new Float64Array(batch * obsDim);
      const pa = new Float64Array(batch * actDim);
      const eo = new Float32Array(batch * obsDim);
      const ea = new Float32Array(batch * actDim);
      for (let k = 0; k < batch; k++) {
        const i = order[step * batch + k];
        for (let j = 0; j < obsDim; j++) po[k * obsDim + j] = policyObs[i * obsDim + j];
        pa[k] = policyActions[i];
        const e = handRng.int(expert.count);
        for (let j = 0; j < obsDim; j++) eo[k * obsDim + j] = expert.obs[e * obsDim + j];
        ea[k] = expert.actions[e];
      }
      const st = byHand.train(po, pa, eo, ea, batch);
      sums[0] += st.loss;
      sums[1] += st.expertAccuracy;
      sums[2] += st.policyAccuracy;
      sums[3] += st.entropy;
    }
    expect([stats.loss, stats.expertAccuracy, stats.policyAccuracy, stats.entropy]).toEqual(sums.map((x) => x / steps));
    expect(stats.gradientPenalty).toBe(0);
    expect(epochRng.getState()).toEqual(handRng.getState());
    const q = cloud(data, 0, 10);
    expect(Array.from(byEpoch.logits(q.obs, q.actions, 10))).toEqual(Array.from(byHand.logits(q.obs, q.actions, 10)));
  });
});

describe('Discriminator regularisation', () => {
  const obsDim = 3;
  const actDim = 2;
  const rows = 64;
  function batch(rng: Rng, centre: number, actScale: number) {
    return {
      obs: Float32Array.from({ length: rows * obsDim }, () => centre + 0.5 * rng.normal()),
      actions: Float32Array.from({ length: rows * actDim }, () => actScale * (centre + 0.3 * rng.normal())),
    };
  }
  const trainFor = (disc: Discriminator, steps: number, seed: number, actScale = 1) => {
    const rng = new Rng(seed);
    let st = disc.train(new Float32Array(rows * obsDim), new Float32Array(rows * actDim), new Float32Array(rows * obsDim), new Float32Array(rows * actDim), rows);
    for (let i = 0; i < steps; i++) {
      const p = batch(rng, -1, actScale);
      const e = batch(rng, 1, actScale);
      st = disc.train(p.obs, p.actions, e.obs, e.actions, rows);
    }
    return st;
  };

  it('a gradient penalty keeps the input gradient near its target where the unpenalised D grows steep', () => {
    const plain = new Discriminator(obsDim, actDim, [32, 32], 1e-2, 0, new Rng(1), { gradientPenalty: 0 });
    const penalised = new Discriminator(obsDim, actDim, [32, 32], 1e-2, 0, new Rng(1), { gradientPenalty: 10, gradientPenaltyTarget: 1 });
    const a = trainFor(plain, 300, 9);
    const b = trainFor(penalised, 300, 9);
    expect(a.gradientPenalty).toBe(0);
    expect(a.inputGradNorm).toBe(0);
    expect(b.gradientPenalty).toBeGreaterThan(0);
    // The penalised D's mean input-gradient norm on interpolates stays close to 1 …
    expect(Math.abs(b.inputGradNorm - 1)).toBeLessThan(0.35);
    // … while the unpenalised one, measured the same way, is much steeper.
    const probe = new Discriminator(obsDim, actDim, [32, 32], 1e-2, 0, new Rng(1), { gradientPenalty: 1e-12 });
    probe.setState(plain.getState());
    const rng = new Rng(4);
    const p = batch(rng, -1, 1);
    const e = batch(rng, 1, 1);
    expect(probe.train(p.obs, p.actions, e.obs, e.actions, rows).inputGradNorm).toBeGreaterThan(2 * b.inputGradNorm);
    // Both still tell the two clouds apart.
    expect(b.expertAccuracy).toBeGreaterThan(0.9);
    expect(b.policyAccuracy).toBeGreaterThan(0.9);
  });

  it('normalised actions: a D on actions scaled by 1000 gives the same logits as one on unscaled actions', () => {
    const small = new Discriminator(obsDim, actDim, [16], 1e-2, 1e-3, new Rng(5), { normalizeActions: true });
    const large = new Discriminator(obsDim, actDim, [16], 1e-2, 1e-3, new Rng(5), { normalizeActions: true });
    trainFor(small, 30, 3, 1);
    trainFor(large, 30, 3, 1000);
    const rng = new Rng(8);
    const q = batch(rng, 0, 1);
    const qLarge = Float32Array.from(q.actions, (v) => v * 1000);
    const zs = small.logits(q.obs, q.actions, rows);
    const zl = large.logits(q.obs, qLarge, rows);
    for (let i = 0; i < rows; i++) expect(zl[i]).toBeCloseTo(zs[i], 3);
  });

  it('resumes bit-identically: training after setState equals uninterrupted training (penalty rng and action normaliser in the state)', () => {
    const reg = { gradientPenalty: 5, normalizeActions: true } as const;
    const a = new Discriminator(obsDim, actDim, [16, 16], 1e-2, 1e-3, new Rng(6), reg);
    trainFor(a, 10, 1);
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const b = new Discriminator(obsDim, actDim, [16, 16], 1e-2, 1e-3, new Rng(99), reg);
    b.setState(saved);
    const sa = trainFor(a, 10, 2);
    const sb = trainFor(b, 10, 2);
    expect(sb).toEqual(sa);
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });
});
