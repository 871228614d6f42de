"""Digikunta's sync beside two peers, phase by phase: prints JSON.

Peers (installed from PyPI into a venv of their own, never into the project's):

- **TaskChampion** (Taskwarrior's sync library), library against library: ``taskchampion-py``;
  where no wheel of it installs (its source build needs the Rust crate registry),
  ``taskchampion3-py-dev`` (Python bindings of TaskChampion 3.x), and the JSON says which.
  Replicas on disk, a local sync server (a folder): ``Replica.sync_to_local``.
- **vdirsyncer** (contacts and calendars), command line against command line: two laptops'
  folders of vCards, each paired with one shared folder (``filesystem`` storages).

Ours: the library (:func:`sync.sync` with a :class:`sync.FileRemote`) and the command line
(``digikunta --quiet sync --remote FILE``, one process per sync, its search index included).

The same phases for all, on ``n`` people (given name, family name, e-mail, phone,
organisation, two roles, job title): ``initial`` (laptop A's records into an empty shared
place), ``noop`` (A again, nothing changed), ``first_pull`` (an empty laptop B), and a
``one_percent_round`` (A and B each change 1 % of the records, then A, B and A sync). Medians
of ``--repeat`` runs for no-op; one run of the rest.

Usage: python bench/peers/peers_bench.py [--sizes 1000] [--venv DIR]
(default venv: $BENCH_TMP/digikunta-peers-venv, else /tmp/digikunta-peers-venv). Needs
network access to PyPI the first time. Not part of the project's dependencies or CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
PYTHONS = ("python3.12", "python3.13", "python3.11", "python3")
TASKCHAMPION = ("taskchampion-py", "taskchampion3-py-dev")


def _venv_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    return Path(os.environ.get("BENCH_TMP") or tempfile.gettempdir()) / "digikunta-peers-venv"


def _pip(folder: Path, *packages: str) -> bool:
    out = subprocess.run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "-q", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.returncode == 0


def ensure_peers(folder: Path) -> dict[str, str]:
    """A venv with vdirsyncer and a TaskChampion binding; returns what it holds."""
    marker = folder / "peers.json"
    if marker.is_file():
        return json.loads(marker.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    names = [os.environ["PEERS_PYTHON"]] if os.environ.get("PEERS_PYTHON") else list(PYTHONS)
    for name in names:
        python = shutil.which(name)
        made = python is not None and subprocess.run(
            [python, "-m", "venv", str(folder)], capture_output=True, check=False
        )
        if not made or made.returncode != 0:  # absent, or a shim with no such version
            continue
        if not _pip(folder, "vdirsyncer"):
            shutil.rmtree(folder)
            continue
        tried = [("--only-binary=:all:", p) for p in TASKCHAMPION] + [("", TASKCHAMPION[0])]
        for flag, package in tried:  # a wheel first; a source build needs Rust's registry
            if _pip(folder, *filter(None, (flag, package))):
                info = {"python": name, "taskchampion": package, "vdirsyncer": "vdirsyncer"}
                marker.write_text(json.dumps(info))
                return info
        shutil.rmtree(folder)
    if not folder.exists():
        venv.create(folder, with_pip=True)
        _pip(folder, "vdirsyncer")
    info = {"python": "python3", "taskchampion": "", "vdirsyncer": "vdirsyncer"}
    marker.write_text(json.dumps(info))
    return info


# --- the records -----------------------------------------------------------------------------


def people(n: int) -> list[tuple[str, dict[str, object]]]:
    """The same people as bench/sync_bench.py."""
    sys.path.insert(0, str(BENCH))
    from sync_bench import person

    rnd = random.Random(n)
    return [(f"p{i:07d}", person(i, rnd)) for i in range(n)]


def changes(n: int, seed: int) -> list[str]:
    """The ids of 1 % of the records (at least one)."""
    return random.Random(seed).sample([f"p{i:07d}" for i in range(n)], max(1, n // 100))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# --- ours ------------------------------------------------------------------------------------


def ours_library(n: int, tmp: Path, repeat: int) -> dict[str, float]:
    """The phases with the library."""
    sys.path.insert(0, str(ROOT))
    from importlib import import_module

    for name in ("sync.document", "sync.reconcile", "sync.commit"):
        import_module(name)  # loaded before the clock starts, as TaskChampion's library is
    from sync import FileRemote, Replica, sync

    a, b = Replica.open(tmp / "a.sqlite", name="A"), Replica.open(tmp / "b.sqlite", name="B")
    a.put_many(("person", rid, fields) for rid, fields in people(n))
    remote = FileRemote(tmp / "shared.json")
    t = time.perf_counter()
    sync(a, remote)
    out = {"initial": _ms(time.perf_counter() - t)}
    noop = []
    for _ in range(repeat):
        t = time.perf_counter()
        sync(a, remote)
        noop.append(time.perf_counter() - t)
    out["noop"] = _ms(statistics.median(noop))
    t = time.perf_counter()
    sync(b, remote)
    out["first_pull"] = _ms(time.perf_counter() - t)
    a.put_many(("person", rid, {"job_title": "A"}) for rid in changes(n, 1))
    b.put_many(("person", rid, {"phone": "+358509999999"}) for rid in changes(n, 2))
    t = time.perf_counter()
    sync(a, remote)
    sync(b, remote)
    sync(a, remote)
    out["one_percent_round"] = _ms(time.perf_counter() - t)
    a.close()
    b.close()
    return out


def ours_cli(n: int, tmp: Path, repeat: int) -> dict[str, float]:
    """The phases with ``digikunta sync``, one process per sync."""
    sys.path.insert(0, str(ROOT))
    from sync import Replica

    script = Path(sys.executable).with_name("digikunta")
    shared = tmp / "shared.json"
    env = dict(os.environ, DIGIKUNTA_CONFIG=str(tmp / "none.toml"))

    def run(laptop: str) -> float:
        (tmp / laptop).mkdir(exist_ok=True)
        env["DIGIKUNTA_DATA_DIR"] = str(tmp / laptop)
        cmd = [str(script), "--quiet", "sync", "--remote", str(shared)]
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        return time.perf_counter() - t

    def put(laptop: str, items: list[tuple[str, dict[str, object]]]) -> None:
        replica = Replica.open(tmp / laptop / "replica.sqlite")
        replica.put_many(("person", rid, fields) for rid, fields in items)
        replica.close()

    (tmp / "a").mkdir()
    put("a", people(n))
    out = {"initial": _ms(run("a"))}
    out["noop"] = _ms(statistics.median(run("a") for _ in range(repeat)))
    out["first_pull"] = _ms(run("b"))
    put("a", [(rid, {"job_title": "A"}) for rid in changes(n, 1)])
    put("b", [(rid, {"phone": "+358509999999"}) for rid in changes(n, 2)])
    out["one_percent_round"] = _ms(run("a") + run("b") + run("a"))
    return out


# --- TaskChampion (run inside the peers' venv) ------------------------------------------------

TASKCHAMPION_CHILD = r"""
import json, statistics, sys, time, uuid
from pathlib import Path
import taskchampion as tc

