"""The synthetic arena: seeded runs that look like the real arena's, for demos, smoke runs,
tests and benchmarks. ``runs`` generates events (pure), ``producer`` publishes them at a rate,
``demo`` keeps a few runs going for the app's built-in demo."""
