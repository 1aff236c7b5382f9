"""Prefill sources behind one registry: where a form's answers can come from before anyone types.

* ``source.py``: what a source is (:class:`PrefillSource`: its bindings, provenance label,
  timeout, whether its values are verified) and what it is asked (:class:`PrefillRequest`).
* ``sources/``: one module per source, each exposing ``SOURCE``; found by ``registry.py``.
* ``registry.py``: the sources, their bindings (what forms may write after ``prefill:``).

The form engine runs them: ``core.forms.prefill``. docs/architecture.md, "Adding a prefill
source", walks through writing one.
"""