tmp, n, repeat = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
people = json.loads((tmp / "people.json").read_text())
changed_a, changed_b = json.loads((tmp / "changes.json").read_text())
server = str(tmp / "server")
ids = {rid: str(uuid.uuid5(uuid.NAMESPACE_URL, rid)) for rid, _ in people}
a = tc.Replica.new_on_disk(str(tmp / "a"), True)
b = tc.Replica.new_on_disk(str(tmp / "b"), True)
ops = tc.Operations()
for rid, fields in people:
    task = a.create_task(ids[rid], ops)
    task.set_description(f"{fields['given_name']} {fields['family_name']}", ops)
    task.set_status(tc.Status.Pending, ops)
    for key, value in fields.items():
        task.set_value(key, value if isinstance(value, str) else ",".join(value), ops)
a.commit_operations(ops)

def timed(replica):
    t = time.perf_counter()
    replica.sync_to_local(server, False)
    return time.perf_counter() - t

def change(replica, rids, key, value):
    ops = tc.Operations()
    for rid in rids:
        replica.get_task(ids[rid]).set_value(key, value, ops)
    replica.commit_operations(ops)

out = {"initial": timed(a)}
out["noop"] = statistics.median(timed(a) for _ in range(repeat))
out["first_pull"] = timed(b)
change(a, changed_a, "job_title", "A")
change(b, changed_b, "phone", "+358509999999")
out["one_percent_round"] = timed(a) + timed(b) + timed(a)
assert len(a.all_task_uuids()) == len(b.all_task_uuids()) == n
print(json.dumps({k: round(v * 1000, 2) for k, v in out.items()}))
"""


def taskchampion(venv_dir: Path, n: int, tmp: Path, repeat: int) -> dict[str, float]:
    """The phases with TaskChampion's library (in the peers' venv)."""
    (tmp / "server").mkdir()  # the local sync server's folder
    (tmp / "people.json").write_text(json.dumps(people(n)))
    (tmp / "changes.json").write_text(json.dumps([changes(n, 1), changes(n, 2)]))
    out = subprocess.run(
        [str(venv_dir / "bin" / "python"), "-c", TASKCHAMPION_CHILD, str(tmp), str(n),
         str(repeat)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"TaskChampion's run failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout)


# --- vdirsyncer -----------------------------------------------------------------------------

VDIR_CONFIG = """
[general]
status_path = "{tmp}/status/"

