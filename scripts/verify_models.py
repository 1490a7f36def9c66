#!/usr/bin/env python3
"""Verify that Imitation Lab's MJCF models compile to the same physics as Gymnasium's.

Imitation Lab ships its own MuJoCo models in ``resources/models/``. Their
physical parameters follow Gymnasium's MuJoCo assets (MIT licensed) so that
returns are comparable with published v5 results. This script proves it: for
every model pair (ours vs. reference) it

1. compiles both files with ``mujoco.MjModel.from_xml_path``;
2. compares every numeric ``MjModel`` attribute (arrays, size scalars,
   ``model.opt`` and ``model.stat`` fields) except the purely visual / naming /
   user-data ones listed in ``EXCLUDED_*`` below, and prints every attribute
   that differs together with its maximum absolute difference;
3. steps both models 2000 times from the same initial state with the same
   seeded random control sequence (mostly inside ``ctrlrange``, sometimes
   outside it, to exercise control clamping), calling ``mj_rnePostConstraint``
   after each step, and requires ``qpos``, ``qvel``, ``cfrc_ext``, ``cinert``,
   ``cvel``, ``qfrc_actuator`` and ``xipos`` to be bit-identical at every step;
4. prints a summary table.

It exits with status 0 only when all pairs pass.

Usage (needs the ``mujoco`` Python bindings, version 3.14, and numpy)::

    /path/to/python scripts/verify_models.py [--reference-dir ../shared/reference/gymnasium-mujoco-assets]

``--reference-dir`` defaults to ``../shared/reference/gymnasium-mujoco-assets``
resolved relative to the repository root (the parent of this ``scripts/``
directory). ``--models-dir`` defaults to ``resources/models`` in the repository.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import mujoco
import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE_DIR = (REPO_ROOT / ".." / "shared" / "reference" / "gymnasium-mujoco-assets").resolve()
DEFAULT_MODELS_DIR = REPO_ROOT / "resources" / "models"

# (our file, reference file)
PAIRS: list[tuple[str, str]] = [
    ("inverted_pendulum.xml", "inverted_pendulum.xml"),
    ("hopper.xml", "hopper.xml"),
    ("walker2d.xml", "walker2d_v5.xml"),
    ("half_cheetah.xml", "half_cheetah.xml"),
    ("ant.xml", "ant.xml"),
    ("humanoid.xml", "humanoid.xml"),
    ("humanoidstandup.xml", "humanoidstandup.xml"),
]

N_STEPS = 2000
SEED = 12345
# Probability that a step's control vector is drawn from a widened range
# (ctrlrange extended by its width on both sides) instead of from ctrlrange.
OUT_OF_RANGE_PROB = 0.1

# Data fields that must be bit-identical after every step.
STATE_FIELDS = ("qpos", "qvel", "cfrc_ext", "cinert", "cvel", "qfrc_actuator", "xipos")

# ---------------------------------------------------------------------------
# Attributes that are NOT compared. Everything else that is a numpy array or a
# number on MjModel (and every field of model.opt / model.stat) is compared.
# ---------------------------------------------------------------------------

# Exact attribute names excluded, each with the reason.
EXCLUDED_NAMES: dict[str, str] = {
    # Names: the name table and its hash map only serve name lookups.
    "names": "name strings (lookup only)",
    "nnames": "size of the name table (lookup only)",
    "names_map": "name hash map (lookup only)",
    "nnames_map": "size of the name hash map (lookup only)",
    # Asset file paths (meshes/textures/hfields): only used while compiling.
    "paths": "asset file paths",
    "npaths": "size of the asset path table",
    # Custom user data (<custom> numeric/text/tuple elements): never read by
    # the simulator; e.g. Gymnasium's ant.xml stores an unused init_qpos here.
    "nnumeric": "custom numeric data (not used by the engine)",
    "nnumericdata": "custom numeric data (not used by the engine)",
    "ntext": "custom text data (not used by the engine)",
    "ntextdata": "custom text data (not used by the engine)",
    "text_data": "custom text data (not used by the engine)",
    "ntuple": "custom tuple data (not used by the engine)",
    "ntupledata": "custom tuple data (not used by the engine)",
    # Rendering only.
    "geom_rgba": "geom colour (rendering only)",
    "geom_matid": "geom material (rendering only)",
    "site_rgba": "site colour (rendering only)",
    "site_matid": "site material (rendering only)",
    "tendon_rgba": "tendon colour (rendering only)",
    "tendon_matid": "tendon material (rendering only)",
    "flex_rgba": "flex colour (rendering only)",
    "flex_matid": "flex material (rendering only)",
    "nmat": "number of materials (rendering only)",
    "ntex": "number of textures (rendering only)",
    "ntexdata": "texture pixel buffer size (rendering only)",
    "nlight": "number of lights (rendering only)",
    "ncam": "number of cameras (rendering only)",
    # Keyframes are only read by mj_resetDataKeyframe; Gymnasium resets from
    # qpos0/qvel=0 (compared) and so does Imitation Lab, so the reference's
    # five empty humanoid keyframes are dropped.
    "nkey": "number of keyframes (only used by mj_resetDataKeyframe)",
    # Per-element user parameters (the `user` attribute / <size nuser_*>) are
    # free storage for applications; the engine never reads them. The
    # reference humanoid and half_cheetah declare nuser_geom=1.
    "nuser_body": "user parameter count (never read by the engine)",
    "nuser_jnt": "user parameter count (never read by the engine)",
    "nuser_geom": "user parameter count (never read by the engine)",
    "nuser_site": "user parameter count (never read by the engine)",
    "nuser_cam": "user parameter count (never read by the engine)",
    "nuser_tendon": "user parameter count (never read by the engine)",
    "nuser_actuator": "user parameter count (never read by the engine)",
    "nuser_sensor": "user parameter count (never read by the engine)",
    # Memory sizing. narena is the size of the mjData arena (set by <size
    # memory/nstack>), nbuffer the size of the mjModel buffer, which includes
    # visual data such as texture pixels. They decide how much is allocated,
    # not what is computed; running out of arena would raise an error/warning
    # during the rollout, which is checked.
    "narena": "mjData arena size in bytes (allocation only)",
    "nbuffer": "mjModel buffer size in bytes, includes textures (allocation only)",
    # Hash over model sizes, including the visual/user counts above.
    "signature": "hash of model sizes, includes visual/user counts",
}

# Prefixes excluded, each with the reason.
EXCLUDED_PREFIXES: dict[str, str] = {
    "name_": "offsets into the name table (lookup only)",
    "text_": "custom text data (not used by the engine)",
    "tuple_": "custom tuple data (not used by the engine)",
    "numeric_": "custom numeric data (not used by the engine)",
    "mat_": "materials (rendering only)",
    "tex_": "textures (rendering only)",
    "light_": "lights (rendering only)",
    "cam_": "cameras (rendering only)",
    "skin_": "skins (rendering only)",
    "nskin": "skins (rendering only)",
    "key_": "keyframes (only used by mj_resetDataKeyframe)",
}

# Suffixes excluded, each with the reason.
EXCLUDED_SUFFIXES: dict[str, str] = {
    "_user": "per-element user parameters (never read by the engine)",
    "_pathadr": "offsets into the asset path table",
}

# Attributes for which exact equality is impossible would be listed here with a
# justification and a tolerance of at most 1e-12. None are needed: every
# compared attribute is bit-identical.
TOLERANCES: dict[str, float] = {}

# model.opt (timestep, integrator, solver, iterations, gravity, ...) and
# model.stat are compared field by field. stat is compared too because
# stat.meaninertia scales the solver's convergence tolerance. model.vis (fog,
# znear, headlight, ...) is rendering only and not compared.
#
# Memory: the reference inverted_pendulum.xml and half_cheetah.xml set
# <size nstack>, ours use MuJoCo's default arena size (which is larger), hence
# the narena exclusion above.


def exclusion_reason(attr: str) -> str | None:
    if attr in EXCLUDED_NAMES:
        return EXCLUDED_NAMES[attr]
    for prefix, reason in EXCLUDED_PREFIXES.items():
        if attr.startswith(prefix):
            return reason
    for suffix, reason in EXCLUDED_SUFFIXES.items():
        if attr.endswith(suffix):
            return reason
    return None


def numeric_attributes(obj: object) -> dict[str, object]:
    """All public numpy-array / number attributes of a MuJoCo struct wrapper."""
    out: dict[str, object] = {}
    for attr in dir(obj):
        if attr.startswith("_"):
            continue
        try:
            value = getattr(obj, attr)
        except Exception:  # noqa: BLE001 - some properties may not be readable
            continue
        if isinstance(value, np.ndarray):
            out[attr] = value
        elif isinstance(value, (bool, int, float, np.integer, np.floating)):
            out[attr] = value
    return out


@dataclass
class Difference:
    attr: str
    detail: str
    max_abs: float
    fatal: bool


def compare_values(attr: str, ours: object, ref: object) -> Difference | None:
    a = np.asarray(ours)
    b = np.asarray(ref)
    if a.shape != b.shape:
        return Difference(attr, f"shape {a.shape} vs {b.shape}", float("inf"), True)
    if a.size == 0:
        return None
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        if np.array_equal(a, b, equal_nan=True):
            return None
        with np.errstate(invalid="ignore"):
            diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
        max_abs = float(np.nanmax(diff)) if np.any(~np.isnan(diff)) else float("nan")
    else:
        if np.array_equal(a, b):
            return None
        max_abs = float(np.max(np.abs(a.astype(np.int64) - b.astype(np.int64))))
    tol = TOLERANCES.get(attr, 0.0)
    fatal = not (max_abs <= tol)
    return Difference(attr, f"{int(np.sum(a != b))} of {a.size} entries differ", max_abs, fatal)


@dataclass
class PairResult:
    name: str
    differences: list[Difference] = field(default_factory=list)
    # reason -> excluded attributes that differ (reported, never fatal)
    excluded_differences: dict[str, list[str]] = field(default_factory=dict)
    rollout_error: str | None = None
    warnings: list[str] = field(default_factory=list)
    max_ncon: int = 0
    max_nefc: int = 0
    ok: bool = False


def compare_models(ours: mujoco.MjModel, ref: mujoco.MjModel, result: PairResult) -> None:
    groups = [
        ("", numeric_attributes(ours), numeric_attributes(ref)),
        ("opt.", numeric_attributes(ours.opt), numeric_attributes(ref.opt)),
        ("stat.", numeric_attributes(ours.stat), numeric_attributes(ref.stat)),
    ]
    for prefix, ours_attrs, ref_attrs in groups:
        for attr in sorted(set(ours_attrs) | set(ref_attrs)):
            full = prefix + attr
            reason = exclusion_reason(attr) if prefix == "" else None
            if attr not in ours_attrs or attr not in ref_attrs:
                diff = Difference(full, "missing on one side", float("inf"), True)
            else:
                diff = compare_values(full, ours_attrs[attr], ref_attrs[attr])
            if diff is None:
                continue
            if reason is not None:
                result.excluded_differences.setdefault(reason, []).append(full)
            else:
                result.differences.append(diff)


def initial_state(model: mujoco.MjModel, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Gymnasium-style reset: qpos0/zero velocity plus small uniform noise."""
    qpos = model.qpos0.copy() + rng.uniform(-0.1, 0.1, size=model.nq)
    qvel = rng.uniform(-0.1, 0.1, size=model.nv)
    mujoco.mj_normalizeQuat(model, qpos)
    return qpos, qvel


