"""Use cases that the doors (terminal, web) call: each takes what it acts on, and in the practice
mode the acting user, as arguments.

One module per concern: choices (parsing a person's choices), screening, planning, catalogue,
files (JSON files a person hands in), journal (the local record), accounts and practice (the
multi-user practice mode), errors (InputError)."""
