#!/usr/bin/python3
"""Canonical JSON and key ID test vectors from an independent implementation.

Run with Debian's interpreter (python3-securesystemslib 0.26 lives there):
    /usr/bin/python3 make_vectors.py OUTPUT.jsonl

Every line of OUTPUT.jsonl is one JSON object:
  {"kind": "canonical", "name": N, "input_json": J, "canonical_hex": H}
      J is json.dumps(value, ensure_ascii=True): plain ASCII, \\u escapes for the rest.
      H is hex of securesystemslib.formats.encode_canonical(value) as UTF-8.
  {"kind": "keyid", "name": N, "input_json": J, "keyid": K}
      K is hashlib.sha256(encode_canonical(key).encode()).hexdigest(), the TUF 1.0 key ID
      over the whole key object (custom fields included).

Exits non-zero when securesystemslib is missing, so the C++ test that runs it fails loudly.
"""

import hashlib
import json
import sys

from securesystemslib.formats import encode_canonical

ED25519_PUBLIC = "bbf874da8d792d9301e814340a82247d49001c18577291e1cce79fb538f26a0f"
ECDSA_PEM = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoST3nqcWyv1ZWlog2nzEIrvCgdUY\n"
    "GUQ8MqDGSyWj0jJ/bwvQQ8mdI/VdBf8NmGZRNkQki4cjhwpkAFL566rLxA==\n"
    "-----END PUBLIC KEY-----\n"
)

CANONICAL_INPUTS = {
    "plain_string": "hello",
    "empty_string": "",
    "quotes": 'say "hi"',
    "backslashes": "C:\\path\\to\\file \\\\ end\\",
    "quote_backslash_mix": '\\"\\\\""\\',
    "newline_tab": "line1\nline2\tcol\r",
    "control_chars": "\x00\x01\x1f\x7f",
    "html_chars": "<script>&amp;</script>",
    "slash": "a/b</c",
    "non_ascii": "caf\u00e9 \u20ac \U0001F600",
    "line_separators": "a\u2028b\u2029c",
    "noncharacter": "\uffff\ufffe",
    "all_in_one_target": 'weird<tag>&"q\'/\u00fc\u20ac\U0001F600\u2028\x7f\\end',
    "integers": [0, 1, -1, 42, -42, 2**53 + 1, 2**63 - 1, -(2**63)],
    "literals": [True, False, None],
    "empty_array": [],
    "empty_object": {},
    "nested_empty": {"a": [], "b": {}, "c": [[]], "d": [{}]},
    "key_order_ascii": {"b": 1, "a": 2, "B": 3, "A": 4, "_": 5, "0": 6, "": 7},
    "key_order_prefix": {"ab": 1, "a": 2, "abc": 3, "a\x00": 4},
    "key_order_code_point_vs_utf16": {"\uffff": 1, "\U0001F600": 2, "\ue000": 3, "z": 4},
    "key_order_non_ascii": {"\u00e9": 1, "e": 2, "\u20ac": 3, "f": 4, "\U00010000": 5},
    "keys_needing_escape": {'k"q': 1, "k\\b": 2, "k\n": 3, "k": 4},
    "nested_objects": {
        "signed": {
            "_type": "targets",
            "version": 3,
            "expires": "2030-01-01T00:00:00Z",
            "targets": {
                "r\u00e9lease/\u20ac.tar": {"length": 1024, "hashes": {"sha256": "ab" * 32}},
                "a": {"length": 0, "hashes": {}, "custom": {"x": [1, "2", None, False]}},
            },
            "spec_version": "1.0.0",
        },
        "signatures": [{"keyid": "cd" * 32, "sig": "ef" * 64}],
    },
    "array_of_mixed": [1, "two", [3], {"four": 4}, None, True, -7, ""],
    "top_level_integer": -9223372036854775808,
    "top_level_null": None,
}

KEY_INPUTS = {
    "ed25519_hex": {
        "keytype": "ed25519",
        "scheme": "ed25519",
        "keyval": {"public": ED25519_PUBLIC},
    },
    "ecdsa_pem": {
        "keytype": "ecdsa",
        "scheme": "ecdsa-sha2-nistp256",
        "keyval": {"public": ECDSA_PEM},
    },
    "ecdsa_pem_with_custom_fields": {
        "keytype": "ecdsa",
        "scheme": "ecdsa-sha2-nistp256",
        "keyval": {"public": ECDSA_PEM},
        "x-tuf-on-ci-keyowner": "@j\u00fcrgen",
        "keyid_hash_algorithms": ["sha256", "sha512"],
    },
}


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: make_vectors.py OUTPUT.jsonl", file=sys.stderr)
        return 2
    lines = []
    for name, value in CANONICAL_INPUTS.items():
        canonical = encode_canonical(value).encode("utf-8")
        lines.append({
            "kind": "canonical",
            "name": name,
            "input_json": json.dumps(value, ensure_ascii=True),
            "canonical_hex": canonical.hex(),
        })
    for name, key in KEY_INPUTS.items():
        keyid = hashlib.sha256(encode_canonical(key).encode("utf-8")).hexdigest()
        lines.append({
            "kind": "keyid",
            "name": name,
            "input_json": json.dumps(key, ensure_ascii=True, indent=2),
            "keyid": keyid,
        })
    with open(sys.argv[1], "w", encoding="ascii") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=True, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
