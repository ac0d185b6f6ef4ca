"""Memos of expression nodes, by the identity of each node: the rewriting engine asks
the same question of the same subterm many times (has it a differential? what did it
map to?), and comparing large equal trees would cost what a memo saves."""

from __future__ import annotations

from typing import Any

MEMO_LIMIT = 50_000  # entries a memo of nodes keeps before it starts afresh (memory)


def node_memo(store: dict) -> dict:
    """`store`, a memo of nodes for `map_bottom_up` (or another map by node id), emptied
    once it holds MEMO_LIMIT entries: what it remembers keeps those nodes alive."""
    if len(store) > MEMO_LIMIT:
        store.clear()
    return store


FORGOTTEN = object()  # what `recall` gives for a node it was not told of


def recall(store: dict, node: object) -> Any:
    """What `remember` kept for this very node (not an equal one: comparing large equal
    trees costs what the memo saves), or FORGOTTEN."""
    seen = store.get(id(node))
    return seen[1] if seen is not None and seen[0] is node else FORGOTTEN


def remember(store: dict, node: object, value: Any) -> None:
    """Keep `value` for `node`, by id; the node is kept too, so its id stays its own."""
    node_memo(store)[id(node)] = (node, value)
