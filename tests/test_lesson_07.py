"""Notebook 07's exercises: each solution passes, typical mistakes fail with the right message."""
from __future__ import annotations

import numpy as np
from lesson_checks import assert_exercise

from course_utils import trees
from course_utils.lessons.l07 import EXERCISES, ex1, ex2, ex3

NS = {"np": np}


def test_ex1_tree_node():
    swapped = '''
def tree_node(x, h_l, c_l, h_r, c_r, W, U_l, U_r, b):
    h, c = trees.node_step(x, (h_l, c_l), (h_r, c_r), trees.Weights(W, U_l, U_r, b))
    return c, h
'''
    forgetful = '''
def tree_node(x, h_l, c_l, h_r, c_r, W, U_l, U_r, b):
    z = x @ W + h_l @ U_l + h_r @ U_r + b
    i, f_l, f_r, o, u = np.split(z, 5)
    s = lambda v: 1 / (1 + np.exp(-v))
    c = s(i) * np.tanh(u)
    return s(o) * np.tanh(c), c
'''
    one_gate = '''
def tree_node(x, h_l, c_l, h_r, c_r, W, U_l, U_r, b):
    z = x @ W + h_l @ U_l + h_r @ U_r + b
    i, f_l, f_r, o, u = np.split(z, 5)
    s = lambda v: 1 / (1 + np.exp(-v))
    c = s(i) * np.tanh(u) + s(f_l) * (c_l + c_r)
    return s(o) * np.tanh(c), c
'''
    assert_exercise(ex1, {**NS, "trees": trees}, mistakes=[
        (swapped, "swapped"),
        (one_gate, "On input"),  # one forget gate for both children: wrong on the probes, with the failing input shown
    ], also_correct=[
        "def tree_node(x, h_l, c_l, h_r, c_r, W, U_l, U_r, b):\n"
        "    return trees.node_step(x, (h_l, c_l), (h_r, c_r), trees.Weights(W, U_l, U_r, b))\n"])
    assert_exercise(ex1, {**NS, "trees": trees}, mistakes=[(forgetful, "children's memories"),
                                                           (swapped, "swapped")])


def test_ex2_levels_needed():
    no_leaf_step = '''
def levels_needed(tree):
    if tree.word is not None:
        return 0
    return 1 + max(levels_needed(child) for child in tree.children)
'''
    counts_nodes = '''
def levels_needed(tree):
    return len(list(tree.preorder()))
'''
    assert_exercise(ex2, NS, mistakes=[(no_leaf_step, "One short"), (counts_nodes, "Too many")])


def test_ex3_which_tree():
    assert_exercise(ex3, mistakes=[("a", "not among the rows"), ("c", "two shapes")])


def test_the_exercises_are_listed_in_order():
    assert [exercise.number for exercise in EXERCISES] == [1, 2, 3]
