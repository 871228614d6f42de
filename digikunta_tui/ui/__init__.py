"""The Textual app. Start it with ``DigikuntaApp(repo, remote=..., language=...).run()``
(:class:`digikunta_tui.ui.app.DigikuntaApp`; ``digikunta_tui.commands.app_cmd`` does so).

Only modules under this package import ``textual``; the domain and sync layers never do.
"""
