"""The fee line by line as a Reflex component (check answers, send, sent): issue 11."""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core.i18n import Translator


def fee_table(t: Translator, lines: Any, total: Any, testid: str = "fee-breakdown") -> rx.Component:
    """``lines`` is a state Var of ``FeeLineView``; nothing is drawn when there is nothing to pay."""
    _ = t.gettext
    return rx.cond(
        lines.length() > 0,
        rx.el.section(
            rx.el.h2(_("Fee")),
            rx.el.dl(
                rx.foreach(
                    lines,
                    lambda line: rx.el.div(
                        rx.el.dt(line.label), rx.el.dd(line.amount), class_name="summary-row",
                        data_testid=f"{testid}-line",
                    ),
                ),
                rx.el.div(
                    rx.el.dt(rx.el.strong(_("Total to pay"))),
                    rx.el.dd(rx.el.strong(total), data_testid=f"{testid}-total"),
                    class_name="summary-row",
                ),
                class_name="summary-list",
            ),
            data_testid=testid,
        ),
    )
