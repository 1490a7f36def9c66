#!/usr/bin/env python3
"""Generate the small .npy/.npz fixtures of test/unit/npy.test.ts and npzDataset.test.ts,
and check that files written by Imitation Lab load in NumPy.

Usage::

    python scripts/gen_npz_fixtures.py [--out test/fixtures/npz]
    python scripts/gen_npz_fixtures.py --check exported.npz

``--check`` loads the file with ``numpy.load(allow_pickle=False)`` (so an
object array fails, as it would for a careful user) and prints every array's
shape and dtype, the episode lengths and returns.

Values follow formulas the tests recompute, all exact in float32::

    obs[i, s, c] = 100 i + s + c / 8        (episode i, step s, column c)
    acs[i, s, c] = -(10 i + s / 4 + c / 16)
    rews[i, s]   = 1 + s / 2 + i / 4
    ep_rets[i]   = sum of rews[i, :ep_len]  (float64)

Padding after an episode's end is zero. Requires numpy (tested with 2.4).
"""
import argparse
import io
import os
import pickle
import sys
import zipfile

import numpy as np

PENDULUM = (4, 1)  # InvertedPendulum-v5 obs_dim, act_dim
HOPPER = (11, 3)  # Hopper-v5


def obs_ep(i, length, dim):
    s, c = np.meshgrid(np.arange(length), np.arange(dim), indexing="ij")
    return 100.0 * i + s + c / 8.0


def acs_ep(i, length, dim):
    s, c = np.meshgrid(np.arange(length), np.arange(dim), indexing="ij")
    return -(10.0 * i + s / 4.0 + c / 16.0)


def rews_ep(i, length):
    return 1.0 + np.arange(length) / 2.0 + i / 4.0


def padded(lengths, dims, obs_dtype=np.float64, acs_dtype=np.float32):
    """Baselines layout padded to the longest episode."""
    n, width = len(lengths), max(lengths)
    obs = np.zeros((n, width, dims[0]), obs_dtype)
    acs = np.zeros((n, width, dims[1]), acs_dtype)
    rews = np.zeros((n, width), np.float64)
    for i, length in enumerate(lengths):
        obs[i, :length] = obs_ep(i, length, dims[0])
        acs[i, :length] = acs_ep(i, length, dims[1])
        rews[i, :length] = rews_ep(i, length)
    ep_rets = np.array([rews_ep(i, length).sum() for i, length in enumerate(lengths)])
    return dict(obs=obs, acs=acs, rews=rews, ep_rets=ep_rets)


def object_array(items):
    a = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        a[i] = item
    return a


def npy_bytes(arr, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, arr, version=version)
    return b.getvalue()


def pickled_npy(arr, protocol, numpy1=False):
    """An object-array .npy with the given pickle protocol; numpy1 renames the
    module to numpy.core as NumPy 1.x wrote it (protocol <= 3 has no frames, so
    the replacement keeps the pickle valid)."""
    b = io.BytesIO()
    np.lib.format.write_array_header_1_0(b, np.lib.format.header_data_from_array_1_0(arr))
    payload = pickle.dumps(arr, protocol=protocol)
    if numpy1:
        assert protocol <= 3
        payload = payload.replace(b"numpy._core.multiarray\n", b"numpy.core.multiarray\n")
    b.write(payload)
    return b.getvalue()


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def savez(out, name, compressed=False, **arrays):
    (np.savez_compressed if compressed else np.savez)(os.path.join(out, name), **arrays)


