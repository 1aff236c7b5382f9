"""Life events (issue 12): linked procedures sent as one application.

* ``groups.py``: the linked groups of the catalogue (``services_catalog/groups/*.yaml``): their
  component procedures, agencies, order, what a result hands on, the time limits, the one form.
* ``rules.py``: what the group checks beyond the form (a child under 6 for the insurance part,
  an address in the province of the receiving office), and the due dates of the parts.

The dossiers (the umbrella and its components, the chain moving on) are
``core.dossiers.chain``.
"""
