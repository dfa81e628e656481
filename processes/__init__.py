"""The processes: one package per lifecycle, each with its flow, its step services, its
pages, its forms, its templates and its registry entry (``process.py``).

See ``docs/architecture.md`` for how they sit on the engine (``workflows``) and the case
domain (``cases``), and for the files a new process touches.
"""
