"""The Danzhou demo: a year of the programme, loaded through the write services' public command APIs
(never SQL) on an empty platform, modelled on the figures the programme published (../shared/DOMAIN.md).

- ``danzhou``: the city as the demo builds it (townships, stations, villages, grids, people);
- ``published``: the published figures the demo reproduces, in one place for the loaders and the tests;
- ``client``: one HTTP client for every write service, with idempotency keys and bounded retries;
- one loader per write service (``appointments``, ``patrols``, ``tips``, ``mediation``, ``outreach``);
- ``__main__``: ``python -m demo``, which the platform supervisor runs unless told ``--no-demo``.
"""
