"""Rules of the ecosystem, chosen and parameterised by the scenario.

Each module implements named causal links of the brief (``docs/ODD.md``, section 7):

- ``funding``: link 1 (funding continuity, elections, renewal rules)
- ``finance``: links 7 and 8 (subsidy, hybrid co-funding and loans, Social Impact Bond)
- ``governance``: link 4 (role clarity, partnership agreement)
- ``trust``: link 5 (asymmetric trust, exit and rejoining)
- ``debt``: link 3 (debt help)
- ``admin``: link 11 (administrative burden)
- ``outreach``: link 6 (reach through many doors)
- ``monitoring``: link 9 (visibility of results, evidence for renewal)
- ``economy``: link 10 (downturns; employers weigh cost against impact)
- ``value``: link 12 (financial, social and personal value; SROI over a horizon)
"""