[pair laptop_a]
a = "a_local"
b = "a_shared"
collections = null
conflict_resolution = "a wins"

[pair laptop_b]
a = "b_local"
b = "b_shared"
collections = null
conflict_resolution = "a wins"

[storage a_local]
type = "filesystem"
path = "{tmp}/a/"
fileext = ".vcf"

[storage b_local]
type = "filesystem"
path = "{tmp}/b/"
fileext = ".vcf"

[storage a_shared]
type = "filesystem"
path = "{tmp}/shared/"
fileext = ".vcf"

[storage b_shared]
type = "filesystem"
path = "{tmp}/shared/"
fileext = ".vcf"
"""


def vcard(rid: str, f: dict[str, object]) -> str:
    """A person as a vCard."""
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"UID:{rid}\r\nFN:{f['given_name']} {f['family_name']}\r\n"
        f"N:{f['family_name']};{f['given_name']};;;\r\nEMAIL:{f['email']}\r\n"
        f"TEL:{f['phone']}\r\nORG:{f['organization']}\r\nTITLE:{f['job_title']}\r\n"
        f"NOTE:{','.join(f['roles'])}\r\nEND:VCARD\r\n"  # type: ignore[arg-type]
    )


def vdirsyncer(venv_dir: Path, n: int, tmp: Path, repeat: int) -> dict[str, float]:
    """The phases with ``vdirsyncer sync``, one process per sync."""
    for name in ("a", "b", "shared", "status"):
        (tmp / name).mkdir()
    config = tmp / "config"
    config.write_text(VDIR_CONFIG.format(tmp=tmp))
    everyone = dict(people(n))
    for rid, fields in everyone.items():
        (tmp / "a" / f"{rid}.vcf").write_text(vcard(rid, fields))
    exe = str(venv_dir / "bin" / "vdirsyncer")
    env = dict(os.environ, VDIRSYNCER_CONFIG=str(config))
    subprocess.run([exe, "discover"], env=env, input="y\n" * 8, text=True,
                   capture_output=True, check=True)  # fmt: skip

    def run(pair: str) -> float:
        t = time.perf_counter()
        subprocess.run([exe, "sync", pair], env=env, capture_output=True, check=True)
        return time.perf_counter() - t

    def change(laptop: str, rids: list[str], key: str, value: str) -> None:
        for rid in rids:
            (tmp / laptop / f"{rid}.vcf").write_text(vcard(rid, {**everyone[rid], key: value}))

    out = {"initial": run("laptop_a")}
    out["noop"] = statistics.median(run("laptop_a") for _ in range(repeat))
    out["first_pull"] = run("laptop_b")
    change("a", changes(n, 1), "job_title", "A")
    change("b", changes(n, 2), "phone", "+358509999999")
    out["one_percent_round"] = run("laptop_a") + run("laptop_b") + run("laptop_a")
    assert len(list((tmp / "b").glob("*.vcf"))) == n
    return {k: _ms(v) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--repeat", type=int, default=5, help="no-op syncs (median)")
    parser.add_argument("--venv", help="the peers' venv (made if missing)")
    args = parser.parse_args()
    venv_dir = _venv_dir(args.venv)
    info = ensure_peers(venv_dir)
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        row: dict[str, object] = {"records": n}
        runs = {
            "ours_library": lambda d, n=n: ours_library(n, d, args.repeat),
            "taskchampion_library": lambda d, n=n: taskchampion(venv_dir, n, d, args.repeat),
            "ours_cli": lambda d, n=n: ours_cli(n, d, args.repeat),
            "vdirsyncer_cli": lambda d, n=n: vdirsyncer(venv_dir, n, d, args.repeat),
        }
        for name, run in runs.items():
            if name == "taskchampion_library" and not info["taskchampion"]:
                row[name] = "not installable here"
                continue
            with tempfile.TemporaryDirectory(prefix=f"peers-{name}-") as tmp:
                row[name] = run(Path(tmp))
        results.append(row)
    print(json.dumps({"benchmark": "sync peers", "peers": info, "results": results}, indent=2))


if __name__ == "__main__":
    main()