def control_sequence(model: mujoco.MjModel, rng: np.random.Generator) -> np.ndarray:
    lo, hi = model.actuator_ctrlrange[:, 0], model.actuator_ctrlrange[:, 1]
    width = hi - lo
    ctrl = rng.uniform(lo, hi, size=(N_STEPS, model.nu))
    wide = rng.uniform(lo - width, hi + width, size=(N_STEPS, model.nu))
    use_wide = rng.random(N_STEPS) < OUT_OF_RANGE_PROB
    ctrl[use_wide] = wide[use_wide]
    return ctrl


def rollout(ours: mujoco.MjModel, ref: mujoco.MjModel, result: PairResult) -> None:
    for attr in ("nq", "nv", "nu", "nbody"):
        if getattr(ours, attr) != getattr(ref, attr):
            result.rollout_error = f"{attr}: {getattr(ours, attr)} vs {getattr(ref, attr)}"
            return
    if ours.body_mass.sum() != ref.body_mass.sum():
        result.rollout_error = f"total mass {float(ours.body_mass.sum())!r} vs {float(ref.body_mass.sum())!r}"
        return

    # Random numbers are drawn from the reference model's sizes/ranges only,
    # so both rollouts get exactly the same inputs.
    rng = np.random.default_rng(SEED)
    qpos, qvel = initial_state(ref, rng)
    ctrl = control_sequence(ref, rng)

    datas = []
    for model in (ours, ref):
        data = mujoco.MjData(model)
        data.qpos[:] = qpos
        data.qvel[:] = qvel
        mujoco.mj_forward(model, data)
        datas.append(data)

    for step in range(N_STEPS):
        for model, data in zip((ours, ref), datas):
            data.ctrl[:] = ctrl[step]
            mujoco.mj_step(model, data)
            mujoco.mj_rnePostConstraint(model, data)
        d_ours, d_ref = datas
        for name in STATE_FIELDS:
            a, b = getattr(d_ours, name), getattr(d_ref, name)
            if not np.array_equal(a, b):
                max_abs = float(np.max(np.abs(a - b)))
                result.rollout_error = f"step {step + 1}: data.{name} differs (max abs diff {max_abs!r})"
                return
        result.max_ncon = max(result.max_ncon, int(d_ref.ncon))
        result.max_nefc = max(result.max_nefc, int(d_ref.nefc))
        if not np.all(np.isfinite(d_ref.qpos)):
            result.rollout_error = f"step {step + 1}: non-finite qpos"
            return

    for label, data in zip(("ours", "reference"), datas):
        for i, warning in enumerate(data.warning):
            if warning.number:
                result.warnings.append(f"{label}: {mujoco.mjtWarning(i).name} x{warning.number}")
    if [w.number for w in datas[0].warning] != [w.number for w in datas[1].warning]:
        result.rollout_error = "warning counters differ"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reference-dir", type=Path, default=DEFAULT_REFERENCE_DIR,
                        help="directory with Gymnasium's MuJoCo assets (default: %(default)s)")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR,
                        help="directory with Imitation Lab's models (default: %(default)s)")
    args = parser.parse_args()

    print(f"mujoco {mujoco.__version__}")
    print(f"ours:      {args.models_dir}")
    print(f"reference: {args.reference_dir}")
    print()

    rows = []
    all_ok = True
    for ours_file, ref_file in PAIRS:
        result = PairResult(ours_file)
        ours = mujoco.MjModel.from_xml_path(str(args.models_dir / ours_file))
        ref = mujoco.MjModel.from_xml_path(str(args.reference_dir / ref_file))

        compare_models(ours, ref, result)
        rollout(ours, ref, result)
        fatal = [d for d in result.differences if d.fatal]
        result.ok = not fatal and result.rollout_error is None
        all_ok &= result.ok

        print(f"== {ours_file} vs {ref_file}: {'PASS' if result.ok else 'FAIL'}")
        if result.differences:
            print("   differing physics attributes:")
            for d in result.differences:
                tag = "FATAL" if d.fatal else f"within tolerance {TOLERANCES.get(d.attr)!r}"
                print(f"     {d.attr}: {d.detail}, max abs diff {d.max_abs!r} [{tag}]")
        else:
            print("   differing physics attributes: none (all compared attributes bit-identical)")
        if result.excluded_differences:
            print("   excluded attributes that differ (not physics, see EXCLUDED_*):")
            for reason, attrs in sorted(result.excluded_differences.items()):
                text = f"{reason}: {', '.join(attrs)}"
                print(textwrap.fill(text, width=100, initial_indent="     ", subsequent_indent="       "))
        if result.rollout_error:
            print(f"   rollout: FAIL, {result.rollout_error}")
        else:
            print(f"   rollout: {N_STEPS} steps bit-identical ({', '.join(STATE_FIELDS)}); "
                  f"max contacts {result.max_ncon}, max constraint rows {result.max_nefc}")
        for warning in result.warnings:
            print(f"   simulator warning: {warning}")
        print()

        rows.append((
            ours_file,
            str(ours.nq), str(ours.nv), str(ours.nu), str(ours.nbody), str(ours.ngeom),
            repr(float(ours.body_mass.sum())),
            repr(float(ours.opt.timestep)),
            mujoco.mjtIntegrator(ours.opt.integrator).name.removeprefix("mjINT_"),
            mujoco.mjtSolver(ours.opt.solver).name.removeprefix("mjSOL_"),
            "PASS" if result.ok else "FAIL",
        ))

    header = ("model", "nq", "nv", "nu", "nbody", "ngeom", "total mass", "timestep",
              "integrator", "solver", "result")
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    print()
    print("ALL PASS" if all_ok else "FAILURES")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
