"""Exercises of notebook 07, LSTMs on parse trees."""

import numpy as np

from course_utils.data.treebank import parse_tree
from course_utils.exercises import FunctionExercise, QuestionExercise


def _node_probes() -> list[tuple]:
    """Inputs of a Tree-LSTM node: x (3 features), both children's (h, c) (2 units), W, U_l, U_r, b."""
    rng = np.random.default_rng(7)
    zeros = np.zeros(2)
    # First (the diagnosers see the first probe that fails): no weights, so every gate is 0.5 and the memory is
    # the children's, half each: a node that drops them returns zeros.
    probes = [(np.ones(3), zeros, np.array([1.0, -1.0]), zeros, np.array([3.0, 0.5]),
               np.zeros((3, 10)), np.zeros((2, 10)), np.zeros((2, 10)), np.zeros(10))]
    for scale in (0.5, 2.0):
        x = rng.normal(size=3)
        children = [rng.normal(size=2) * scale for _ in range(4)]
        weights = [rng.normal(size=(3, 10)), rng.normal(size=(2, 10)), rng.normal(size=(2, 10)), rng.normal(size=10)]
        probes.append((x, *children, *weights))
    return probes


ex1 = FunctionExercise(
    number=1,
    name="tree_node",
    title="One Tree-LSTM node, from scratch",
    solution='''
def tree_node(x, h_l, c_l, h_r, c_r, W, U_l, U_r, b):
    z = x @ W + h_l @ U_l + h_r @ U_r + b
    i, f_l, f_r, o, u = np.split(z, 5)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))
    c = sigmoid(i) * np.tanh(u) + sigmoid(f_l) * c_l + sigmoid(f_r) * c_r
    h = sigmoid(o) * np.tanh(c)
    return h, c
''',
    probes=_node_probes(),
    hints=[
        "First the five blocks at once: `z = x @ W + h_l @ U_l + h_r @ U_r + b`, then `np.split(z, 5)` in the order"
        " i, f_l, f_r, o, u.",
        "Each child's memory has its own forget gate: `c = sigmoid(i) * tanh(u) + sigmoid(f_l) * c_l +"
        " sigmoid(f_r) * c_r`; then `h = sigmoid(o) * tanh(c)`. Return `(h, c)`.",
    ],
    diagnosers=[
        (lambda got, expected: isinstance(got, tuple) and len(got) == 2
         and np.allclose(np.asarray(got[0]), expected[1]) and np.allclose(np.asarray(got[1]), expected[0]),
         "The two values are swapped: return `(h, c)`, the output first and the memory second."),
        (lambda got, expected: isinstance(got, tuple) and len(got) == 2 and np.allclose(np.asarray(got[1]), 0)
         and not np.allclose(expected[1], 0),
         "The memory comes out as zeros: did you add the children's memories `c_l` and `c_r`, each through its"
         " forget gate?"),
    ],
)


ex2 = FunctionExercise(
    number=2,
    name="levels_needed",
    title="How many steps does a tree take, level by level?",
    solution='''
def levels_needed(tree):
    if tree.word is not None:
        return 1
    return 1 + max(levels_needed(child) for child in tree.children)
''',
    probes=[(parse_tree("(2 word)"),), (parse_tree("(3 (2 a) (3 good))"),),
            (parse_tree("(3 (2 (2 a) (2 (2 very) (3 good))) (2 film))"),),
            (parse_tree("(1 (2 (2 (2 (2 a) (2 b)) (2 c)) (2 d)) (2 e))"),)],
    hints=[
        "All leaves are computed in the first step. A node can run once both children are done: one step after the"
        " later of the two.",
        "Recursively: a leaf needs 1 step; an inner node needs 1 + the larger of its children's counts"
        " (`tree.word is not None` for a leaf, `tree.children` otherwise).",
    ],
    diagnosers=[
        (lambda got, expected: isinstance(got, (int, np.integer)) and got == expected - 1,
         "One short: the leaves take a step of their own (a tree of one word still needs one step)."),
        (lambda got, expected: isinstance(got, (int, np.integer)) and got > expected,
         "Too many: did you count nodes, or add both children's counts? A node waits only for the *later* child:"
         " take the maximum."),
    ],
)


ex3 = QuestionExercise(
    number=3,
    title="Which tree do Kaggle's rows describe?",
    choices={
        "a": "`(a b) c`: the first phrase after the sentence is its left part, so `a b` must be the left child.",
        "b": "`a (b c)`: `b c` is a phrase, so it is a node; with `a` beside it, that is the only binary tree whose"
             " nodes include it.",
        "c": "Either: the rows give the phrases but not how they nest.",
    },
    answer="b",
    feedback={
        "a": "`a b` is not among the rows, and no earlier sentence listed it: there is no such node.",
        "c": "A binary tree of three words has two shapes, and they differ in their inner phrase: `a b` or `b c`.",
    },
    explanation=(
        "A sentence listed as `a b c` then `b c` has the inner node `b c`, so the tree is `a (b c)`. Rows name the "
        "nodes; a binary tree of three words is fixed by its one inner node. For longer sentences several trees can "
        "contain the same phrases, and the order Kaggle lists them in (parent, left subtree, right subtree) settles "
        "most of the rest: `trees.rebuild_tree` searches for the tree whose new phrases come in exactly that order."
    ),
    hints=["List the inner nodes each candidate tree has, and compare them with the rows."],
)

EXERCISES = [ex1, ex2, ex3]
