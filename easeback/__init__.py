"""easeback: safe, local-first relief for a stiff lower back."""

__version__ = "0.1.0"
