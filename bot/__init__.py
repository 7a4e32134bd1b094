"""IPT role-play practice coach: the domain, importable and testable without Rasa."""

__version__ = "0.1.0"
