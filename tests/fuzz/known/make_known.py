"""Writes inputs of the known classes of issue 11 that the fuzz targets skip or bound while the
fix is on another branch (see docs/hardening.md). The bundle target re-seals content_sha256, so no
hash is needed. Usage: /usr/bin/python3 tests/fuzz/known/make_known.py  (writes next to itself)."""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, '..', 'corpus')


def load(target, name):
    with open(os.path.join(corpus, target, name), 'rb') as f:
        return f.read()


def write(target, name, data):
    os.makedirs(os.path.join(here, target), exist_ok=True)
    with open(os.path.join(here, target, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


gbdt = json.loads(load('bundle', 'german_credit_gbdt_1.json'))

# Deep nesting: 3,000 '[' under a key (ASan overflows the stack in CanonicalContent's copy/dump).
deep = dict(gbdt)
deep['training'] = dict(gbdt['training'])
deep['training']['note'] = '@'
write('bundle', 'deep_nesting_3000.json',
      json.dumps(deep).replace('"@"', '[' * 3000 + ']' * 3000))

# A deep chain of 3,000 nodes in one tree (quadratic TreeSHAP tables at load).
n = 3000
tree = {'left_children': [], 'right_children': [], 'split_feature': [], 'threshold': [],
        'default_left': [], 'value': [], 'cover': [], 'loss_change': []}
for i in range(n):
    internal = i % 2 == 0 and i + 2 < n
    tree['left_children'].append(i + 1 if internal else -1)
    tree['right_children'].append(i + 2 if internal else -1)
    tree['split_feature'].append(0 if internal else -1)
    tree['threshold'].append(float(i) if internal else None)
    tree['default_left'].append(True)
    tree['value'].append(0.0 if internal else 0.001)
    tree['cover'].append(float(n - i))
    tree['loss_change'].append(0.0)
chain = json.loads(json.dumps(gbdt))
chain['model']['trees'] = [tree]
write('bundle', 'tree_chain_3000.json', json.dumps(chain, separators=(',', ':')))
