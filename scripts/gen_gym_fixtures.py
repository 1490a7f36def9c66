#!/usr/bin/env python3
"""Generate Gymnasium MuJoCo v5 reference fixtures for the TypeScript test suite.

What it does
------------
For each of InvertedPendulum-v5, Hopper-v5, Walker2d-v5, HalfCheetah-v5, Ant-v5,
Humanoid-v5 and HumanoidStandup-v5 (default constructor arguments, created with
``gymnasium.make``) this script writes ``<out>/<EnvId>.json`` containing

* ``model``    - model sizes, masses, timing, action bounds, init state;
* ``cases``    - single ``env.step`` results from explicitly given states: states
                 from the reset distribution, states visited by random-action
                 rollouts (incl. contact-rich / fallen states), out-of-bounds and
                 all-zero actions, and constructed states that trigger each
                 termination condition (plus healthy states near each boundary);
* ``rollouts`` - multi-step chains (no reset in between, so MuJoCo's warm start
                 carries over between steps), stopped early at termination;
* ``geometry`` - geom/body world poses of one non-trivial configuration.

Contract of a step case (the TypeScript side must implement exactly this)::

    env.reset(seed=RESET_SEED)            # mj_resetData: qacc_warmstart, ctrl,
                                          # cfrc_ext, ... are zero
    env.unwrapped.set_state(qpos, qvel)   # copies qpos/qvel, then mj_forward
    obsBefore = env.unwrapped._get_obs()
    obs, reward, terminated, truncated, info = env.step(np.float64 action)
    terms = {k: info[k] for k in info if k.startswith("reward_")}

A rollout is the same, followed by further ``env.step`` calls on the same env.
The result does not depend on RESET_SEED (``--check`` verifies this, and also
verifies that a plain ``MjData`` + set qpos/qvel + ``mj_forward`` + ``mj_step``
x frame_skip + ``mj_rnePostConstraint`` reproduces the physics bit for bit).

Floats are written with Python's shortest round-trip repr, so every number
parses back (in Python or JavaScript) to the identical float64. NaN/inf are
rejected (``allow_nan=False``).

Requirements (exact versions are asserted at start-up)::

    pip install gymnasium==1.3.0 mujoco==3.14.0 numpy
    # gymnasium.envs.mujoco also imports imageio and packaging:
    pip install imageio packaging

Usage::

    python scripts/gen_gym_fixtures.py [--out test/fixtures/gymnasium]
    python scripts/gen_gym_fixtures.py --check [--out test/fixtures/gymnasium]

``--check`` does not write anything: it reloads every JSON file and re-runs every
case, rollout and the geometry in fresh environments, asserting exact
(``np.array_equal`` / ``==``) reproduction.

Deterministic: all randomness comes from fixed numpy Generator seeds and fixed
``env.reset`` seeds, so re-running the script produces byte-identical files
(on the same platform / library build).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

import numpy as np

REQUIRED_GYMNASIUM = "1.3.0"
REQUIRED_MUJOCO = "3.14.0"

# Seed passed to env.reset() before every case and rollout. The results do not
# depend on it (set_state overwrites the reset state); --check re-runs with
# CHECK_RESET_SEED to prove that.
RESET_SEED = 0
CHECK_RESET_SEED = 987654

DEFAULT_OUT = os.path.join("test", "fixtures", "gymnasium")

ENV_IDS = [
    "InvertedPendulum-v5",
    "Hopper-v5",
    "Walker2d-v5",
    "HalfCheetah-v5",
    "Ant-v5",
    "Humanoid-v5",
    "HumanoidStandup-v5",
]


def _import_libs():
    # PassiveEnvChecker warns e.g. about InvertedPendulum's int reward; the
    # warnings are irrelevant for the fixtures.
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import gymnasium
    import mujoco

    assert gymnasium.__version__ == REQUIRED_GYMNASIUM, (
        f"gymnasium {REQUIRED_GYMNASIUM} required, found {gymnasium.__version__}"
    )
    assert mujoco.__version__ == REQUIRED_MUJOCO, (
        f"mujoco {REQUIRED_MUJOCO} required, found {mujoco.__version__}"
    )
    return gymnasium, mujoco


gym, mujoco = _import_libs()


# ----------------------------------------------------------------------------
# Per-environment configuration
# ----------------------------------------------------------------------------
# rng_seed:        base seed of the numpy Generators of this env: cases use
#                  default_rng([rng_seed, 1]), harvest rollout h uses
#                  default_rng([rng_seed, 2, h]), fixture rollout i uses
#                  default_rng([rng_seed, 3, i]) (independent streams, so
#                  editing one section does not change the others)
# reset_seeds:     env.reset(seed=k) states used as cases (reset distribution)
# harvest:         list of (reset seed, action scale, [steps at which to take
#                  the state]) random-action rollouts; they continue past
#                  termination so fallen / lying states are included
# n_oob:           number of out-of-bounds-action cases
# rollout_steps:   length of fixture rollouts
# rollouts:        list of (kind, action scale); kind "reset" starts from the
#                  env.reset(seed=ROLLOUT_RESET_SEED) state with uniform random
#                  actions in scale x bounds, "harvest:<i>" likewise from the i-th
#                  harvested state, "pd" (InvertedPendulum only) from the reset
#                  state with a stabilising linear feedback + uniform noise in
#                  scale x bounds (pure random actions topple the pole within a
#                  few steps); the applied actions are stored either way
# min_longest:     the longest rollout must have at least this many steps
#                  (Hopper/Walker2d fall passively within ~100 steps, so their
#                  random rollouts end early by termination)
SMALL = dict(rollout_steps=100)
CONFIG = {
    "InvertedPendulum-v5": dict(
        rng_seed=1001,
        reset_seeds=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        harvest=[(101, 0.3, [2, 5, 8, 12, 16, 20, 25, 30]),
                 (102, 0.15, [3, 6, 10, 15, 20, 30, 40, 50])],
        n_oob=6,
        rollouts=[("pd", 0.1), ("reset", 1.0)],
        min_longest=100,
        **SMALL,
    ),
    "Hopper-v5": dict(
        rng_seed=1002,
        reset_seeds=[1, 2, 3, 4, 5, 6, 7, 8],
        harvest=[(101, 1.0, [3, 8, 15, 25, 40, 60, 100, 150]),
                 (102, 1.0, [5, 12, 20, 30, 50, 80, 120, 200])],
        n_oob=6,
        rollouts=[("reset", 1.0), ("reset", 0.1), ("harvest:0", 0.1)],
        min_longest=50,
        **SMALL,
    ),
    "Walker2d-v5": dict(
        rng_seed=1003,
        reset_seeds=[1, 2, 3, 4, 5, 6, 7, 8],
        harvest=[(101, 1.0, [3, 8, 15, 25, 40, 60, 100, 150]),
                 (102, 1.0, [5, 12, 20, 30, 50, 80, 120, 200])],
        n_oob=6,
        rollouts=[("reset", 1.0), ("reset", 0.1), ("harvest:0", 0.1)],
        min_longest=50,
        **SMALL,
    ),
    "HalfCheetah-v5": dict(
        rng_seed=1004,
        reset_seeds=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        harvest=[(101, 1.0, [3, 8, 15, 25, 40, 60, 100, 150, 250]),
                 (102, 1.0, [5, 12, 20, 30, 50, 80, 120, 200, 300])],
        n_oob=6,
        rollouts=[("reset", 1.0), ("harvest:4", 1.0)],
        min_longest=100,
        **SMALL,
    ),
    "Ant-v5": dict(
        rng_seed=1005,
        reset_seeds=[1, 2, 3, 4, 5, 6, 7, 8],
        harvest=[(101, 1.0, [3, 8, 15, 25, 40, 60, 100, 150]),
                 (102, 1.0, [5, 12, 20, 30, 50, 80, 120, 200])],
        n_oob=5,
        rollouts=[("reset", 1.0), ("harvest:14", 1.0), ("harvest:11", 1.0)],
        min_longest=100,
        **SMALL,
    ),
    "Humanoid-v5": dict(
        rng_seed=1006,
        reset_seeds=[1, 2, 3, 4],
        harvest=[(101, 1.0, [5, 12, 20, 30, 60, 100, 150]),
                 (102, 0.3, [10, 25, 40, 60, 100]),
                 (103, 1.0, [45, 90, 200])],
        n_oob=3,
        rollouts=[("reset", 0.3), ("reset", 1.0), ("harvest:1", 1.0)],
        rollout_steps=30,
        min_longest=30,
    ),
    "HumanoidStandup-v5": dict(
        rng_seed=1007,
        reset_seeds=[1, 2, 3, 4],
        harvest=[(101, 1.0, [5, 12, 20, 30, 60, 100, 150]),
                 (102, 0.3, [10, 25, 40, 60, 100]),
                 (103, 1.0, [45, 90, 200])],
        n_oob=3,
        rollouts=[("reset", 1.0), ("harvest:3", 1.0), ("harvest:6", 0.3)],
        rollout_steps=30,
        min_longest=30,
    ),
}
ROLLOUT_RESET_SEED = 4242


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------
def make_env(env_id):
    return gym.make(env_id)


def fl(a):
    """float64 array / scalar -> nested Python floats (json writes repr)."""
    return np.asarray(a, dtype=np.float64).tolist()


def bounds(env):
    sp = env.action_space
    return sp.low.astype(np.float64), sp.high.astype(np.float64)


def reward_terms(info):
    return {k: float(v) for k, v in info.items() if k.startswith("reward_")}


def run_case(env_id, qpos, qvel, action, reset_seed=RESET_SEED):
    """One step case, exactly per the contract. Returns (case dict, env)."""
    env = make_env(env_id)
    env.reset(seed=reset_seed)
    u = env.unwrapped
    u.set_state(np.array(qpos, dtype=np.float64), np.array(qvel, dtype=np.float64))
    obs_before = u._get_obs().copy()
    obs, reward, terminated, truncated, info = env.step(np.asarray(action, dtype=np.float64))
    assert truncated is False
    res = {
        "obsBefore": np.array(obs_before, dtype=np.float64),
        "obs": np.array(obs, dtype=np.float64),
        "reward": float(reward),
        "terminated": bool(terminated),
        "terms": reward_terms(info),
    }
    return res, env


def run_rollout(env_id, qpos, qvel, actions, reset_seed=RESET_SEED, policy=None, n_steps=None):
    """Rollout per the contract. Either a list of actions, or policy(obs)->action
    for n_steps steps (obs = previous observation, obsBefore for step 1)."""
    env = make_env(env_id)
    env.reset(seed=reset_seed)
    env.unwrapped.set_state(np.array(qpos, dtype=np.float64), np.array(qvel, dtype=np.float64))
    out = {"actions": [], "obs": [], "rewards": [], "terminated": [], "terms": []}
    obs = env.unwrapped._get_obs().copy()
    for t in range(len(actions) if policy is None else n_steps):
        a = actions[t] if policy is None else policy(obs)
        obs, reward, terminated, truncated, info = env.step(np.asarray(a, dtype=np.float64))
        assert truncated is False
        out["actions"].append(np.asarray(a, dtype=np.float64))
        out["obs"].append(np.array(obs, dtype=np.float64))
        out["rewards"].append(float(reward))
        out["terminated"].append(bool(terminated))
        out["terms"].append(reward_terms(info))
        if terminated:
            break
    env.close()
    return out


def geometry(model, qpos):
    d = mujoco.MjData(model)
    d.qpos[:] = qpos
    mujoco.mj_kinematics(model, d)
    return {
        "qpos": fl(qpos),
        "geomType": [int(t) for t in model.geom_type],
        "geomSize": fl(model.geom_size),
        "geomXpos": fl(d.geom_xpos),
        "geomXmat": fl(d.geom_xmat.reshape(-1, 9)),
        "bodyXpos": fl(d.xpos),
        "bodyXquat": fl(d.xquat),
    }


def violations(env_id, qpos, qvel, obs):
    """Names of the termination conditions that hold for the post-step state."""
    v = set()
    if env_id == "InvertedPendulum-v5":
        if abs(obs[1]) > 0.2:
            v.add("angle")
    elif env_id == "Hopper-v5":
        state = np.concatenate([qpos, qvel])[2:]
        if not qpos[1] > 0.7:
            v.add("z")
        if not -0.2 < qpos[2] < 0.2:
            v.add("angle")
        if not np.all((state > -100.0) & (state < 100.0)):
            v.add("state")
    elif env_id == "Walker2d-v5":
        if qpos[1] <= 0.8:
            v.add("z_low")
        if qpos[1] >= 2.0:
            v.add("z_high")
        if not -1.0 < qpos[2] < 1.0:
            v.add("angle")
    elif env_id == "Ant-v5":
        if qpos[2] < 0.2:
            v.add("z_low")
        if qpos[2] > 1.0:
            v.add("z_high")
    elif env_id == "Humanoid-v5":
        if qpos[2] <= 1.0:
            v.add("z_low")
        if qpos[2] >= 2.0:
            v.add("z_high")
    return v


def harvest_states(env_id, seed, scale, steps, rng):
    """Random-action rollout from env.reset(seed); returns {step: (qpos, qvel)}.

    Steps the unwrapped env, continuing after termination (fallen states)."""
    env = make_env(env_id)
    env.reset(seed=seed)
    u = env.unwrapped
    lo, hi = bounds(env)
    got = {}
    for t in range(1, max(steps) + 1):
        u.step(rng.uniform(lo * scale, hi * scale))
        if t in steps:
            got[t] = (u.data.qpos.copy(), u.data.qvel.copy())
    env.close()
    return got


# ----------------------------------------------------------------------------
# Constructed termination / near-boundary states
# ----------------------------------------------------------------------------
def constructed_states(env_id, init_qpos, init_qvel, harvested):
    """List of (label, qpos, qvel, expected violations (set) ).

    expected == set() means "healthy near the boundary" (terminated False)."""
    q0 = np.array(init_qpos, dtype=np.float64)
    v0 = np.zeros_like(np.array(init_qvel, dtype=np.float64))
    out = []

    def st(qmods=(), vmods=()):
        q = q0.copy()
        v = v0.copy()
        for i, x in qmods:
            q[i] = x
        for i, x in vmods:
            v[i] = x
        return q, v

    if env_id == "InvertedPendulum-v5":
        out.append(("terminate: |qpos[1]| (pole angle) > 0.2 (qpos[1]=0.35)", *st([(1, 0.35)]), {"angle"}))
        out.append(("terminate: |qpos[1]| (pole angle) > 0.2 (qpos[1]=-0.35)", *st([(1, -0.35)]), {"angle"}))
        out.append(("healthy near boundary: qpos[1]=0.15 (|angle| stays <= 0.2)", *st([(1, 0.15)]), set()))
    elif env_id == "Hopper-v5":
        fold = [(3, -0.6), (4, -1.6), (5, 0.0)]  # legs folded: no floor contact at low z
        out.append(("terminate: z=qpos[1] <= 0.7 (qpos[1]=0.65, legs folded, in the air)",
                    *st([(1, 0.65)] + fold), {"z"}))
        out.append(("healthy near boundary: z=qpos[1]=0.72 (> 0.7 after step, legs folded)",
                    *st([(1, 0.72)] + fold), set()))
        out.append(("terminate: |angle qpos[2]| >= 0.2 (qpos[2]=0.3)", *st([(2, 0.3)]), {"angle"}))
        out.append(("healthy near boundary: angle qpos[2]=0.17 (< 0.2)", *st([(2, 0.17)]), set()))
        out.append(("terminate: state_vector()[2:] outside (-100,100) (qvel[1]=200, obs clips it to 10)",
                    *st(vmods=[(1, 200.0)]), {"state"}))
        out.append(("healthy near boundary: qvel[1]=95 (state_vector()[2:] stays inside (-100,100))",
                    *st(vmods=[(1, 95.0)]), set()))
    elif env_id == "Walker2d-v5":
        fold = [(3, 0.0), (4, -2.0), (5, 0.0), (6, 0.0), (7, -2.0), (8, 0.0)]
        out.append(("terminate: z=qpos[1] <= 0.8 (qpos[1]=0.72, legs folded, in the air)",
                    *st([(1, 0.72)] + fold), {"z_low"}))
        out.append(("healthy near boundary: z=qpos[1]=0.85 (> 0.8 after step, legs folded)",
                    *st([(1, 0.85)] + fold), set()))
        out.append(("terminate: z=qpos[1] >= 2.0 (qpos[1]=2.3, in the air)", *st([(1, 2.3)]), {"z_high"}))
        out.append(("healthy near boundary: z=qpos[1]=1.95 (< 2.0, in the air)", *st([(1, 1.95)]), set()))
        out.append(("terminate: |angle qpos[2]| >= 1.0 (qpos[2]=1.3)", *st([(2, 1.3)]), {"angle"}))
        out.append(("healthy near boundary: angle qpos[2]=-0.9 (> -1.0)", *st([(2, -0.9)]), set()))
    elif env_id == "Ant-v5":
        out.append(("terminate: qpos[2] < 0.2 (torso placed 3 m below the floor plane, qpos[2]=-3; "
                    "still < 0.2 after the step)", *st([(2, -3.0)]), {"z_low"}))
        out.append(("healthy near boundary: qpos[2]=0.3 (low torso, legs on the floor; stays >= 0.2)",
                    *st([(2, 0.3)]), set()))
        out.append(("terminate: qpos[2] > 1.0 (qpos[2]=1.5, in the air)", *st([(2, 1.5)]), {"z_high"}))
        out.append(("healthy near boundary: qpos[2]=0.95 (<= 1.0 after the step)", *st([(2, 0.95)]), set()))
    elif env_id == "Humanoid-v5":
        # lying on the floor: from the harvested random rollout (fallen)
        fallen = [(t, s) for t, s in sorted(harvested.items()) if s[0][2] < 0.5]
        t, (q, v) = fallen[0]
        out.append((f"terminate: qpos[2] < 1.0 (fallen on the floor: random rollout step {t}, "
                    f"qpos[2]={q[2]:.3f})", q.copy(), v.copy(), {"z_low"}))
        out.append(("terminate: qpos[2] > 2.0 (qpos[2]=2.3, in the air)", *st([(2, 2.3)]), {"z_high"}))
        out.append(("healthy near boundary: qpos[2]=1.95 (< 2.0, in the air)", *st([(2, 1.95)]), set()))
        out.append(("healthy near boundary: qpos[2]=1.1 (init pose lowered by 0.3 m, feet pushed "
                    "into the floor; stays > 1.0 after the step)", *st([(2, 1.1)]), set()))
        out.append(("healthy, contact cost clipped to its max 10: feet driven into the floor "
                    "(qpos[2]=1.3, qvel[2]=-10)", *st([(2, 1.3)], [(2, -10.0)]), set()))
    elif env_id == "HalfCheetah-v5":
        out.append(("extreme state: flipped on its back (qpos[2]=pi, qpos[1]=0.3), contact-rich",
                    *st([(1, 0.3), (2, np.pi)]), None))
    elif env_id == "HumanoidStandup-v5":
        q = np.zeros_like(q0)
        q[2] = 1.4
        q[3] = 1.0
        out.append(("extreme state: standing upright (qpos[2]=1.4, identity quaternion)", q, v0.copy(), None))
        out.append(("impact cost clipped to its max 10: lying body slammed into the floor "
                    "(init pose, qvel[2]=-10)", *st(vmods=[(2, -10.0)]), None))
    return out


# ----------------------------------------------------------------------------
# Generation
# ----------------------------------------------------------------------------
def model_info(env):
    u = env.unwrapped
    m = u.model
    lo = env.action_space.low
    hi = env.action_space.high
    assert lo.dtype == np.float32 and hi.dtype == np.float32
    return {
        "nq": int(m.nq),
        "nv": int(m.nv),
        "nu": int(m.nu),
        "nbody": int(m.nbody),
        "ngeom": int(m.ngeom),
        # same (pairwise) summation as Humanoid's mass_center denominator
        "totalMass": float(m.body_mass.sum()),
        "timestep": float(m.opt.timestep),
        "frameSkip": int(u.frame_skip),
        "dt": float(u.dt),
        "obsDim": int(env.observation_space.shape[0]),
        "actDim": int(env.action_space.shape[0]),
        "actLow": [float(x) for x in lo],
        "actHigh": [float(x) for x in hi],
        "initQpos": fl(u.init_qpos),
        "initQvel": fl(u.init_qvel),
        "resetNoiseScale": float(u._reset_noise_scale),
    }


def case_record(label, qpos, qvel, action, res):
    return {
        "label": label,
        "qpos": fl(qpos),
        "qvel": fl(qvel),
        "action": fl(action),
        "obsBefore": fl(res["obsBefore"]),
        "obs": fl(res["obs"]),
        "reward": res["reward"],
        "terminated": res["terminated"],
        "terms": res["terms"],
    }


def generate_env(env_id):
    cfg = CONFIG[env_id]
    rng = np.random.default_rng([cfg["rng_seed"], 1])
    env = make_env(env_id)
    u = env.unwrapped
    lo, hi = bounds(env)
    nu = lo.size
    minfo = model_info(env)

    def rand_action(scale=1.0, g=None):
        return (rng if g is None else g).uniform(lo * scale, hi * scale)

    cases = []
    term_labels = []  # (kind, label) of constructed termination / healthy cases

    def add_case(label, qpos, qvel, action, expect=None):
        res, cenv = run_case(env_id, qpos, qvel, action)
        cu = cenv.unwrapped
        if expect is not None:
            viol = violations(env_id, cu.data.qpos, cu.data.qvel, res["obs"])
            if expect:
                assert res["terminated"] is True, (env_id, label, "expected terminated")
                assert viol == expect, (env_id, label, "violations", viol, "expected", expect)
                term_labels.append(("TERMINATED", label))
            else:
                assert res["terminated"] is False, (env_id, label, "expected healthy", viol)
                assert not viol, (env_id, label, viol)
                term_labels.append(("healthy", label))
        cenv.close()
        cases.append(case_record(label, qpos, qvel, action, res))
        return res

    # 1. reset distribution
    reset_states = []
    for k in cfg["reset_seeds"]:
        env.reset(seed=k)
        q, v = u.data.qpos.copy(), u.data.qvel.copy()
        reset_states.append((k, q, v))
        add_case(f"reset(seed={k}) state, random in-bounds action", q, v, rand_action())

    # 2. states visited by random-action rollouts (contact-rich / falling / fallen)
    harvested = []  # (label, qpos, qvel)
    harvested_by_step = {}
    for hseed, scale, steps in cfg["harvest"]:
        got = harvest_states(env_id, hseed, scale, steps, np.random.default_rng([cfg["rng_seed"], 2, hseed]))
        for t in steps:
            q, v = got[t]
            harvested.append((f"random rollout (reset seed={hseed}, action scale {scale}) step {t} state", q, v))
            harvested_by_step.setdefault(t, (q, v))
    for lab, q, v in harvested:
        add_case(f"{lab}, random in-bounds action", q, v, rand_action())

    # 3. out-of-bounds actions and an all-zero action
    pool = [(f"reset(seed={k}) state", q, v) for k, q, v in reset_states] + harvested
    for i in range(cfg["n_oob"]):
        lab, q, v = pool[int(rng.integers(len(pool)))]
        if i % 2 == 0:
            signs = rng.choice([-1.0, 1.0], size=nu)
            a = np.where(signs > 0, 1.5 * hi, 1.5 * lo)
            add_case(f"{lab}, action = 1.5x bounds with random signs (out of bounds; MuJoCo clamps ctrl)", q, v, a)
        else:
            a = rng.uniform(1.5 * lo, 1.5 * hi)
            add_case(f"{lab}, random action uniform in 1.5x bounds (partly out of bounds)", q, v, a)
    lab, q, v = harvested[len(harvested) // 2]
    add_case(f"{lab}, all-zero action", q, v, np.zeros(nu))

    # 4. constructed termination / near-boundary states
    hv = {t: s for t, s in harvested_by_step.items()}
    for lab, q, v, expect in constructed_states(env_id, u.init_qpos, u.init_qvel, hv):
        add_case(f"{lab}, random in-bounds action", q, v, rand_action(), expect=expect)

    # 5. rollouts
    rollouts = []
    for ri, (kind, scale) in enumerate(cfg["rollouts"]):
        rrng = np.random.default_rng([cfg["rng_seed"], 3, ri])
        if kind in ("reset", "pd"):
            env.reset(seed=ROLLOUT_RESET_SEED)
            q, v = u.data.qpos.copy(), u.data.qvel.copy()
            lab = f"start: reset(seed={ROLLOUT_RESET_SEED}) state"
        else:
            idx = int(kind.split(":")[1])
            lab0, q, v = harvested[idx]
            lab = f"start: {lab0}"
        if kind == "pd":
            assert env_id == "InvertedPendulum-v5"
            gains = np.array([1.0, 20.0, 1.0, 2.0])  # on obs = [x, theta, xdot, thetadot]

            def policy(o):
                return np.clip(np.array([gains @ o]) + rand_action(scale, rrng), lo, hi)

            r = run_rollout(env_id, q, v, None, policy=policy, n_steps=cfg["rollout_steps"])
            how = (f"actions = clip([1,20,1,2].obs_prev + uniform noise in {scale}x bounds, bounds) "
                   f"(stabilising feedback; the applied actions are stored)")
        else:
            actions = [rand_action(scale, rrng) for _ in range(cfg["rollout_steps"])]
            r = run_rollout(env_id, q, v, actions)
            how = f"uniform random actions in {scale}x bounds"
        n = len(r["obs"])
        end = f"terminated at step {n}" if r["terminated"][-1] else f"{n} steps, not terminated"
        rollouts.append({
            "label": f"{lab}; {how}; {end}",
            "qpos": fl(q),
            "qvel": fl(v),
            "actions": [fl(a) for a in r["actions"]],
            "obs": [fl(o) for o in r["obs"]],
            "rewards": r["rewards"],
            "terminated": r["terminated"],
            "terms": r["terms"],
        })
    full = max(len(r["obs"]) for r in rollouts)
    assert full >= cfg["min_longest"], (env_id, "longest rollout too short", full)

    # 6. geometry of a non-trivial configuration (a harvested rollout state)
    gq = harvested[2][1]
    geom = geometry(u.model, gq)

    env.close()
    return {
        "env": env_id,
        "versions": {
            "gymnasium": gym.__version__,
            "mujoco": mujoco.__version__,
            "numpy": np.__version__,
        },
        "model": minfo,
        "cases": cases,
        "rollouts": rollouts,
        "geometry": geom,
    }, term_labels


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def summary(fix, term_labels):
    m = fix["model"]
    print(f"== {fix['env']}")
    print(f"   nq={m['nq']} nv={m['nv']} nu={m['nu']} nbody={m['nbody']} ngeom={m['ngeom']} "
          f"totalMass={m['totalMass']!r} obsDim={m['obsDim']} actDim={m['actDim']} "
          f"timestep={m['timestep']!r} frameSkip={m['frameSkip']} dt={m['dt']!r}")
    print(f"   cases={len(fix['cases'])} rollouts={[len(r['obs']) for r in fix['rollouts']]}")
    for kind, lab in term_labels:
        print(f"   [{kind}] {lab}")


# ----------------------------------------------------------------------------
# Check
# ----------------------------------------------------------------------------
def _eq_terms(a, b):
    return set(a) == set(b) and all(a[k] == b[k] for k in a)


def _raw_step(model, frame_skip, qpos, qvel, action):
    """Plain MuJoCo: fresh MjData, set state, mj_forward, step, rnePostConstraint."""
    d = mujoco.MjData(model)
    d.qpos[:] = qpos
    d.qvel[:] = qvel
    mujoco.mj_forward(model, d)
    d.ctrl[:] = action
    mujoco.mj_step(model, d, nstep=frame_skip)
    mujoco.mj_rnePostConstraint(model, d)
    return d


RAW_FIELDS = ["qpos", "qvel", "xpos", "xipos", "cinert", "cvel", "qfrc_actuator", "cfrc_ext", "ctrl"]


def check_file(path):
    with open(path) as f:
        fix = json.load(f)
    env_id = fix["env"]
    env = make_env(env_id)
    u = env.unwrapped
    assert model_info(env) == fix["model"], (env_id, "model info differs")
    env.close()
    nbad = 0
    for c in fix["cases"]:
        q = np.array(c["qpos"])
        v = np.array(c["qvel"])
        a = np.array(c["action"])
        for seed in (RESET_SEED, CHECK_RESET_SEED):
            res, cenv = run_case(env_id, q, v, a, reset_seed=seed)
            ok = (np.array_equal(res["obsBefore"], np.array(c["obsBefore"]))
                  and np.array_equal(res["obs"], np.array(c["obs"]))
                  and res["reward"] == c["reward"]
                  and res["terminated"] == c["terminated"]
                  and _eq_terms(res["terms"], c["terms"]))
            if seed == RESET_SEED:
                d = _raw_step(cenv.unwrapped.model, cenv.unwrapped.frame_skip, q, v, a)
                for name in RAW_FIELDS:
                    if not np.array_equal(getattr(d, name), getattr(cenv.unwrapped.data, name)):
                        ok = False
                        print(f"   raw MuJoCo mismatch in {name}: {c['label']}")
            cenv.close()
            if not ok:
                nbad += 1
                print(f"   MISMATCH (reset seed {seed}): {c['label']}")
    for r in fix["rollouts"]:
        out = run_rollout(env_id, np.array(r["qpos"]), np.array(r["qvel"]), [np.array(a) for a in r["actions"]])
        ok = (len(out["obs"]) == len(r["obs"])
              and all(np.array_equal(x, np.array(y)) for x, y in zip(out["obs"], r["obs"]))
              and out["rewards"] == r["rewards"]
              and out["terminated"] == r["terminated"]
              and all(_eq_terms(x, y) for x, y in zip(out["terms"], r["terms"])))
        if not ok:
            nbad += 1
            print(f"   ROLLOUT MISMATCH: {r['label']}")
    env = make_env(env_id)
    g = geometry(env.unwrapped.model, np.array(fix["geometry"]["qpos"]))
    env.close()
    if g != fix["geometry"]:
        nbad += 1
        print("   GEOMETRY MISMATCH")
    print(f"{env_id}: {len(fix['cases'])} cases x2 reset seeds (+raw MuJoCo), "
          f"{len(fix['rollouts'])} rollouts, geometry: {'OK' if nbad == 0 else f'{nbad} FAILURES'}")
    return nbad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--check", action="store_true",
                    help="reload the JSON files in --out and verify they reproduce exactly")
    ap.add_argument("--env", action="append", help="only this env id (repeatable)")
    args = ap.parse_args()
    env_ids = args.env or ENV_IDS
    if args.check:
        bad = 0
        for env_id in env_ids:
            bad += check_file(os.path.join(args.out, f"{env_id}.json"))
        if bad:
            print(f"CHECK FAILED: {bad} mismatches")
            sys.exit(1)
        print("CHECK OK")
        return
    os.makedirs(args.out, exist_ok=True)
    for env_id in env_ids:
        fix, term_labels = generate_env(env_id)
        path = os.path.join(args.out, f"{env_id}.json")
        write_json(path, fix)
        summary(fix, term_labels)
        print(f"   wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
