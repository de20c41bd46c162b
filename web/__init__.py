"""The public web site: the global collection, read only, as HTML pages and a JSON API.

A third edge beside the cogs and the command line: handlers turn a request into plain values,
call :class:`bot.services.catalog.CatalogService` and render what it returns. No SQL and no
Discord here. :func:`web.app.create_app` builds the application; :mod:`web.server` runs it
beside the bot (``python -m bot run``) or alone (``python -m bot web``).
"""
