"""The patrols domain: patrol teams, patrols, clearance operations and daily police activity. Pure
Python: no I/O, no framework; every decision is a function of the current state and the command."""
