"""Feedback and petitions (phản ánh, kiến nghị) about a procedure, an agency or a dossier.

* :mod:`rules`: subjects, topics, limits, tracking codes, text cleaning and personal-data removal;
* :mod:`photos`: the optional photo, checked by content and re-encoded without its metadata;
* :mod:`sending`: the citizen's flow (checks per step, rate limits, the competent unit, the due date);
* :mod:`handling`: the unit's inbox, the answer, publication by a supervisor;
* :mod:`public`: tracking by code, and the public list of published answers.

Database functions take the Session first and do not commit (``unit_of_work()``).
"""
