"""The terminal door: the parser (cli), command modules, prompts, rendering, the session player."""
