"""Reliability harnesses: many tills, killed tills, lost connections, dialogs left open."""
