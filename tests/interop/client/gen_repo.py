#!/usr/bin/python3
"""gen_repo.py OUT SCENARIO: an independent TUF 1.0 repository generator for tufkey's client tests.

Written against python3-securesystemslib 0.26 (Debian's /usr/bin/python3): keys are made and
signatures computed by securesystemslib, canonical JSON by securesystemslib.formats, files are
written the way python-tuf's JSONSerializer writes them (indent=1, sorted keys), so tufkey's own
code makes none of these bytes.

Output:
  OUT/root.json       the initial trusted root (version 1)
  OUT/step-N/         the whole published repository at step N (metadata/, targets/)
The test serves step-0, runs the client, then swaps in step-1, and so on.

Scenarios (see SCENARIOS at the end): a basic repository, root rotations (valid and attacks),
rollback, freeze, mix-and-match, fast-forward recovery, delegations, target substitution, and
one key listed under two key IDs.
"""
import copy
import datetime
import hashlib
import json
import os
import shutil
import sys

from securesystemslib import formats
from securesystemslib import keys as sslib_keys


def expires(days):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Key:
    """A securesystemslib key and its TUF 1.0 public key object and key ID."""

    def __init__(self, kind="ed25519", extra=None):
        self.private = sslib_keys.generate_ed25519_key() if kind == "ed25519" else sslib_keys.generate_ecdsa_key()
        self.public = {
            "keytype": self.private["keytype"],
            "scheme": self.private["scheme"],
            "keyval": {"public": self.private["keyval"]["public"]},
        }
        if extra:
            self.public.update(extra)
        self.keyid = sha256(formats.encode_canonical(self.public).encode())

    def sign(self, data):
        return {"keyid": self.keyid, "sig": sslib_keys.create_signature(self.private, data)["sig"]}


