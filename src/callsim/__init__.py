"""callsim: practise difficult debt-collection calls."""

__version__ = "0.1.0"
