"""The mediation domain: disputes and their escalation ladder. Pure Python: no I/O, no framework;
every decision is a function of the current state and the command."""
