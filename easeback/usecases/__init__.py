"""Use cases that the doors call: each takes what it acts on, and in the practice mode the acting
user, as arguments."""