def generate(out):
    os.makedirs(out, exist_ok=True)

    # --- .npy reader cases
    grid = np.arange(24, dtype=np.int32).reshape(2, 3, 4) - 5
    write(out, "fortran_i4.npy", npy_bytes(np.asfortranarray(grid)))
    write(out, "big_endian_f8.npy", npy_bytes(np.arange(6, dtype=">f8").reshape(2, 3) / 4 - 1))
    write(out, "fortran_big_endian_f4.npy", npy_bytes(np.asfortranarray(np.arange(6, dtype=">f4").reshape(3, 2) * 1.5)))
    write(out, "scalar_f8.npy", npy_bytes(np.array(2.5)))
    write(out, "empty_f4.npy", npy_bytes(np.zeros((0, 3), np.float32)))
    write(out, "v2_header_f4.npy", npy_bytes(np.arange(3, dtype=np.float32), version=(2, 0)))
    write(out, "v3_header_f4.npy", npy_bytes(np.arange(3, dtype=np.float32), version=(3, 0)))
    write(out, "unicode.npy", npy_bytes(np.array(["ab", "c"])))
    write(out, "structured.npy", npy_bytes(np.zeros(2, dtype=[("x", "<f4"), ("y", "<i4")])))
    savez(
        out,
        "dtypes.npz",
        f4=np.array([1.5, -2.25, 3e38], np.float32),
        f8=np.array([0.1, -1e300, 5e-324]),
        i1=np.array([-128, 0, 127], np.int8),
        i2=np.array([-32768, 1, 32767], np.int16),
        i4=np.array([-(2**31), 2, 2**31 - 1], np.int32),
        i8=np.array([-(2**63), 3, 2**63 - 1], np.int64),
        u1=np.array([0, 1, 255], np.uint8),
        u2=np.array([0, 2, 65535], np.uint16),
        u4=np.array([0, 3, 2**32 - 1], np.uint32),
        u8=np.array([0, 4, 2**64 - 1], np.uint64),
        b1=np.array([True, False, True]),
    )

    # Object arrays of numeric arrays, as np.save writes them (ragged episodes).
    ragged = object_array([np.arange(6, dtype=np.float32).reshape(3, 2), np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array([7, -8], np.int64)])
    write(out, "object_p4.npy", npy_bytes(ragged))
    write(out, "object_p3_numpy1.npy", pickled_npy(ragged, 3, numpy1=True))
    write(out, "object_p2.npy", pickled_npy(ragged, 2))
    write(out, "object_unsafe.npy", npy_bytes(object_array([{"a": 1}, [1.0, 2.0]])))

    # --- baselines-layout datasets
    savez(out, "pendulum_equal.npz", **padded([5, 5, 5], PENDULUM))
    eq = padded([4, 4], PENDULUM, obs_dtype=np.float32, acs_dtype=np.float64)
    savez(out, "pendulum_rets.npz", obs=eq["obs"], acs=eq["acs"], rets=np.array([7.5, -2.25]))
    savez(out, "pendulum_compressed.npz", compressed=True, **padded([5, 5, 5], PENDULUM))
    fortran = {k: np.asfortranarray(v) for k, v in padded([3, 3], PENDULUM).items()}
    savez(out, "pendulum_fortran.npz", **fortran)

    lengths = [6, 4, 2]
    savez(out, "hopper_padded.npz", ep_lens=np.array(lengths), **padded(lengths, HOPPER))
    big = padded(lengths, HOPPER)
    savez(
        out,
        "hopper_big_endian.npz",
        obs=big["obs"].astype(">f8"),
        acs=big["acs"].astype(">f4"),
        rews=big["rews"].astype(">f8"),
        ep_rets=big["ep_rets"].astype(">f8"),
        ep_lens=np.array(lengths, ">i8"),
    )
    ragged_lengths = [5, 3, 4]
    savez(
        out,
        "hopper_ragged.npz",
        obs=object_array([obs_ep(i, n, HOPPER[0]) for i, n in enumerate(ragged_lengths)]),
        acs=object_array([np.asfortranarray(acs_ep(i, n, HOPPER[1]).astype(np.float32)) for i, n in enumerate(ragged_lengths)]),
        rews=object_array([rews_ep(i, n) for i, n in enumerate(ragged_lengths)]),
        ep_rets=np.array([rews_ep(i, n).sum() for i, n in enumerate(ragged_lengths)]),
    )
    flat_lengths = [3, 5]
    savez(
        out,
        "hopper_flat.npz",
        obs=np.concatenate([obs_ep(i, n, HOPPER[0]) for i, n in enumerate(flat_lengths)]),
        acs=np.concatenate([acs_ep(i, n, HOPPER[1]) for i, n in enumerate(flat_lengths)]),
        rews=np.concatenate([rews_ep(i, n) for i, n in enumerate(flat_lengths)]),
        ep_rets=np.array([rews_ep(i, n).sum() for i, n in enumerate(flat_lengths)]),
        ep_lens=np.array(flat_lengths),
    )
    wrong = padded([4, 4], (17, 3))
    savez(out, "hopper_wrong_obs_dim.npz", **wrong)
    nan = padded([4, 4], HOPPER)
    nan["obs"][1, 2, 3] = np.nan
    savez(out, "hopper_nan.npz", **nan)
    savez(out, "hopper_unsafe_object.npz", obs=object_array([[1.0] * 11, [2.0] * 11]), acs=np.zeros((2, 1, 3)), ep_rets=np.zeros(2))

    # --- damaged archives
    with open(os.path.join(out, "pendulum_equal.npz"), "rb") as f:
        whole = f.read()
    write(out, "truncated.npz", whole[: len(whole) // 2])
    with open(os.path.join(out, "pendulum_compressed.npz"), "rb") as f:
        corrupt = bytearray(f.read())
    with zipfile.ZipFile(io.BytesIO(bytes(corrupt))) as z:
        first = z.infolist()[0]
    # Flip bytes inside the first member's compressed data (after its local header).
    start = first.header_offset + 30 + len(first.filename.encode()) + 20
    for k in range(start + 10, start + 20):
        corrupt[k] ^= 0xFF
    write(out, "corrupt.npz", bytes(corrupt))


def check(path):
    data = np.load(path, allow_pickle=False)
    arrays = {k: data[k] for k in data.files} if isinstance(data, np.lib.npyio.NpzFile) else {"array": data}
    for k, v in arrays.items():
        print(f"{k}: shape {v.shape} dtype {v.dtype} byteorder {v.dtype.byteorder!r} C-contiguous {v.flags.c_contiguous}")
    if "ep_lens" in arrays:
        print("ep_lens:", arrays["ep_lens"].tolist())
    for key in ("ep_rets", "rets"):
        if key in arrays:
            print(f"{key}:", arrays[key].tolist())
    if {"obs", "ep_lens"} <= arrays.keys() and arrays["obs"].ndim == 3:
        for i, n in enumerate(arrays["ep_lens"]):
            print(f"episode {i}: first obs {arrays['obs'][i, 0].tolist()}, padding rows all zero: {bool((arrays['obs'][i, n:] == 0).all())}")
    if {"rews", "ep_rets", "ep_lens"} <= arrays.keys():
        sums = [float(arrays["rews"][i, :n].astype(np.float64).sum()) for i, n in enumerate(arrays["ep_lens"])]
        print("sum(rews[:ep_len]) per episode:", sums)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "npz"))
    ap.add_argument("--check", metavar="FILE", help="load FILE with numpy.load(allow_pickle=False) and print its arrays")
    args = ap.parse_args()
    if args.check:
        check(args.check)
    else:
        generate(args.out)
        print(f"wrote fixtures to {os.path.normpath(args.out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
