"""The explorer: a local web app over painkg (``painkg serve``; the ``web`` extra).

``painkg.web:app`` is the ASGI app over the bundled KB, loaded when the app starts;
:func:`create_app` builds one over any KB.  ``import painkg`` never imports this wing.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["app", "create_app"]

app = create_app()
