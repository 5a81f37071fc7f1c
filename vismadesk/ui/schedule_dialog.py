"""Help → Schedule nightly export: the cron line (Linux, macOS) or the Task Scheduler
command (Windows) for this profile, to copy; on Windows the task can be created here.

The scheduled `vismadesk export` writes a summary file a monitoring tool reads and exits
0, 1 or 2; the dialog says where the file goes and what the codes mean.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QTime
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from vismadesk.i18n import _
from vismadesk.profile import Profile
from vismadesk.schedule import DEFAULT_AT, Schedule, create_windows_task, nightly
from vismadesk.ui import style, texts


class ScheduleDialog(QDialog):
    def __init__(
        self, profile: Profile, parent: QWidget | None = None, *, windows: bool | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleDialog")
        self.profile = profile
        self._windows = windows
        self.setWindowTitle(_(texts.SCHEDULE_TITLE))
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        at_row = QHBoxLayout()
        at_label = QLabel(_(texts.SCHEDULE_AT))
        self.at = QTimeEdit()
        self.at.setObjectName("scheduleAt")
        self.at.setDisplayFormat("HH:mm")
        self.at.setTime(QTime(DEFAULT_AT.hour, DEFAULT_AT.minute))
        at_label.setBuddy(self.at)
        at_row.addWidget(at_label)
        at_row.addWidget(self.at)
        at_row.addStretch(1)
        layout.addLayout(at_row)
        self.line = QPlainTextEdit()
        self.line.setObjectName("scheduleLine")
        self.line.setReadOnly(True)
        self.line.setMinimumHeight(90)
        layout.addWidget(self.line)
        self.notes = QLabel()
        self.notes.setObjectName("scheduleNotes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(style.HELP)
        layout.addWidget(self.notes)
        self.outcome = QLabel()
        self.outcome.setObjectName("scheduleResult")
        self.outcome.setWordWrap(True)
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_(texts.CLOSE))
        self.copy_button = QPushButton(_(texts.SCHEDULE_COPY))
        self.copy_button.setObjectName("scheduleCopy")
        self.create_button = QPushButton(_(texts.SCHEDULE_CREATE))
        self.create_button.setObjectName("scheduleCreate")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.copy_button.clicked.connect(self.copy)
        self.create_button.clicked.connect(self.create_task)
        self.at.timeChanged.connect(self._show)
        self._show()

    def schedule(self) -> Schedule:
        t = self.at.time()
        default = Profile.platform_default()
        own = self.profile.config_dir == default.config_dir
        return nightly(
            dt.time(t.hour(), t.minute()),
            profile_dir=None if own else self.profile.config_dir,
            summary_path=self.profile.log_dir / "last-export.json",
            log_path=self.profile.log_dir / "scheduled-export.log",
            windows=self._windows,
        )

    def _show(self) -> None:
        s = self.schedule()
        self.intro.setText(_(texts.SCHEDULE_INTRO_WINDOWS if s.windows else texts.SCHEDULE_INTRO))
        self.line.setPlainText(s.line)
        self.notes.setText(_(texts.SCHEDULE_NOTES).format(path=Path(s.summary_path)))
        self.create_button.setVisible(s.windows)
        self.outcome.clear()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.line.toPlainText())
        self._say(_(texts.SCHEDULE_COPIED), style.GOOD)

    def create_task(self) -> None:
        try:
            create_windows_task(self.schedule())
        except OSError as e:
            self._say(_(texts.SCHEDULE_NOT_CREATED).format(problem=e), style.BAD)
            return
        self._say(_(texts.SCHEDULE_CREATED), style.GOOD)

    def _say(self, text: str, color: str) -> None:
        self.outcome.setText(text)
        self.outcome.setStyleSheet(style.color(color))
