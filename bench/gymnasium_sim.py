"""Gymnasium's own env steps/s for one MuJoCo v5 task, for bench/sim.ts --gymnasium.

Actions are drawn uniformly from the action box before timing, as bench/sim.ts
does for ours; the env resets on termination or truncation. Prints one JSON line.
"""
import argparse
import json
import time

import gymnasium as gym
import mujoco
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--env", required=True)
parser.add_argument("--seconds", type=float, default=2.5)
args = parser.parse_args()

env = gym.make(args.env)
rng = np.random.default_rng(0)
low, high = env.action_space.low, env.action_space.high
actions = rng.uniform(low, high, size=(2048, low.shape[0]))
env.reset(seed=0)


def run(steps, start):
    episodes = 0
    for t in range(steps):
        _, _, terminated, truncated, _ = env.step(actions[(start + t) % len(actions)])
        if terminated or truncated:
            env.reset()
            episodes += 1
    return episodes


# Warm up, then time whole rounds until the budget is spent.
run(2000, 0)
steps, seconds, episodes, done = 0, 0.0, 0, 2000
while seconds < args.seconds:
    t0 = time.perf_counter()
    episodes += run(1000, done)
    seconds += time.perf_counter() - t0
    steps += 1000
    done += 1000
print(json.dumps({
    "env": args.env,
    "envStepsPerSec": steps / seconds,
    "envSteps": steps,
    "episodes": episodes,
    "seconds": seconds,
    "gymnasium": gym.__version__,
    "mujoco": mujoco.__version__,
}))