class Repo:
    def __init__(self, consistent=True):
        self.consistent = consistent
        self.meta_hashes = False
        self.files = {}
        self.keys = {role: [Key("ecdsa" if role == "timestamp" else "ed25519")]
                     for role in ("root", "targets", "snapshot", "timestamp")}
        self.delegated_keys = {}
        self.thresholds = {}
        self.root = {
            "_type": "root", "spec_version": "1.0.31", "version": 1, "expires": expires(365),
            "consistent_snapshot": consistent, "keys": {}, "roles": {},
        }
        self.set_root_keys()
        self.targets = {"targets": {"_type": "targets", "spec_version": "1.0.31", "version": 1,
                                    "expires": expires(365), "targets": {}}}
        self.snapshot = {"_type": "snapshot", "spec_version": "1.0.31", "version": 1,
                         "expires": expires(365), "meta": {}}
        self.timestamp = {"_type": "timestamp", "spec_version": "1.0.31", "version": 1,
                          "expires": expires(365), "meta": {}}
        self.initial_root = self.publish_root()
        self.publish_targets("targets")
        self.publish_snapshot()
        self.publish_timestamp()

    def set_root_keys(self):
        self.root["keys"] = {}
        for role, keys in self.keys.items():
            for key in keys:
                self.root["keys"][key.keyid] = key.public
            self.root["roles"][role] = {"keyids": [k.keyid for k in keys],
                                        "threshold": self.thresholds.get(role, 1)}

    def envelope(self, signed, signers):
        data = formats.encode_canonical(signed).encode()
        doc = {"signatures": [k.sign(data) for k in signers], "signed": signed}
        return json.dumps(doc, indent=1, sort_keys=True).encode()

    def put(self, path, data):
        self.files[path] = data

    def publish_root(self, signers=None):
        self.set_root_keys()
        data = self.envelope(self.root, signers if signers is not None else self.keys["root"])
        self.put(f"metadata/{self.root['version']}.root.json", data)
        self.put("metadata/root.json", data)
        return data

    def role_file(self, role, version=None):
        name = role  # served by a web server: the file name is the role name itself
        return f"metadata/{version}.{name}.json" if self.consistent and version else f"metadata/{name}.json"

    def publish_targets(self, role, signers=None):
        signed = self.targets[role]
        keys = signers if signers is not None else (self.keys["targets"] if role == "targets"
                                                    else self.delegated_keys[role])
        data = self.envelope(signed, keys)
        self.put(self.role_file(role, signed["version"]), data)
        self.put(f"metadata/{role}.json", data)
        return data

    def meta_entry(self, version, data):
        entry = {"version": version}
        if self.meta_hashes:
            entry["length"] = len(data)
            entry["hashes"] = {"sha256": sha256(data)}
        return entry

    def publish_snapshot(self, signers=None):
        self.snapshot["meta"] = {}
        for role, signed in self.targets.items():
            data = self.files[self.role_file(role, signed["version"])]
            self.snapshot["meta"][f"{role}.json"] = self.meta_entry(signed["version"], data)
        data = self.envelope(self.snapshot, signers if signers is not None else self.keys["snapshot"])
        self.put(self.role_file("snapshot", self.snapshot["version"]), data)
        self.put("metadata/snapshot.json", data)
        return data

    def publish_timestamp(self, signers=None):
        version = self.snapshot["version"]
        data = self.files[self.role_file("snapshot", version)]
        self.timestamp["meta"] = {"snapshot.json": self.meta_entry(version, data)}
        data = self.envelope(self.timestamp, signers if signers is not None else self.keys["timestamp"])
        self.put("metadata/timestamp.json", data)
        return data

    def bump_root(self, signers=None):
        self.root["version"] += 1
        self.publish_root(signers)

    def publish_all(self):
        for role in self.targets:
            self.targets[role]["version"] += 1
            self.publish_targets(role)
        self.update_snapshot()

    def update_snapshot(self):
        self.snapshot["version"] += 1
        self.publish_snapshot()
        self.update_timestamp()

    def update_timestamp(self):
        self.timestamp["version"] += 1
        self.publish_timestamp()

    def add_target(self, role, path, content):
        content = content.encode()
        hashes = {"sha256": sha256(content), "sha512": hashlib.sha512(content).hexdigest()}
        self.targets[role]["targets"][path] = {"length": len(content), "hashes": hashes}
        directory, _, base = path.rpartition("/")
        prefix = directory + "/" if directory else ""
        self.put(f"targets/{path}", content)
        for digest in hashes.values():
            self.put(f"targets/{prefix}{digest}.{base}", content)

    def add_delegation(self, parent, role, paths, terminating=False):
        key = Key()
        self.delegated_keys[role] = [key]
        delegations = self.targets[parent].setdefault("delegations", {"keys": {}, "roles": []})
        delegations["keys"][key.keyid] = key.public
        delegations["roles"].append({"name": role, "keyids": [key.keyid], "threshold": 1,
                                     "terminating": terminating, "paths": paths})
        self.targets.setdefault(role, {"_type": "targets", "spec_version": "1.0.31", "version": 1,
                                       "expires": expires(365), "targets": {}})

    def rotate(self, role):
        old = self.keys[role]
        self.keys[role] = [Key()]
        return old


def basic(repo, step):
    repo.add_target("targets", "file.txt", "hello from securesystemslib\n")
    repo.add_target("targets", "dir/sub/data.bin", "nested target")
    repo.publish_all()
    step()


def root_rotation(repo, step):
    step()
    old = repo.rotate("root")
    repo.bump_root(signers=old + repo.keys["root"])  # v2: old and new sign
    repo.bump_root()                                # v3: new keys only
    step()


def root_not_signed_by_old(repo, step):
    step()
    repo.rotate("root")
    repo.bump_root()  # v2 signed by the new key only
    step()


def root_not_signed_by_new(repo, step):
    step()
    old = repo.rotate("root")
    repo.bump_root(signers=old)  # v2 signed by the old key only
    step()


def root_version_jump(repo, step):
    step()
    repo.root["version"] = 3
    data = repo.publish_root()
    repo.put("metadata/2.root.json", data)  # 2.root.json holds version 3
    step()


def timestamp_same_version(repo, step):
    step()
    repo.timestamp["expires"] = expires(100)
    repo.publish_timestamp()  # new content, same version
    step()


def timestamp_rollback(repo, step):
    repo.update_timestamp()
    step()
    repo.timestamp["version"] = 1
    repo.publish_timestamp()
    step()


def snapshot_rollback(repo, step):
    repo.update_snapshot()
    step()
    repo.snapshot["version"] = 1
    repo.publish_snapshot()
    repo.update_timestamp()
    step()


def targets_rollback(repo, step):
    repo.publish_all()
    step()
    repo.targets["targets"]["version"] = 1
    repo.publish_targets("targets")
    repo.update_snapshot()
    step()


