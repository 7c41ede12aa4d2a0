"""The callsim core: scenario format, loader and linter, engine, scorer.

Nothing under ``callsim.core`` imports Textual (tests/test_architecture.py proves it), so the core stays
fast to import and every client (the plain-text player, the TUI, the tests) drives the same API.
"""
