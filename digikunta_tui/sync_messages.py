"""The sync library's errors in the user's language.

:mod:`sync` is a standalone English library: its errors carry a stable ``code`` and the
``params`` their message is made of (see :mod:`sync.errors`). Here, at the app's and the CLI's
boundary, a code the catalogue knows (``sync_error.CODE`` in ``sync_errors.json``) is said in
the current language; anything else keeps the library's English message. In English the
library's own message is shown (it says the most; the English catalogue holds the same texts
so that both languages have every key). Either way the text is shown literally (it holds
paths and URLs from the configuration and the server).

Only the standard library and :mod:`digikunta_tui.i18n` are imported: the CLI's ``digikunta
sync`` reports its errors through this without loading the domain.
"""

from __future__ import annotations

from .i18n import FALLBACK_LANGUAGE, get_language, t, template


def _placeholders(text: str) -> set[str]:
    import string  # here: a sync with nothing to say (the CLI's no-op) does not load it

    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:  # a broken template: never used
        return {"\0"}


def sync_error_text(error: BaseException | str) -> str:
    """What went wrong, in the current language when its code is known, else in English.

    Args:
        error: an error from :mod:`sync`, or one of its notices (:class:`sync.errors.Notice`:
            a warning, why a copy was left alone). Anything else is accepted: one without a
            known ``code`` and every ``param`` its translation needs gives its own message.

    Returns:
        One line (or a few) for people; show it with markup off.
    """
    code = getattr(error, "code", None)
    params = getattr(error, "params", None)
    translate = get_language() != FALLBACK_LANGUAGE
    if translate and isinstance(code, str) and code and isinstance(params, dict):
        key = f"sync_error.{code}"
        text = template(key)
        if text is not None and _placeholders(text) <= params.keys():
            return t(key, **params)
    return str(error) or type(error).__name__