def fast_forward_timestamp(repo, step):
    repo.timestamp["version"] = 99
    repo.update_timestamp()
    step()
    repo.rotate("timestamp")
    repo.bump_root()
    repo.timestamp["version"] = 1
    repo.publish_timestamp()
    step()


def fast_forward_snapshot(repo, step):
    repo.snapshot["version"] = 99
    repo.update_snapshot()
    step()
    repo.rotate("snapshot")
    repo.rotate("timestamp")
    repo.bump_root()
    repo.snapshot["version"] = 1
    repo.publish_snapshot()
    repo.update_timestamp()
    step()


def expired_timestamp(repo, step):
    step()
    repo.timestamp["expires"] = expires(-1)
    repo.update_timestamp()
    step()


def expired_root(repo, step):
    step()
    repo.root["expires"] = expires(-1)
    repo.bump_root()
    repo.publish_all()
    step()


def mix_and_match(repo, step):
    repo.meta_hashes = True
    repo.update_snapshot()
    step()
    repo.update_snapshot()  # timestamp pins snapshot v3's hash
    repo.snapshot["expires"] = expires(30)
    repo.publish_snapshot()  # another validly signed snapshot v3 is served instead
    step()


def delegations(repo, step):
    repo.add_delegation("targets", "A", ["*.txt"])
    repo.add_delegation("targets", "B", ["releases/*/*"], terminating=True)
    repo.add_delegation("targets", "Z", ["*"])
    repo.add_delegation("B", "C", ["releases/x/*"])
    repo.add_target("A", "readme.txt", "readme by A")
    repo.add_target("A", "docs/deep.txt", "A may not sign this: * does not cross /")
    repo.add_target("C", "releases/x/app", "app by C")
    repo.add_target("Z", "releases/y/other", "Z is never reached: B is terminating")
    repo.publish_all()
    step()


def target_substituted(repo, step):
    repo.add_target("targets", "file.txt", "genuine")
    repo.publish_all()
    step()
    for path in list(repo.files):
        if path.startswith("targets/") and path.endswith("file.txt"):
            repo.put(path, b"malicious")
    step()


def duplicate_key_two_ids(repo, step):
    """One ed25519 public key listed under two key IDs for timestamp, threshold 2: only one
    distinct key signed, so tufkey refuses; tuf-js counts key IDs and accepts."""
    key = Key("ed25519")
    twin = copy.copy(key)
    twin.public = dict(key.public, **{"x-twin": "the same key under another ID"})
    twin.keyid = sha256(formats.encode_canonical(twin.public).encode())
    repo.keys["timestamp"] = [key, twin]
    repo.thresholds["timestamp"] = 2
    repo.bump_root()
    repo.update_timestamp()
    step()


SCENARIOS = {
    "basic": basic,
    "root-rotation": root_rotation,
    "root-not-signed-by-old": root_not_signed_by_old,
    "root-not-signed-by-new": root_not_signed_by_new,
    "root-version-jump": root_version_jump,
    "timestamp-same-version": timestamp_same_version,
    "timestamp-rollback": timestamp_rollback,
    "snapshot-rollback": snapshot_rollback,
    "targets-rollback": targets_rollback,
    "fast-forward-timestamp": fast_forward_timestamp,
    "fast-forward-snapshot": fast_forward_snapshot,
    "expired-timestamp": expired_timestamp,
    "expired-root": expired_root,
    "mix-and-match": mix_and_match,
    "delegations": delegations,
    "target-substituted": target_substituted,
    "duplicate-key-two-ids": duplicate_key_two_ids,
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in SCENARIOS:
        sys.exit(f"usage: gen_repo.py OUT SCENARIO  (scenarios: {', '.join(SCENARIOS)})")
    out, scenario = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    repo = Repo()
    with open(os.path.join(out, "root.json"), "wb") as f:
        f.write(repo.initial_root)
    steps = []

    def step():
        directory = os.path.join(out, f"step-{len(steps)}")
        shutil.rmtree(directory, ignore_errors=True)
        for path, data in repo.files.items():
            full = os.path.join(directory, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
        steps.append(directory)

    SCENARIOS[scenario](repo, step)
    print(len(steps))


if __name__ == "__main__":
    main()
