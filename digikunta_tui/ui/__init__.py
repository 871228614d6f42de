"""The Textual app. Import :func:`digikunta_tui.ui.app.run_app` to start it.

Only modules under this package import ``textual``; the domain and sync layers never do.
"""
