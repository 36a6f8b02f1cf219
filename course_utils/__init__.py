"""Helpers for the LSTM course notebooks, grouped by who uses them.

**Learners** (imported by the notebooks; each helper is first written inline in the notebook that teaches it):

- every notebook: ``config`` (``config.setup``: mode, thread pools, seeds; ``config.pick``), ``training`` (``EpochLog``,
  ``fit``, ``fit_resumable``), ``lessons.lNN`` (the exercises of notebook NN), ``colab`` (what the first code cell
  does on Google Colab, and only there)
- 00: ``environment`` (the environment check), ``data`` (``load_phrases``; 07: ``load_train_trees``), ``labels``
- 01 to 03: ``routine`` (the workout rules and datasets, 02's coach's note included), ``diagrams`` (the
  pictures: the unrolled network, the cells, the gate heatmaps), ``training`` (02's ``ForgetGateBias`` and
  ``StopWhenLearned``), ``cells`` (03's NumPy LSTM and GRU), ``widgets`` (planner, gates)
- 04 to 06: ``text`` (cleaning, ``Vectoriser``, padding), ``batching`` (sorted batches, prefix packs),
  ``sentiment_models`` (the layers, and ``step_probabilities``), ``evaluation``, ``submission``, ``scoring`` (the
  offline test score from the treebank's labels, reported and never tuned on; the exact-match lookup), ``validation``,
  ``baselines``, ``threads`` and ``resources`` (what the kernel may use), ``files`` (writes that never leave a
  half-written file), ``widgets.playground``
- 07: ``trees`` (a Tree-LSTM node in NumPy, the batched layer proven equal to
  it, trees rebuilt from Kaggle's phrase tables)

**Data internals** (no notebook imports them): ``data.treebank`` (trees to phrase tables), ``data.download``,
``data.sample`` (the generator of the committed synthetic sample).

**Maintainers**: ``exercises`` (the checker framework behind ``lessons``), ``tools`` (``runner``: ``make course``;
``solutions``; ``site``: ``make site``; ``bench``: ``make bench``; ``badges``: point every Binder and Colab link
at a tag; ``refresh_notebook``: store nbval's outputs; ``conventions``: the notebook rules the tests enforce).
"""
