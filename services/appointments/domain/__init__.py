"""The appointments domain: organisation units, people and dual appointments. Pure Python: no I/O,
no framework; every decision is a function of the current state and the command."""
