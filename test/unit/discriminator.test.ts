/**
 * GAIL's discriminator: the loss and its logit gradients in closed form, the
 * Bernoulli entropy, the reward −log(1 − D + 1e-8), and a small network that
 * learns to separate expert from policy samples and then rewards expert-like
 * behaviour more (the sign GAIL needs).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/core/math/rng';
import { bernoulliEntropy, Discriminator, discriminatorLoss, gailReward } from '../../src/main/core/learn/discriminator';

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
});
