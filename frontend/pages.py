"""The pages every part of the frontend may answer with: a friendly error, signed out."""

from __future__ import annotations

from flask import render_template

from frontend.i18n import translate


def error_page(
    key: str,
    *,
    error: str = "",
    detail: str | None = None,
    status: int = 400,
    show_retry: bool = True,
    title_key: str = "error.title",
) -> tuple[str, int]:
    """Render the friendly error page; the IdP's text is escaped by Jinja."""
    return (
        render_template(
            "error.html",
            title=translate(title_key),
            message=translate(key, error=error),
            detail=(detail or "")[:500],
            show_retry=show_retry,
        ),
        status,
    )


def signed_out_page() -> str:
    """Where the identity platform sends the browser back after sign-out."""
    return render_template("signed_out.html")
