"""``digikunta sync``: reconcile the local replica with the shared file or URL, headless."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from .context import CommandContext


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``sync`` command."""
    p = sub.add_parser(
        "sync",
        help="sync with the shared file or URL and print a short report",
        description="Reconcile the local replica with the shared JSON file or HTTP URL.",
        epilog="examples:\n"
        "  digikunta sync\n"
        "  digikunta sync --remote ~/Nextcloud/verkosto/digikunta.json\n"
        "  digikunta sync --remote https://cloud.example.fi/remote.php/dav/files/ville/"
        "digikunta.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--remote", help="shared JSON file path or https:// URL (overrides config)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Sync once and print the report; errors propagate to the CLI's error handler.

    The replica is synced on its own: the repository (its search index, the domain's models)
    is opened only when the sync changed something here, to bring the index up to date. A
    sync that finds nothing changed loads neither, nor pydantic: it costs about as much as
    starting Python.
    """
    from ..i18n import t
    from ..remotes import make_remote
    from ..sync_alone import sync_replica
    from ..sync_messages import sync_error_text

    settings = ctx.config.sync
    synced = sync_replica(
        ctx.data_dir,
        ctx.replica_name,
        make_remote(settings, args.remote),
        full_every_syncs=settings.full_sync_every,
        full_every=timedelta(minutes=settings.full_sync_minutes),
        progress=ctx.progress.sync_reporter(t("cli.msg.syncing")),
    )
    if synced.index_behind:
        ctx.repository().refresh(progress=ctx.progress.reporter(t("cli.msg.indexing")))
    ctx.progress.clear()
    report = synced.report
    print(t("cli.msg.synced", transport=report.transport, target=report.target))
    counts = t(
        "cli.msg.sync_counts",
        pulled=report.pulled,
        pushed=report.pushed,
        new=len(report.conflicts),
        open=synced.open_conflicts,
        pending=synced.pending,
        ms=f"{report.duration * 1000:.0f}",
    )
    print(counts + (t("cli.msg.sync_unchanged") if report.fast_path else ""))
    for name in report.absorbed:
        print(t("cli.msg.absorbed", name=name))
    for name, reason in report.ignored_copies:
        print(t("cli.msg.left_alone", name=name, reason=sync_error_text(reason)))
    for warning in report.warnings:
        print(t("cli.warning", message=sync_error_text(warning)), file=sys.stderr)
    return 0
