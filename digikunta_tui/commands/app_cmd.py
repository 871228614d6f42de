"""``digikunta`` (no command) opens the app; ``digikunta demo`` opens it on fresh demo data."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CommandError
from ..i18n import grouped, t
from .context import CommandContext
from .progress import ProgressLine

if TYPE_CHECKING:
    from ..ui.dialogs.sync_setup import SyncSetup

DEMO_SHARED_NAME = "digikunta.json"

MAX_DEMO_PEOPLE = 1_000_000
"""The most synthetic people ``digikunta demo --people`` adds."""


def people_arg(text: str) -> int:
    """argparse type of ``--people``: a whole number from 0 to ``MAX_DEMO_PEOPLE``."""
    try:
        number = int(text.replace("_", "").replace(" ", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.msg.not_whole_number", text=repr(text))) from None
    if not 0 <= number <= MAX_DEMO_PEOPLE:
        raise argparse.ArgumentTypeError(t("cli.msg.number_range", max=grouped(MAX_DEMO_PEOPLE)))
    return number


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``demo`` command (the app itself is the default when no command is given)."""
    p = sub.add_parser(
        "demo",
        help="open the app on a fresh demo replica with a demo shared file",
        description="Create a fresh demo replica (the network's own facts plus illustrative "
        "stories) and a demo shared file beside it, then open the app, so that you can try "
        "editing and syncing at once. The demo lives in DATA_DIR/demo and is recreated each "
        "time unless --keep is given. --people N adds N synthetic people (with their "
        "organisations, consents, registrations, webinars and stories, all made up, addresses "
        "under example.fi) to try the app at scale.",
        epilog="examples:\n"
        "  digikunta demo                  fresh demo data, open the app\n"
        "  digikunta demo --keep           continue with last time's demo\n"
        "  digikunta demo --no-app         only create it and print where it is\n"
        "  digikunta demo --people 50000   the demo plus 50 000 synthetic people",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--keep", action="store_true", help="reuse the demo from last time")
    p.add_argument("--no-app", action="store_true", help="only create the demo, print its paths")
    p.add_argument(
        "--people",
        type=people_arg,
        default=0,
        metavar="N",
        help="also add N synthetic people and what goes with them (default: 0)",
    )
    p.set_defaults(func=run_demo)


def _language(ctx: CommandContext) -> str:
    from ..i18n import detect_language, set_language

    lang = detect_language(ctx.config.ui.language, os.environ)
    set_language(lang)
    return lang


def open_app(ctx: CommandContext, remote_target: str | None, *, setup: bool = True) -> int:
    """Run the Textual app on the context's data folder.

    The repository is opened without preparing its search index (``prepare=False``): the app
    paints at once and builds or refreshes the index in a worker, showing its progress.
    ``setup``: the app's sync set-up dialog may write the user's config (not for the demo).
    """
    from ..config import export_folder, load_ui_state, save_ui_state, ui_state_path
    from ..domain.repository import Repository

    lang = _language(ctx)
    settings = ctx.config.sync
    remote = None
    if remote_target or settings.remote:
        from ..remotes import make_remote  # the remotes (filelock, httpx) only when configured

        remote = make_remote(settings, remote_target)
    state_path = ui_state_path(ctx.config) if ctx.config.source else ctx.data_dir / "ui-state.toml"
    state = load_ui_state(state_path)

    def remember_theme(theme: str) -> None:
        save_ui_state(state_path, {**state, "theme": theme})

    from ..ui.app import DigikuntaApp

    repo = Repository.open(ctx.data_dir, replica_name=ctx.replica_name, prepare=False)
    try:
        app = DigikuntaApp(
            repo,
            remote=remote,
            language=lang,
            keymap=dict(ctx.config.keys),
            theme=state.get("theme") or ctx.config.ui.theme or None,
            auto_sync_minutes=settings.auto_sync_minutes or None,
            on_theme_change=remember_theme,
            export_folder=export_folder(ctx.config),
            sync_setup=_sync_setup(ctx, remote_target) if setup else None,
        )
        app.run()
    finally:
        repo.close()
    return int(app.return_code or 0)


def _sync_setup(ctx: CommandContext, remote_target: str | None) -> SyncSetup:
    """What the app's sync set-up dialog writes to (the config file) and how it makes a remote."""
    from ..config import config_path
    from ..remotes import make_remote
    from ..ui.dialogs.sync_setup import SyncSetup

    settings = ctx.config.sync
    return SyncSetup(
        config_file=ctx.config.source or config_path(os.environ),
        make_remote=lambda target: make_remote(settings, target),
        remote=remote_target or settings.remote,
        replica_name=ctx.replica_name,
    )


def run_default(args: argparse.Namespace, ctx: CommandContext) -> int:
    """``digikunta``: the app on the configured replica (``--remote`` overrides the config)."""
    return open_app(ctx, getattr(args, "app_remote", None))


def demo_paths(base: Path) -> tuple[Path, Path]:
    """(demo data folder, demo shared file) under ``base``."""
    folder = base / "demo"
    return folder / "replica", folder / "shared" / DEMO_SHARED_NAME


def demo_exists(base: Path) -> bool:
    """True when ``base`` holds a demo that ``--keep`` would reuse."""
    data, _ = demo_paths(base)
    return (data / "replica.sqlite").exists()


def create_demo(
    base: Path,
    *,
    keep: bool = False,
    people: int = 0,
    progress: ProgressLine | None = None,
) -> tuple[Path, Path]:
    """Create (or with ``keep``, reuse) the demo replica and its shared file.

    ``people`` synthetic people (:func:`~digikunta_tui.domain.synthetic.add_synthetic`) join
    the demo data; ``progress`` shows how far that, the index and the first sync are. A demo
    whose creation fails or is interrupted is removed again, never left half made.
    """
    import shutil

    data, shared = demo_paths(base)
    if not keep and data.parent.exists():
        if not (data.parent / ".digikunta-demo").exists():
            raise CommandError(t("cli.msg.demo_not_ours", path=str(data.parent)))
        shutil.rmtree(data.parent)
    if keep and demo_exists(base):
        return data, shared
    shared.parent.mkdir(parents=True, exist_ok=True)
    (data.parent / ".digikunta-demo").write_text("Created by `digikunta demo`.\n", "utf-8")
    try:
        _fill_demo(data, shared, people, progress or ProgressLine(sys.stderr, enabled=False))
    except BaseException:
        shutil.rmtree(data.parent, ignore_errors=True)
        raise
    return data, shared


def _fill_demo(data: Path, shared: Path, people: int, line: ProgressLine) -> None:
    from sync import FileRemote

    from ..domain.repository import Repository
    from ..domain.synthetic import add_synthetic, organizations_by_name

    repo = Repository.open(data, replica_name="demo")
    try:
        repo.load_demo()
        if people:
            add_synthetic(
                repo,
                people,
                existing=organizations_by_name(repo),
                progress=line.reporter(t("cli.msg.demo_adding")),
            )
            repo.refresh(progress=line.reporter(t("cli.msg.demo_indexing")))
        repo.sync(FileRemote(shared), progress=line.sync_reporter(t("cli.msg.demo_syncing")))
        repo.refresh()
    finally:
        line.clear()
        repo.close()


def run_demo(args: argparse.Namespace, ctx: CommandContext) -> int:
    """``digikunta demo``."""
    if args.keep and args.people and demo_exists(ctx.data_dir):
        print(t("cli.warning", message=t("cli.msg.demo_keep_people")), file=sys.stderr)
    data, shared = create_demo(
        ctx.data_dir, keep=args.keep, people=args.people, progress=ctx.progress
    )
    if args.no_app:
        print(t("cli.msg.demo_replica", path=data))
        print(t("cli.msg.demo_shared", path=shared))
        return 0
    demo = ctx.config._replace(replica=ctx.config.replica._replace(name="demo"))
    demo_ctx = CommandContext(demo, data, ctx.progress)
    try:
        return open_app(demo_ctx, str(shared), setup=False)
    finally:
        demo_ctx.close()
