"""Every run the window can start, once: its label, icon, shortcut, where it sits, its job.

The window builds its toolbar, menus and starters from `RUNS`, and names a run by
its label from here in the status bar, the progress line and the close question;
the way MusicBrainz Picard keeps its actions in a module apart from its main window.
A new kind of run is one `RunKind` and one row below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon, QKeySequence

from vismadesk.engine import export, signin, sync
from vismadesk.engine.context import Context
from vismadesk.engine.runs import RunResult
from vismadesk.i18n import _
from vismadesk.ui import texts
from vismadesk.ui.icons import icon
from vismadesk.ui.workers import RunHooks, RunJob


class RunKind(StrEnum):
    EXPORT = "export"
    EXPORT_SELECTED = "export_selected"
    SYNC_RELATIONS = "sync_relations"
    SYNC_MATERIALS = "sync_materials"
    SYNC_ALL = "sync_all"
    RESET = "reset"
    LOGIN = "login"
    DISCONNECT = "disconnect"


class Place(Enum):
    """Where the window offers a run as an action (and its shortcut works)."""

    TOOLBAR = "toolbar"  # the toolbar and the Actions menu
    CONNECTION = "connection"  # the Connection menu
    # Started from a button elsewhere: the Work orders tab, a fix in the details.
    ELSEWHERE = "elsewhere"


# (the session, the chosen work orders) -> what the run's thread does.
JobMaker = Callable[[Context, list[str]], RunJob]


@dataclass(frozen=True, slots=True)
class RunAction:
    kind: RunKind
    label: str
    icon: str
    job: JobMaker
    place: Place = Place.ELSEWHERE
    shortcut: str = ""
    # Runs on chosen work orders only: without a choice, nothing starts.
    on_chosen: bool = False
    # Changes which work orders are ready or failed: the lists are read again after.
    changes_work_orders: bool = False
    # A toolbar action greyed while this runs, besides its own (exporting some is
    # exporting: Export work orders waits too).
    greys: RunKind | None = None


def _export(ctx: Context, _chosen: list[str]) -> RunJob:
    return lambda h: export.run_export(ctx, h)


def _export_selected(ctx: Context, only: list[str]) -> RunJob:
    return lambda h: export.run_export(ctx, h, only=only)


def _sync_job(fn: Callable[..., RunResult]) -> JobMaker:
    def make(ctx: Context, _chosen: list[str]) -> RunJob:
        def job(h: RunHooks) -> RunResult:
            return fn(ctx, h)

        return job

    return make


def _reset(ctx: Context, chosen: list[str]) -> RunJob:
    return lambda h: sync.reset_work_orders(ctx, chosen, h)


def _login(ctx: Context, _chosen: list[str]) -> RunJob:
    return lambda h: signin.login(ctx, h, open_browser=h.open_browser)


def _disconnect(ctx: Context, _chosen: list[str]) -> RunJob:
    return lambda h: signin.disconnect(ctx, h)


RUNS: dict[RunKind, RunAction] = {
    a.kind: a
    for a in (
        RunAction(
            RunKind.EXPORT,
            texts.EXPORT_WORK_ORDERS,
            "export",
            _export,
            Place.TOOLBAR,
            "Ctrl+E",
            changes_work_orders=True,
        ),
        RunAction(
            RunKind.EXPORT_SELECTED,
            texts.EXPORT_SELECTED,
            "export",
            _export_selected,
            on_chosen=True,
            changes_work_orders=True,
            greys=RunKind.EXPORT,
        ),
        RunAction(
            RunKind.SYNC_RELATIONS,
            texts.SYNC_RELATIONS,
            "sync-relations",
            _sync_job(sync.sync_relations),
            Place.TOOLBAR,
            "Ctrl+R",
        ),
        RunAction(
            RunKind.SYNC_MATERIALS,
            texts.SYNC_MATERIALS,
            "sync-materials",
            _sync_job(sync.sync_materials),
            Place.TOOLBAR,
            "Ctrl+M",
        ),
        RunAction(
            RunKind.SYNC_ALL,
            texts.SYNC_ALL,
            "sync-all",
            _sync_job(sync.sync_all),
            Place.TOOLBAR,
            "F5",
        ),
        RunAction(
            RunKind.RESET,
            texts.RESET_STATUS,
            "reset",
            _reset,
            on_chosen=True,
            changes_work_orders=True,
        ),
        RunAction(RunKind.LOGIN, texts.LOGIN, "login", _login, Place.CONNECTION, "Ctrl+L"),
        RunAction(
            RunKind.DISCONNECT, texts.DISCONNECT, "disconnect", _disconnect, Place.CONNECTION
        ),
    )
}
assert set(RUNS) == set(RunKind), "every kind of run needs its row"


def label(kind: str) -> str:
    """The run's name as the window shows it (`kind` as a `RunKind` or its value), in the
    language chosen now."""
    return _(RUNS[RunKind(kind)].label)


def run_icon(kind: RunKind) -> QIcon:
    return icon(RUNS[kind].icon)


def make_job(kind: RunKind, ctx: Context, chosen: Sequence[str] = ()) -> RunJob:
    return RUNS[kind].job(ctx, list(chosen))


def make_action(run: RunAction, parent: QObject) -> QAction:
    """The QAction for a run offered in a menu; the window connects what it does."""
    action = QAction(run_icon(run.kind), "", parent)
    action.setObjectName(f"action_{run.kind.value}")
    if run.shortcut:
        action.setShortcut(QKeySequence(run.shortcut))
    retranslate_action(action, run)
    return action


def retranslate_action(action: QAction, run: RunAction) -> None:
    """Set the action's words in the language chosen now."""
    action.setText(_(run.label))
    if run.shortcut:
        keys = QKeySequence(run.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(_(texts.ACTION_TOOLTIP).format(action=_(run.label), keys=keys))
